"""The content hash as version 0.1 of the app defined it (read-only fields left out, no definition key): the
verifier still checks entries made then, and the upgrade patch carries matching documents over."""

import frappe
from frappe.model import no_value_fields
from frappe.utils import cstr, get_datetime, getdate, to_timedelta

from medical_devices.audit import chain

LEGACY_VOLATILE = {
	"modified",
	"modified_by",
	"_liked_by",
	"_comments",
	"_assign",
	"_seen",
	"_user_tags",
	"lft",
	"rgt",
}
LEGACY_NUMERIC = {"Int", "Float", "Currency", "Percent", "Check", "Rating", "Duration"}


def legacy_hashes(doctype: str, names) -> dict[str, str]:
	"""name -> state hash under version 0.1's definition, for the verifier (entries made before this upgrade)."""
	meta = frappe.get_meta(doctype)
	return {
		name: chain.state_hash(legacy_state(frappe.get_doc(doctype, name)))
		for name in names
		if exists(meta, name)
	}


def exists(meta, name: str) -> bool:
	return meta.issingle or bool(frappe.db.exists(meta.name, name, cache=False))


def legacy_state(doc) -> dict:
	return {
		"docstatus": doc.docstatus,
		"owner": doc.owner,
		"creation": cstr(doc.creation),
		**legacy_content(doc),
		**{
			table.fieldname: [
				{"name": row.name, "idx": row.idx, **legacy_content(row)} for row in doc.get(table.fieldname)
			]
			for table in doc.meta.get_table_fields()
		},
	}


def legacy_content(doc) -> dict:
	return {
		field.fieldname: legacy_value(doc, field)
		for field in doc.meta.fields
		if field.fieldtype not in no_value_fields
		and field.fieldtype not in ("Table", "Table MultiSelect")
		and field.fieldname not in LEGACY_VOLATILE
		and not field.read_only
	}


def legacy_value(doc, field):
	value = doc.get(field.fieldname)
	if field.fieldtype in LEGACY_NUMERIC:
		number = float(value or 0)
		return int(number) if number.is_integer() else number
	if value is None or value == "":
		return None
	if field.fieldtype == "Date":
		return getdate(value).isoformat()
	if field.fieldtype == "Datetime":
		return get_datetime(value).isoformat(sep=" ")
	if field.fieldtype == "Time":
		return cstr(to_timedelta(value))
	return value if isinstance(value, int | float | str) else cstr(value)
