"""A finding of a supplier audit: what was found, how grave (Major, Minor, Observation), and when it is corrected."""

from frappe.model.document import Document


class SupplierAuditFinding(Document):
	pass
