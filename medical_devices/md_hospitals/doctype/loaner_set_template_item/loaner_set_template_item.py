from frappe.model.document import Document


class LoanerSetTemplateItem(Document):
	pass
