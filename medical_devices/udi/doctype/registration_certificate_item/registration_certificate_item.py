from frappe.model.document import Document


class RegistrationCertificateItem(Document):
	pass
