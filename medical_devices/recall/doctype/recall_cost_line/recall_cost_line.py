from frappe.model.document import Document


class RecallCostLine(Document):
	pass
