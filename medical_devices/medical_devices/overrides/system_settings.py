"""System Settings: the formats the desk and the server use are the ones System Settings shows.

Frappe formats dates and numbers from its defaults (`frappe.db.get_default("date_format")`, the desk's
`sysdefaults`), not from the System Settings record, and copies a field into its default only when a save changes
that field. A site whose settings were written without that copy (the setup wizard of a site created with another
format, a restored backup) shows yyyy-mm-dd in System Settings while every date is printed dd-mm-yyyy; a GSP
packet then mixes both. On every save of System Settings, and on install and migrate, the defaults follow the
settings."""

import frappe
from frappe.utils import cstr

FORMAT_FIELDS = (
	"date_format",
	"time_format",
	"number_format",
	"first_day_of_the_week",
	"float_precision",
	"currency_precision",
)


def sync_format_defaults(doc=None, method=None):
	settings = doc or frappe.get_single("System Settings")
	changed = False
	for field in FORMAT_FIELDS:
		value = settings.get(field)
		if cstr(value) and cstr(frappe.db.get_default(field)) != cstr(value):
			frappe.db.set_default(field, value)
			changed = True
	if changed:
		frappe.local.user_date_format = frappe.local.user_time_format = None
		frappe.cache.delete_value("system_settings")
