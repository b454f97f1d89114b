from frappe.model.document import Document


class MDAlertRole(Document):
	pass
