from frappe.model.document import Document


class AuditTrailStage(Document):
	"""Staged entries of open transactions (medical_devices.audit.trail); never written through the document API."""
