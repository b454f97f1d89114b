from frappe.model.document import Document


class MDSignatureRule(Document):
	pass
