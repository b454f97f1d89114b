from frappe.model.document import Document


class BatchRecordNonconformance(Document):
	pass
