from frappe.model.document import Document


class ElectronicSignature(Document):
	"""Written once, by medical_devices.audit.signature after the signer re-entered the password; through the
	document API it can be read and nothing else (medical_devices.controls)."""
