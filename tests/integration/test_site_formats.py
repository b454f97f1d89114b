"""Dates and numbers are formatted as System Settings says, on the desk and on the server, whatever wrote the
settings before (medical_devices/medical_devices/overrides/system_settings.py)."""

import frappe
from frappe.utils import formatdate

from medical_devices.medical_devices.overrides.system_settings import sync_format_defaults


def test_the_formats_follow_system_settings_even_when_frappes_defaults_diverged():
	settings = frappe.get_single("System Settings")
	original = settings.date_format
	try:
		# what a site created with another format carries after the setup wizard: settings and defaults disagree
		frappe.db.set_single_value("System Settings", "date_format", "yyyy-mm-dd")
		frappe.db.set_default("date_format", "dd-mm-yyyy")
		frappe.local.user_date_format = None
		assert formatdate("2026-11-29") == "29-11-2026"

		sync_format_defaults()
		assert frappe.db.get_default("date_format") == "yyyy-mm-dd"
		assert formatdate("2026-11-29") == "2026-11-29"

		# and a save of System Settings that changes nothing puts them right again
		frappe.db.set_default("date_format", "dd-mm-yyyy")
		frappe.get_single("System Settings").save()
		frappe.local.user_date_format = None
		assert formatdate("2026-11-29") == "2026-11-29"
		assert frappe.defaults.get_defaults().get("date_format") == "yyyy-mm-dd"  # what the desk's boot reads
	finally:
		frappe.db.rollback()
		frappe.clear_cache()  # the defaults cache outlives the rollback
		frappe.cache.delete_value("system_settings")
		frappe.local.user_date_format = None
		assert frappe.db.get_default("date_format") == original


def test_renminbi_amounts_carry_the_yuan_sign():
	from frappe.utils import fmt_money

	from medical_devices.setup import ensure_currency_symbols

	ensure_currency_symbols()
	assert frappe.db.get_value("Currency", "CNY", "symbol") == "¥"
	assert fmt_money(960, currency="CNY").startswith("¥") and "960.00" in fmt_money(960, currency="CNY")
