from frappe.model.document import Document


class BatchStatusChange(Document):
	"""Append-only history of a batch's GSP status; written directly by medical_devices.gsp.batch_status and never
	through the document API (medical_devices.controls)."""
