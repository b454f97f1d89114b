from frappe.model.document import Document


class MDAuditedDocType(Document):
	pass
