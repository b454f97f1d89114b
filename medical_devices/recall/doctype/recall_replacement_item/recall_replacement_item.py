from frappe.model.document import Document


class RecallReplacementItem(Document):
	pass
