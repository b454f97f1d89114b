"""The one idempotent setup of everything this app adds to ERPNext's own doctypes.

`apply_setup` runs after install and again from patches.txt on migrate; `remove_setup` undoes it on
uninstall. Definitions live as plain data in each module's `constants` package.
"""

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from medical_devices.audit.constants.custom_fields import CUSTOM_FIELDS as AUDIT_CUSTOM_FIELDS
from medical_devices.audit.protection import remove_forced_track_changes, setup_audit
from medical_devices.gsp.constants.custom_fields import CUSTOM_FIELDS as GSP_CUSTOM_FIELDS
from medical_devices.gsp.constants.permissions import DOCTYPE_PERMISSIONS
from medical_devices.md_finance.constants.custom_fields import CUSTOM_FIELDS as FINANCE_CUSTOM_FIELDS
from medical_devices.md_finance.ledger import ensure_batch_dimension, remove_batch_dimension
from medical_devices.md_hospitals.constants.custom_fields import CUSTOM_FIELDS as HOSPITAL_CUSTOM_FIELDS
from medical_devices.md_quality.constants.custom_fields import CUSTOM_FIELDS as QUALITY_CUSTOM_FIELDS
from medical_devices.medical_devices.constants.custom_fields import CUSTOM_FIELDS as DEVICE_CUSTOM_FIELDS
from medical_devices.medical_devices.constants.property_setters import PROPERTY_SETTERS
from medical_devices.medical_devices.constants.roles import ROLES
from medical_devices.medical_devices.constants.webhooks import URL, WEBHOOKS
from medical_devices.medical_devices.overrides.system_settings import sync_format_defaults
from medical_devices.nmpa.constants.custom_fields import CUSTOM_FIELDS as NMPA_CUSTOM_FIELDS
from medical_devices.recall.constants.custom_fields import CUSTOM_FIELDS as RECALL_CUSTOM_FIELDS
from medical_devices.recall.ledger import ensure_recall_dimension, remove_recall_dimension

SETTINGS_DOCTYPE = "Medical Device Settings"


def get_custom_fields() -> dict[str, list[dict]]:
	"""All custom fields of all modules, merged per doctype."""
	merged: dict[str, list[dict]] = {}
	for module_fields in (
		DEVICE_CUSTOM_FIELDS,
		GSP_CUSTOM_FIELDS,
		RECALL_CUSTOM_FIELDS,
		NMPA_CUSTOM_FIELDS,
		FINANCE_CUSTOM_FIELDS,
		QUALITY_CUSTOM_FIELDS,
		HOSPITAL_CUSTOM_FIELDS,
		AUDIT_CUSTOM_FIELDS,
	):
		for doctype, fields in module_fields.items():
			merged.setdefault(doctype, []).extend(fields)
	return merged


# Fields an earlier version made and this one no longer has: removed when the setup runs again.
RETIRED_CUSTOM_FIELDS = {
	# an invoice row bills units of a usage report, one row per batch, not one report row (issue 19)
	"Sales Invoice Item": [{"fieldname": "md_consignment_usage_item"}],
	"Delivery Note Item": [{"fieldname": "md_consignment_usage_item"}],
}


def apply_setup():
	delete_custom_fields(RETIRED_CUSTOM_FIELDS)
	create_custom_fields(get_custom_fields(), ignore_validate=True)
	ensure_recall_dimension()  # after the custom fields: it reuses their md_device_recall on Delivery Note, Stock Entry
	ensure_batch_dimension()
	setup_audit()
	apply_property_setters()
	create_roles()
	add_doctype_permissions()
	save_settings_defaults()
	sync_format_defaults()
	ensure_currency_symbols()
	ensure_webhooks()


# Currencies ERPNext creates without a symbol (its country data has none for the renminbi): CNY 960.00 reads as ¥960.00
# on a Chinese form. A symbol someone set is kept, and uninstall leaves the symbol (it is the currency's own).
CURRENCY_SYMBOLS = {"CNY": "¥"}


def ensure_currency_symbols():
	for currency, symbol in CURRENCY_SYMBOLS.items():
		if frappe.db.exists("Currency", currency) and not frappe.db.get_value("Currency", currency, "symbol"):
			frappe.db.set_value("Currency", currency, "symbol", symbol)


def ensure_webhooks():
	"""The preset Webhooks, disabled, each made once: an administrator's URL, secret and switch are kept."""
	for preset in WEBHOOKS:
		if frappe.db.exists("Webhook", preset["name"]):
			continue
		webhook = frappe.new_doc("Webhook")
		webhook.update(
			{
				"webhook_doctype": preset["webhook_doctype"],
				"webhook_docevent": preset["webhook_docevent"],
				"request_url": URL + frappe.scrub(preset["name"]),
				"request_method": "POST",
				"request_structure": "JSON",
				"webhook_json": preset["webhook_json"],
				"webhook_headers": [{"key": "Content-Type", "value": "application/json"}],
				"enabled": 0,
			}
		)
		webhook.insert(set_name=preset["name"], ignore_permissions=True)


def remove_webhooks():
	for preset in WEBHOOKS:
		frappe.delete_doc("Webhook", preset["name"], ignore_missing=True, force=True)


def remove_setup():
	remove_webhooks()
	remove_recall_dimension()
	remove_batch_dimension()
	remove_forced_track_changes()
	delete_custom_fields(get_custom_fields())
	delete_property_setters()
	remove_doctype_permissions()
	delete_roles()


