from frappe.model.document import Document


class BatchRecordInspection(Document):
	pass
