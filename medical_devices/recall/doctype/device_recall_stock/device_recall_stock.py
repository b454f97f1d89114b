from frappe.model.document import Document


class DeviceRecallStock(Document):
	pass
