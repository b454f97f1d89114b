"""The audit trail: one hash-chained Audit Trail Entry per insert, save, submit, cancel, update after submit,
amend, rename and delete of an audited doctype.

Doc events collect the entries of a transaction in memory; they are appended just before it commits
(`frappe.db.before_commit`), under a row lock on the chain head that is held from there to the commit only. A write
that rolls back leaves no entry; a committed one always has its entry; concurrent writers on any number of web and
worker hosts queue on that one database row, so the chain never forks.
"""

import json
from datetime import datetime, timezone

import frappe
from frappe.model import no_value_fields
from frappe.utils import cstr, get_datetime, getdate, now, to_timedelta

from medical_devices.audit import chain

HEAD = "Audit Chain Head"
ENTRY = "Audit Trail Entry"
# Not audited themselves: the trail, its head, and what Frappe writes for every request anyway.
NEVER_AUDITED = {
	ENTRY,
	HEAD,
	"Version",
	"Access Log",
	"Activity Log",
	"Error Log",
	"Comment",
	"Communication",
}
# Fields that change on every save or are bookkeeping, not content.
VOLATILE_FIELDS = {
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
INSERT, UPDATE, SUBMIT, CANCEL, UPDATE_AFTER_SUBMIT, AMEND, RENAME, DELETE = (
	"Insert",
	"Update",
	"Submit",
	"Cancel",
	"Update After Submit",
	"Amend",
	"Rename",
	"Delete",
)


# --- which doctypes ----------------------------------------------------------------------------------------------


def audited_doctypes() -> frozenset[str]:
	"""Hook `md_audited_doctypes` of every app, this app's own doctypes, and the extra ones in the settings."""
	cached = getattr(frappe.local, "md_audited_doctypes", None)
	if cached is None:
		cached = frappe.cache.get_value("md_audited_doctypes", generator=_load_audited_doctypes)
		cached = frappe.local.md_audited_doctypes = frozenset(cached)
	return cached


def _load_audited_doctypes() -> list[str]:
	names = set(frappe.get_hooks("md_audited_doctypes"))
	names |= set(
		frappe.get_all(
			"DocType",
			filters={"module": ("in", app_modules()), "istable": 0},
			pluck="name",
		)
	)
	if frappe.db.table_exists("MD Audited DocType"):
		names |= set(
			frappe.get_all(
				"MD Audited DocType",
				filters={"parenttype": "Medical Device Settings"},
				pluck="audited_doctype",
			)
		)
	return sorted(names - NEVER_AUDITED)


def app_modules() -> list[str]:
	return frappe.get_module_list("medical_devices")


def clear_audited_doctypes_cache():
	frappe.cache.delete_value("md_audited_doctypes")
	frappe.local.md_audited_doctypes = None


def is_audited(doctype: str) -> bool:
	return doctype in audited_doctypes()


# --- recording ---------------------------------------------------------------------------------------------------


def on_change(doc, method=None):
	"""After every insert, save, submit, cancel and update after submit (Frappe's `on_change`)."""
	if not is_audited(doc.doctype) or doc.flags.in_delete:  # a delete is recorded by on_trash
		return
	if frappe.flags.in_install and not frappe.db.table_exists(ENTRY):
		return  # this app's own install, before its tables exist
	record(doc, action_of(doc), changes_of(doc))


def on_trash(doc, method=None):
	if not is_audited(doc.doctype):
		return
	from medical_devices.audit.reason import refuse_regulated_delete

	refuse_regulated_delete(doc)
	record(doc, DELETE, {"deleted": snapshot(doc)})


def after_rename(doc, method=None, old=None, new=None, merge=False):
	if not is_audited(doc.doctype):
		return
	record(doc, RENAME, {"renamed_from": old, "renamed_to": new, "merged": bool(merge)}, name=new)


def action_of(doc) -> str:
	action = getattr(doc, "_action", None)
	if doc.flags.in_insert or not doc.get_doc_before_save():
		if doc.get("amended_from"):
			return AMEND
		return SUBMIT if action == "submit" else INSERT
	return {
		"submit": SUBMIT,
		"cancel": CANCEL,
		"update_after_submit": UPDATE_AFTER_SUBMIT,
	}.get(action, UPDATE)


def changes_of(doc) -> dict:
	"""Field-level old and new values (child tables included), or the whole new document on insert.

	Values are stored raw (ISO dates, numbers), not formatted for display as Frappe's Version does.
	"""
	before = doc.get_doc_before_save()
	if not before or doc.flags.in_insert:
		return {"created": snapshot(doc)}
	diff = {"changed": field_changes(before, doc), "added": [], "removed": [], "row_changed": []}
	for table in doc.meta.get_table_fields():
		old_rows = {row.name: row for row in before.get(table.fieldname) or []}
		new_rows = {row.name: row for row in doc.get(table.fieldname) or []}
		for name, row in new_rows.items():
			if name not in old_rows:
				diff["added"].append([table.fieldname, content_of(row)])
			else:
				changed = field_changes(old_rows[name], row)
				if changed:
					diff["row_changed"].append([table.fieldname, row.idx, name, changed])
		for name, row in old_rows.items():
			if name not in new_rows:
				diff["removed"].append([table.fieldname, content_of(row)])
	return {key: value for key, value in diff.items() if value}


def field_changes(before, after) -> list[list]:
	changes = []
	for field in value_fields(after.meta):
		old, new = field_value(before, field), field_value(after, field)
		if old != new:
			changes.append([field.fieldname, old, new])
	return changes


def snapshot(doc) -> dict:
	data = {}
	for key, value in doc.as_dict(no_default_fields=True, convert_dates_to_str=True).items():
		if key in VOLATILE_FIELDS or key.startswith("__") or value in (None, "", [], 0):
			continue
		if isinstance(value, list):
			value = [
				{k: v for k, v in row.items() if k not in VOLATILE_FIELDS and v not in (None, "", 0)}
				for row in value
			]
		data[key] = value
	return data


def record(doc, action: str, changes: dict, name: str | None = None):
	from medical_devices.audit.reason import reason_for

	pending = getattr(frappe.local, "md_audit_pending", None)
	if pending is None:
		pending = frappe.local.md_audit_pending = []
		frappe.db.before_commit.add(flush)
		frappe.db.after_rollback.add(discard)
	pending.append(
		{
			"timestamp": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
			"user": frappe.session.user if getattr(frappe.local, "session", None) else "Administrator",
			"ip_address": cstr(getattr(frappe.local, "request_ip", None) or ""),
			"ref_doctype": doc.doctype,
			"ref_name": cstr(name or doc.name),
			"action": action,
			"reason": reason_for(doc) or "",
			"changes": chain.canonical(changes),
		}
	)


def discard():
	frappe.local.md_audit_pending = None


def flush():
	"""Append the transaction's pending entries to the chain: lock the head, hash, insert, move the head."""
	pending = getattr(frappe.local, "md_audit_pending", None)
	frappe.local.md_audit_pending = None
	if not pending:
		return
	sequence, previous = lock_head()
	stamp = now()
	rows = []
	states = {}  # the state after the transaction, read once per document (insert and submit share it)
	for entry in pending:
		sequence += 1
		key = (entry["ref_doctype"], entry["ref_name"])
		if entry["action"] == DELETE:
			entry["state_hash"] = ""
		else:
			if key not in states:
				states[key] = chain.state_hash(document_state(*key)) if document_exists(*key) else ""
			entry["state_hash"] = states[key]
		entry["sequence"] = sequence
		entry["previous_hash"] = previous
		entry["entry_hash"] = previous = chain.entry_hash(previous, entry)
		rows.append(
			(
				sequence,
				stamp,
				stamp,
				entry["user"],
				entry["user"],
				*(entry[field] for field in chain.HASHED_FIELDS if field != "sequence"),
				entry["previous_hash"],
				entry["entry_hash"],
			)
		)
	frappe.db.bulk_insert(
		ENTRY,
		[
			"name",
			"creation",
			"modified",
			"owner",
			"modified_by",
			*(field for field in chain.HASHED_FIELDS if field != "sequence"),
			"previous_hash",
			"entry_hash",
		],
		rows,
	)
	move_head(sequence, previous)


def lock_head() -> tuple[int, str]:
	rows = frappe.db.sql(
		"select field, value from `tabSingles` where doctype = %s for update", HEAD, as_dict=True
	)
	values = {row.field: row.value for row in rows}
	if "last_sequence" not in values:
		ensure_head()
		return lock_head()
	return int(values["last_sequence"] or 0), values.get("last_hash") or chain.GENESIS_HASH


def ensure_head():
	"""The chain's genesis: sequence 0 and the all-zero hash (install, or a site that never had entries)."""
	for field, value in (("last_sequence", "0"), ("last_hash", chain.GENESIS_HASH)):
		if not frappe.db.sql("select 1 from `tabSingles` where doctype = %s and field = %s", (HEAD, field)):
			frappe.db.sql(
				"insert into `tabSingles` (doctype, field, value) values (%s, %s, %s)", (HEAD, field, value)
			)


def move_head(sequence: int, entry_hash: str):
	for field, value in (("last_sequence", str(sequence)), ("last_hash", entry_hash)):
		frappe.db.sql(
			"update `tabSingles` set value = %s where doctype = %s and field = %s", (value, HEAD, field)
		)


# --- document state ----------------------------------------------------------------------------------------------


def document_exists(doctype: str, name: str) -> bool:
	if frappe.get_meta(doctype).issingle:
		return True
	return bool(frappe.db.exists(doctype, name, cache=False))


def document_state(doctype: str, name: str, doc=None, docstatus: int | None = None) -> dict:
	"""What a document says, read afresh from the database (or from `doc` as it is about to be saved): every field a
	user or the app's own API sets.

	Read-only fields are left out on purpose: ERPNext updates them outside the document API (status, billed and
	delivered percentages, batch quantity), so they would look like tampering every day.
	"""
	doc = doc or frappe.get_doc(doctype, name)
	return {
		"docstatus": doc.docstatus if docstatus is None else docstatus,
		"owner": doc.owner,
		"creation": cstr(doc.creation),
		**content_of(doc, include_read_only=False),
		**{
			table.fieldname: [
				{"name": row.name, "idx": row.idx, **content_of(row, include_read_only=False)}
				for row in doc.get(table.fieldname)
			]
			for table in doc.meta.get_table_fields()
		},
	}


def content_of(doc, include_read_only: bool = True) -> dict:
	return {
		field.fieldname: field_value(doc, field)
		for field in value_fields(doc.meta)
		if include_read_only or not field.read_only
	}


def value_fields(meta) -> list:
	return [
		field
		for field in meta.fields
		if field.fieldtype not in no_value_fields
		and field.fieldtype not in ("Table", "Table MultiSelect")
		and field.fieldname not in VOLATILE_FIELDS
	]


NUMERIC = {"Int", "Float", "Currency", "Percent", "Check", "Rating", "Duration"}


def field_value(doc, field):
	"""A field's value in one canonical form, the same whether read from a form, an API call or the database."""
	value = doc.get(field.fieldname)
	if field.fieldtype in NUMERIC:
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


def entries_of(doctype: str, name: str) -> list[dict]:
	"""A document's trail, oldest first, with the changes decoded."""
	rows = frappe.get_all(
		ENTRY,
		filters={"ref_doctype": doctype, "ref_name": name},
		fields=["name", "timestamp", "user", "action", "reason", "changes", "state_hash"],
		order_by="name asc",
	)
	for row in rows:
		row.changes = json.loads(row.changes or "{}")
	return rows
