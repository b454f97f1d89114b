import frappe
from frappe.model.document import Document


class MedicalDeviceSettings(Document):
	# Non-negative day counts are enforced by the fields' own `non_negative` flag.
	pass


def get_settings():
	"""The settings, cached per request and invalidated by Frappe on save across all processes."""
	return frappe.get_cached_doc("Medical Device Settings")


def controls_enabled() -> bool:
	"""False only while an administrator has switched the rules off, e.g. to migrate legacy data."""
	return bool(get_settings().enable_controls)
