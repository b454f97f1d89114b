from frappe.model.document import Document


class RecallCostAccount(Document):
	pass
