from frappe.model.document import Document


class ConsignmentUsageItem(Document):
	pass
