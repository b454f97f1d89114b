from frappe.model.document import Document


class DeviceClinicalSize(Document):
	pass
