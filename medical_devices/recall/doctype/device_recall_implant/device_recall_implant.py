from frappe.model.document import Document


class DeviceRecallImplant(Document):
	pass