def apply_property_setters():
	for setter in PROPERTY_SETTERS:
		existing = frappe.db.get_value(
			"Property Setter",
			{
				"doc_type": setter["doctype"],
				"field_name": setter["fieldname"],
				"property": setter["property"],
			},
			["name", "value", "is_system_generated"],
			as_dict=True,
		)
		if existing and (existing.value == str(setter["value"]) or not existing.is_system_generated):
			continue  # already so, or a consultant's own choice
		frappe.make_property_setter(
			{
				"doctype": setter["doctype"],
				"doctype_or_field": "DocField",
				"fieldname": setter["fieldname"],
				"property": setter["property"],
				"value": setter["value"],
				"property_type": setter["property_type"],
			},
			is_system_generated=True,
		)


def delete_property_setters():
	for setter in PROPERTY_SETTERS:
		frappe.db.delete(
			"Property Setter",
			{
				"doc_type": setter["doctype"],
				"field_name": setter["fieldname"],
				"property": setter["property"],
				"is_system_generated": 1,
			},
		)
		frappe.clear_cache(doctype=setter["doctype"])


def delete_custom_fields(custom_fields: dict[str, list[dict]]):
	for doctype, fields in custom_fields.items():
		fieldnames = [field["fieldname"] for field in fields]
		frappe.db.delete("Custom Field", {"dt": doctype, "fieldname": ("in", fieldnames)})
		frappe.db.delete("Property Setter", {"doc_type": doctype, "field_name": ("in", fieldnames)})
		frappe.clear_cache(doctype=doctype)


def create_roles():
	for role in ROLES:
		if frappe.db.exists("Role", role["role_name"]):
			continue
		frappe.get_doc({"doctype": "Role", **role}).insert(ignore_permissions=True)


def delete_roles():
	for role in ROLES:
		name = role["role_name"]
		if not frappe.db.exists("Role", name):
			continue
		frappe.db.delete("Has Role", {"role": name})
		frappe.db.delete("Custom DocPerm", {"role": name})
		frappe.delete_doc("Role", name, ignore_permissions=True, force=True)


def add_doctype_permissions():
	"""Custom DocPerm rules, as the Role Permission Manager makes them (it copies the standard rules first)."""
	from frappe.permissions import setup_custom_perms

	for doctype, role, rights in DOCTYPE_PERMISSIONS:
		setup_custom_perms(doctype)
		name = frappe.db.get_value(
			"Custom DocPerm", {"parent": doctype, "role": role, "permlevel": 0, "if_owner": 0}
		)
		if name:
			wanted = {right: 1 for right in rights}
			current = frappe.db.get_value("Custom DocPerm", name, list(wanted), as_dict=True)
			if all(current.get(right) for right in wanted):
				continue
			frappe.db.set_value("Custom DocPerm", name, wanted)
		else:
			frappe.get_doc(
				{
					"doctype": "Custom DocPerm",
					"parent": doctype,
					"parenttype": "DocType",
					"parentfield": "permissions",
					"role": role,
					"permlevel": 0,
					**{right: 1 for right in rights},
				}
			).insert(ignore_permissions=True)
		frappe.clear_cache(doctype=doctype)


def remove_doctype_permissions():
	"""Remove our rules; where only the copied standard rules remain, drop them too (as Reset would)."""
	rights = ("read", "write", "create", "delete", "submit", "cancel", "amend", "report", "export", "print")
	for doctype, role, _rights in DOCTYPE_PERMISSIONS:
		frappe.db.delete("Custom DocPerm", {"parent": doctype, "role": role})
	for doctype in {doctype for doctype, _role, _rights in DOCTYPE_PERMISSIONS}:
		fields = ["role", "permlevel", "if_owner", *rights]
		custom = {
			tuple(row) for row in frappe.get_all("Custom DocPerm", {"parent": doctype}, fields, as_list=True)
		}
		standard = {
			tuple(row) for row in frappe.get_all("DocPerm", {"parent": doctype}, fields, as_list=True)
		}
		if custom == standard:
			frappe.db.delete("Custom DocPerm", {"parent": doctype})
		frappe.clear_cache(doctype=doctype)


def save_settings_defaults():
	"""Store every setting's default once, so that reports and jobs read real values, not empty ones.

	Runs on install and on every migrate: a setting added by a later version gets its default on existing
	sites too, while a value an administrator chose is never overwritten.
	"""
	from medical_devices.medical_devices.doctype.medical_device_settings.medical_device_settings import (
		DEFAULT_ALERT_ROLES,
	)

	stored = frappe.db.get_singles_dict(SETTINGS_DOCTYPE)
	settings = frappe.get_single(SETTINGS_DOCTYPE)
	missing = [
		field for field in settings.meta.fields if field.default is not None and field.fieldname not in stored
	]
	for field in missing:
		settings.set(field.fieldname, field.default)
	# Frappe stores a single doctype's field defaults itself, but never a table's rows: add the default
	# alert roles once, and never again after an administrator has chosen them.
	first_alert_setup = not settings.alert_roles_initialised
	if first_alert_setup:
		if not settings.alert_roles:
			for role in DEFAULT_ALERT_ROLES:
				if frappe.db.exists("Role", role):
					settings.append("alert_roles", {"role": role})
		settings.alert_roles_initialised = 1
	if stored and not missing and not first_alert_setup:
		return
	settings.flags.ignore_permissions = True
	settings.save()
