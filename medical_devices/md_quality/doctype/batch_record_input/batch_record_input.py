from frappe.model.document import Document


class BatchRecordInput(Document):
	pass
