from frappe.model.document import Document


class AuditTrailEntry(Document):
	"""Written once, by medical_devices.audit.trail, with SQL inside the audited write's own transaction; through
	the document API it can be read and nothing else, Administrator included (medical_devices.controls)."""
