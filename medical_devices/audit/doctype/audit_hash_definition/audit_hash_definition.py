from frappe.model.document import Document


class AuditHashDefinition(Document):
	"""Which fields a doctype's state hash left out when an entry was made (medical_devices.audit.state): named by
	the hash of its own content, written once, never changed."""
