from frappe.model.document import Document


class CAPAAction(Document):
	pass
