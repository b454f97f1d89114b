from frappe.model.document import Document


class LoanerSetLoanItem(Document):
	pass
