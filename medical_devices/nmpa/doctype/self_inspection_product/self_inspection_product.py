from frappe.model.document import Document


class SelfInspectionProduct(Document):
	pass
