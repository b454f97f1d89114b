from frappe.model.document import Document


class DeviceRecallBatch(Document):
	pass
