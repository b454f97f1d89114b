from frappe.model.document import Document

from medical_devices.audit.doctype.audit_trail_entry.audit_trail_entry import refuse


class AuditChainHead(Document):
	"""Sequence and hash of the newest audit trail entry; the row the chain's writers lock, one at a time."""

	def validate(self):
		refuse("Audit Chain Head")
