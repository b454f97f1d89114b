from frappe.model.document import Document


class ConsignmentCountItem(Document):
	pass
