from frappe.model.document import Document


class SignatureAttempt(Document):
	"""One attempt to sign (medical_devices.audit.signature): the signing lockout and the one-time use of
	authenticator codes are decided from these rows, which the app writes directly and never changes."""
