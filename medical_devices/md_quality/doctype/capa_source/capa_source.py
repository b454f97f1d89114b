from frappe.model.document import Document


class CAPASource(Document):
	pass
