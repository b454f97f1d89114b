from frappe.model.document import Document


class DeviceWriteOffItem(Document):
	pass
