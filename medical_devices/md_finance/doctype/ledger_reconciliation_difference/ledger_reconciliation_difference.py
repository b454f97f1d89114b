from frappe.model.document import Document


class LedgerReconciliationDifference(Document):
	pass
