from frappe.model.document import Document


class SelfInspectionEvent(Document):
	pass
