from frappe.model.document import Document


class MDFinanceAccount(Document):
	pass
