from frappe.model.document import Document


class SelfInspectionLicence(Document):
	pass
