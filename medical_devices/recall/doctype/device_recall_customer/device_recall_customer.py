from frappe.model.document import Document


class DeviceRecallCustomer(Document):
	pass
