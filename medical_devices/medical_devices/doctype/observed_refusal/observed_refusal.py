from frappe.model.document import Document


class ObservedRefusal(Document):
	"""Append-only: what a control would have refused while its company was observed; written directly by
	medical_devices.golive and never through the document API (medical_devices.controls)."""
