from frappe.model.document import Document


class AuditChainHead(Document):
	"""Sequence and hash of the newest audit trail entry; the row the chain's writers lock, one at a time. Only
	medical_devices.audit.trail moves it (medical_devices.controls)."""
