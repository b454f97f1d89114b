"""The one idempotent setup of everything this app adds to ERPNext's own doctypes.

`apply_setup` runs after install and again from patches.txt on migrate; `remove_setup` undoes it on
uninstall. Definitions live as plain data in each module's `constants` package.
"""

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from medical_devices.medical_devices.constants.custom_fields import CUSTOM_FIELDS as DEVICE_CUSTOM_FIELDS
from medical_devices.medical_devices.constants.property_setters import PROPERTY_SETTERS
from medical_devices.medical_devices.constants.roles import ROLES

SETTINGS_DOCTYPE = "Medical Device Settings"


def get_custom_fields() -> dict[str, list[dict]]:
	"""All custom fields of all modules, merged per doctype."""
	merged: dict[str, list[dict]] = {}
	for module_fields in (DEVICE_CUSTOM_FIELDS,):
		for doctype, fields in module_fields.items():
			merged.setdefault(doctype, []).extend(fields)
	return merged


def apply_setup():
	create_custom_fields(get_custom_fields(), ignore_validate=True)
	apply_property_setters()
	create_roles()
	save_settings_defaults()


def remove_setup():
	delete_custom_fields(get_custom_fields())
	delete_property_setters()
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
			["name", "value"],
			as_dict=True,
		)
		if existing and existing.value == str(setter["value"]):
			continue
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


def save_settings_defaults():
	"""Store the settings' defaults once, so that reports and jobs read real values, not empty ones."""
	if frappe.db.get_singles_dict(SETTINGS_DOCTYPE):
		return
	frappe.get_single(SETTINGS_DOCTYPE).save(ignore_permissions=True)
