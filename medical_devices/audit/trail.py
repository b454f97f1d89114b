"""The audit trail: one hash-chained Audit Trail Entry per insert, save, submit, cancel, update after submit, amend,
rename and delete of an audited doctype, and per change the app itself writes directly (jobs, status changes).

An entry is staged in Audit Trail Stage inside the audited write's own transaction (a row per entry; its content
waits in the request's memory), so that a rollback, to a savepoint too, takes the entry with it. Just before the transaction commits (`frappe.db.before_commit`) the staged
entries are read back, each document's state is read once, and the entries are appended to the chain under a row
lock on the chain head, held from there to the commit only: writers on any number of web and worker hosts queue on
that one database row, so the chain never forks, and a committed write always has its entry.
"""

import json
import uuid
from datetime import datetime, timezone

import frappe
from frappe.utils import cstr, now

from medical_devices.audit import chain, connection, state
from medical_devices.audit.origin import (
	change_origin,
	inside_a_write,
	inside_document_write,
	outer_document,
	reason_for,
)
from medical_devices.audit.scope import NEVER_AUDITED, audited_doctypes, is_audited, is_regulated
from medical_devices.controls import check_function
from medical_devices.personal_data import mask_changes

HEAD = "Audit Chain Head"
ENTRY = "Audit Trail Entry"
STAGE = "Audit Trail Stage"
INSERT, UPDATE, SUBMIT, CANCEL, UPDATE_AFTER_SUBMIT, AMEND, RENAME, DELETE, BASELINE = (
	"Insert",
	"Update",
	"Submit",
	"Cancel",
	"Update After Submit",
	"Amend",
	"Rename",
	"Delete",
	"Baseline",
)
# A write found the record already differing from what its last entry recorded; and a person's finding about it.
CHANGED_OUTSIDE, ACKNOWLEDGED = "Changed Outside", "Acknowledged"
# payload keys that are not part of an entry: the state a document write wrote; an entry about the one before it
WRITTEN, AFTER_PREVIOUS = "_written_state", "_after_previous"
BASELINE_CHUNK = 5000
# in the changes of an entry of a record that was regulated when written: a record once regulated stays kept
REGULATED = "md_regulated"


# --- doc_events --------------------------------------------------------------------------------------------------


def on_change(doc, method=None):
	"""After every insert, save, submit, cancel, update after submit and db_set (Frappe's `on_change`)."""
	if doc.meta.istable:
		record_row(doc)
		return
	if not is_audited(doc.doctype) or doc.flags.in_delete:  # a delete is recorded by on_trash
		return
	if frappe.flags.in_install and not frappe.db.table_exists(STAGE):
		return  # this app's own install, before its tables exist
	record(doc, action_of(doc), changes_of(doc))


def on_trash(doc, method=None):
	if doc.meta.istable:
		record_row(doc, deleted=True)
	elif is_audited(doc.doctype):
		record(doc, DELETE, {"deleted": snapshot(doc)})


def record_row(row, deleted: bool = False):
	"""A child row written or deleted on its own (REST on the child doctype) is a change of its parent; one
	written during its parent's own write is in the parent's entry."""
	if not row.get("parenttype") or not row.get("parent") or not is_audited(row.parenttype):
		return
	if outer_document(row) is not None:
		return
	before = None if row.is_new() else row.get_doc_before_save()
	if deleted:
		changes = {"removed": [[row.parentfield, content_of(row)]]}
	elif not before:
		changes = {"added": [[row.parentfield, content_of(row)]]}
	else:
		changes = {"row_changed": [[row.parentfield, row.idx, row.name, field_changes(before, row)]]}
	stage([entry(row.parenttype, cstr(row.parent), UPDATE, changes, reason_for(row) or "")])


def after_rename(doc, method=None, old=None, new=None, merge=False):
	"""A renamed document's entry, and one for each audited document whose links the rename rewrote (each first
	compared, as committed before the rename, with its last entry)."""
	if is_audited(doc.doctype):
		stage(outside_changes(doc.doctype, [cstr(old)]))
		record(doc, RENAME, {"renamed_from": old, "renamed_to": new, "merged": bool(merge)}, name=new)
	record_renamed_links(doc.doctype, old, new)


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
	for fieldname, fieldtype in state.value_fields(after.meta):
		old = state.canonical_value(fieldtype, before.get(fieldname))
		new = state.canonical_value(fieldtype, after.get(fieldname))
		if old != new:
			changes.append([fieldname, old, new])
	return changes


def content_of(doc) -> dict:
	return {
		name: state.canonical_value(fieldtype, doc.get(name))
		for name, fieldtype in state.value_fields(doc.meta)
	}


def snapshot(doc) -> dict:
	data = {}
	for key, value in doc.as_dict(no_default_fields=True, convert_dates_to_str=True).items():
		if key in state.BOOKKEEPING or key.startswith("__") or value in (None, "", [], 0):
			continue
		if isinstance(value, list):
			value = [
				{k: v for k, v in row.items() if k not in state.BOOKKEEPING and v not in (None, "", 0)}
				for row in value
			]
		data[key] = value
	return data


# --- recording ---------------------------------------------------------------------------------------------------


def record(doc, action: str, changes: dict, name: str | None = None):
	"""Stage the entry of a write through the document API; who and why are taken from the request. A record that
	already differed from its last entry before this write gets a Changed Outside entry first."""
	origin = change_origin(doc)
	if origin:
		changes = {**changes, "by": origin}
	if is_regulated(doc):
		changes = {**changes, REGULATED: True}
	before = None if doc.flags.in_insert else doc.get_doc_before_save()
	nested = inside_a_write(doc)
	if before is not None and action != RENAME:
		# a write beneath another document's may follow ERPNext's own SQL on this record in the same transaction:
		# it is compared as committed before the transaction
		found = None if nested else (lambda _name, value: state.state_of(before, None, value))
		stage(outside_changes(doc.doctype, [cstr(doc.name)], found))
	item = entry(doc.doctype, cstr(name or doc.name), action, changes, reason_for(doc) or "")
	if not nested and action not in (RENAME, DELETE):
		# what the document write left stored, compared at the commit with what is stored then
		name = cstr(doc.name)
		fingerprints = {}
		written = state.states(doc.doctype, [name], fingerprints=fingerprints).get(name)
		item[WRITTEN] = (written, fingerprints.get(name))
	stage([item])


def outside_changes(doctype: str, names: list[str], found_state=None) -> list[dict]:
	"""Changed Outside entries for the records among `names` whose content before this write differs from what
	their last entry recorded: a direct write since then stays in the chain, whatever is saved over it. Each record
	is looked at once per transaction, before its first entry in it.

	`found_state(name, definition)`: the record as the write found it in the request's transaction (a write at the
	top, so that what the transaction did to it around the app before counts too). Without it, the record and its
	entries are read as committed before this transaction, through a connection of their own (a write beneath
	another document's, the app's own direct writes, a rename's rewritten links: ERPNext's own SQL earlier in the
	same transaction is not an outside change)."""
	checked = frappe.local.md_audit_checked = getattr(frappe.local, "md_audit_checked", None) or set()
	names = [name for name in names if (doctype, name) not in checked]
	checked.update((doctype, name) for name in names)
	if not names or doctype in NEVER_AUDITED:
		return []
	db = None
	if found_state is None:
		db = connection.committed()
		found_state = stored_states(doctype, names, db)
	entries = []
	definitions: dict[str, dict | None] = {}
	for name, (sequence, action, recorded) in last_recorded(doctype, names, db).items():
		if not recorded or action == DELETE or ":" not in recorded:
			continue  # no state to compare (a deletion, or an entry of version 0.1: the verifier checks those)
		key = recorded.split(":", 1)[0]
		if key not in definitions:
			definitions[key] = state.stored_definition(key, cached=True)
		if definitions[key] is None:
			continue  # an altered definition: the verifier reports it
		found = found_state(name, definitions[key])
		found_hash = state.state_hash_of(found, key) if found is not None else ""
		if found_hash != recorded:
			item = entry(doctype, name, CHANGED_OUTSIDE, {"differs_from_entry": sequence}, "")
			item["state_hash"] = found_hash  # what the record held when this write found it
			entries.append(item)
	return entries


def stored_states(doctype: str, names: list[str], db=None):
	"""`found_state` for `outside_changes`: the records as stored now, read in bulk once per definition."""
	read: dict[str, dict] = {}

	def found_state(name, value):
		key = json.dumps(value, sort_keys=True)
		if key not in read:
			read[key] = state.states(doctype, names, value, db)
		return read[key].get(name)

	return found_state


def last_recorded(doctype: str, names: list[str], db=None) -> dict[str, tuple[int, str, str]]:
	"""name -> (sequence, action, state hash) of each record's newest entry."""
	result = {}
	if len(names) == 1:  # one record, as nearly every write: straight down the (ref_doctype, ref_name) index
		for sequence, action, recorded in (db or frappe.db).sql(
			f"""select name, action, state_hash from `tab{ENTRY}` where ref_doctype = %s and ref_name = %s
			order by name desc limit 1""",
			(doctype, names[0]),
		):
			result[names[0]] = (int(sequence), action, recorded)
		return result
	for start in range(0, len(names), state.CHUNK):
		for name, sequence, action, recorded in (db or frappe.db).sql(
			f"""select e.ref_name, e.name, e.action, e.state_hash from `tab{ENTRY}` e
			join (select max(name) as last from `tab{ENTRY}` where ref_doctype = %s and ref_name in %s
			group by ref_name) l on l.last = e.name""",
			(doctype, tuple(names[start : start + state.CHUNK])),
		):
			result[name] = (int(sequence), action, recorded)
	return result


def record_changes(doctype: str, changes_by_name: dict[str, dict], action: str, reason: str | None, by: dict):
	"""Stage the entries of the app's own direct writes (no document API involved): one per document, after a
	Changed Outside entry for any that differed, as committed, from its last entry."""
	if action == UPDATE:
		stage(outside_changes(doctype, [cstr(name) for name in changes_by_name]))
	stage(
		[
			entry(doctype, cstr(name), action, {**changes, "by": by}, reason or "")
			for name, changes in changes_by_name.items()
		]
	)


def entry(doctype: str, name: str, action: str, changes: dict, reason: str) -> dict:
	return {
		"timestamp": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
		"user": frappe.session.user if getattr(frappe.local, "session", None) else "Administrator",
		"ip_address": cstr(getattr(frappe.local, "request_ip", None) or ""),
		"ref_doctype": doctype,
		"ref_name": name,
		"action": action,
		"reason": reason,
		"changes": chain.canonical(mask_changes(doctype, name, changes)),
	}


def stage(entries: list[dict]):
	"""Write entries into this transaction's stage; `flush` chains them just before the commit."""
	if not entries:
		return
	token = getattr(frappe.local, "md_audit_token", None)
	if not token:
		token = frappe.local.md_audit_token = uuid.uuid4().hex
		frappe.local.md_audit_payloads = {}
		frappe.db.before_commit.add(flush)
		frappe.db.after_rollback.add(discard)
	payloads = frappe.local.md_audit_payloads
	checked = frappe.local.md_audit_checked = getattr(frappe.local, "md_audit_checked", None) or set()
	rows = []
	for payload in entries:
		checked.add((payload["ref_doctype"], payload["ref_name"]))
		position = len(payloads) + 1
		payloads[position] = payload
		rows.append((f"{token}-{position}", token, position))
	insert_rows(STAGE, ("name", "token", "position"), rows)


def discard():
	frappe.local.md_audit_token = None
	frappe.local.md_audit_payloads = None
	frappe.local.md_audit_checked = None
	connection.close()


def insert_rows(doctype: str, fields, rows, chunk: int = 1000):
	"""Multi-row INSERTs with plain parameters (Frappe's bulk_insert builds each value through the query builder,
	which costs several times the database's own work at tens of thousands of rows)."""
	columns = ", ".join(f"`{field}`" for field in fields)
	placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
	for start in range(0, len(rows), chunk):
		part = rows[start : start + chunk]
		frappe.db.sql(
			f"insert into `tab{doctype}` ({columns}) values {', '.join([placeholder] * len(part))}",
			[value for row in part for value in row],
		)


def flush():
	"""Append the transaction's staged entries to the chain: read them, lock the head, hash, insert, move it."""
	token = getattr(frappe.local, "md_audit_token", None)
	payloads = getattr(frappe.local, "md_audit_payloads", None) or {}
	discard()  # first: a failure below must not leave a stale token behind
	if not token:
		return
	# the staged rows that survived (a rollback to a savepoint removed those of the writes it undid)
	positions = sorted(
		position
		for (position,) in frappe.db.sql(
			f"delete from `tab{STAGE}` where token = %s returning position", token
		)
	)
	if not positions:
		return
	pending = [payloads[position] for position in positions]
	hashes = state_hashes(pending, unchanged_since_written(pending))
	pending = with_later_changes(pending, hashes)
	sequence, previous = lock_head()
	stamp = now()
	rows = []
	for item in pending:
		sequence += 1
		if item.pop(AFTER_PREVIOUS, None):
			item["changes"] = chain.canonical({"differs_from_entry": sequence - 1})
		if "state_hash" not in item:
			item["state_hash"] = (
				"" if item["action"] == DELETE else hashes.get((item["ref_doctype"], item["ref_name"]), "")
			)
		item["sequence"] = sequence
		item["previous_hash"] = previous
		item["entry_hash"] = previous = chain.entry_hash(previous, item)
		rows.append(
			(
				sequence,
				stamp,
				stamp,
				item["user"],
				item["user"],
				*(item[field] for field in chain.CONTENT_FIELDS),
				item["previous_hash"],
				item["entry_hash"],
			)
		)
	insert_rows(
		ENTRY,
		(
			"name",
			"creation",
			"modified",
			"owner",
			"modified_by",
			*chain.CONTENT_FIELDS,
			"previous_hash",
			"entry_hash",
		),
		rows,
	)
	move_head(sequence, previous)


def with_later_changes(pending: list[dict], hashes: dict) -> list[dict]:
	"""A record that differs at the commit from what its last write through the document API in this transaction
	wrote was changed around the app after it: that entry keeps the state it wrote, and a Changed Outside entry
	after it holds what is stored."""
	last = {}
	for position, item in enumerate(pending):
		last[(item["ref_doctype"], item["ref_name"])] = position
	result = []
	for position, item in enumerate(pending):
		written = item.pop(WRITTEN, None)
		result.append(item)
		key = (item["ref_doctype"], item["ref_name"])
		if not written or written[0] is None or last[key] != position or key not in hashes:
			continue
		written_hash = state.state_hash_of(written[0], hashes[key].split(":", 1)[0])
		if written_hash != hashes[key]:
			item["state_hash"] = written_hash
			later = entry(item["ref_doctype"], item["ref_name"], CHANGED_OUTSIDE, {}, "")
			later["state_hash"] = hashes[key]
			later[AFTER_PREVIOUS] = True
			result.append(later)
	return result


def unchanged_since_written(pending: list[dict]) -> dict[tuple[str, str], str]:
	"""(doctype, name) -> state hash of the records whose last entry here was a document write and whose stored
	content is, by its fingerprint, still what that write left: their state needs no second read."""
	last = {}
	for item in pending:
		last[(item["ref_doctype"], item["ref_name"])] = item
	known = {}
	for key, item in last.items():
		written = item.get(WRITTEN)
		if written and written[0] is not None and written[1] and state.fingerprint(*key) == written[1]:
			known[key] = state.state_hash_of(written[0], state.current_definition_key(key[0]))
	return known


def state_hashes(pending: list[dict], known: dict | None = None) -> dict[tuple[str, str], str]:
	"""The state after the transaction of every document it touched, read once per doctype (but for those
	`known` already)."""
	hashes = dict(known or {})
	names: dict[str, set[str]] = {}
	for item in pending:
		key = (item["ref_doctype"], item["ref_name"])
		if item["action"] != DELETE and "state_hash" not in item and key not in hashes:
			names.setdefault(item["ref_doctype"], set()).add(item["ref_name"])
	for doctype, doctype_names in names.items():
		if not frappe.db.table_exists(doctype) and not frappe.get_meta(doctype).issingle:
			continue
		for name, value in state.state_hashes(doctype, doctype_names).items():
			hashes[(doctype, name)] = value
	return hashes


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
	frappe.db.sql(
		"""update `tabSingles` set value = if(field = 'last_sequence', %s, %s)
		where doctype = %s and field in ('last_sequence', 'last_hash')""",
		(str(sequence), entry_hash, HEAD),
	)


def set_values(
	doctype: str,
	names,
	values: dict,
	function: str,
	reason: str | None = None,
	update_modified: bool = True,
) -> list[str]:
	"""The app's direct write of `values` into the documents `names` (no document API), as `function`, with one
	entry each holding old and new values. Controlled fields need `function` to be theirs (medical_devices.controls).
	Returns the names that changed."""
	names = [names] if isinstance(names, str) else list(names)
	check_function(doctype, values, function)
	meta = frappe.get_meta(doctype)
	types = {field: (meta.get_field(field) or frappe._dict(fieldtype="Data")).fieldtype for field in values}
	new = {field: state.canonical_value(types[field], value) for field, value in values.items()}
	if meta.issingle:
		current = {doctype: frappe.db.get_singles_dict(doctype)}
	else:
		current = {
			row.name: row
			for start in range(0, len(names), state.CHUNK)
			for row in frappe.get_all(
				doctype,
				filters={"name": ("in", names[start : start + state.CHUNK])},
				fields=["name", *values],
			)
		}
	changes = {}
	for name, row in current.items():
		changed = [
			[field, state.canonical_value(types[field], row.get(field)), new[field]]
			for field in values
			if state.canonical_value(types[field], row.get(field)) != new[field]
		]
		if changed:
			changes[name] = {"changed": changed}
	if not changes:
		return []
	if is_audited(doctype):
		found = None if inside_document_write() else stored_states(doctype, list(changes))
		stage(outside_changes(doctype, list(changes), found))
	if meta.issingle:
		for field, value in values.items():
			frappe.db.set_single_value(doctype, field, value)
	else:
		changed_names = list(changes)
		for start in range(0, len(changed_names), state.CHUNK):
			frappe.db.set_value(
				doctype,
				{"name": ("in", changed_names[start : start + state.CHUNK])},
				values,
				update_modified=update_modified,
			)
	if is_audited(doctype):
		record_changes(doctype, changes, UPDATE, reason, {"function": function})
	return list(changes)


# --- renames -----------------------------------------------------------------------------------------------------


def record_renamed_links(doctype: str, old: str, new: str):
	"""Renaming rewrites the links to the record (and, for a user, owner columns) in other documents with SQL:
	each audited document so changed gets an entry, so its new content is what the trail last saw."""
	by = {"function": "frappe.model.rename_doc.rename_doc", "renamed": [doctype, old, new]}
	for audited in sorted(audited_doctypes()):
		meta = frappe.get_meta(audited)
		if not meta.issingle and not frappe.db.table_exists(audited):
			continue
		names = documents_linking(meta, doctype, new)
		if audited == doctype:
			names.discard(new)  # the renamed document itself has its Rename entry
		if names:
			record_changes(
				audited, {name: {"links_renamed": [doctype, old, new]} for name in names}, UPDATE, None, by
			)


def documents_linking(meta, doctype: str, value: str) -> set[str]:
	conditions, values = link_conditions(meta, doctype, value)
	names = set()
	if meta.issingle:
		fields = [
			field.fieldname for field in meta.fields if field.fieldtype == "Link" and field.options == doctype
		]
		if fields and frappe.db.sql(
			"select 1 from `tabSingles` where doctype = %s and field in %s and value = %s limit 1",
			(meta.name, tuple(fields), value),
		):
			names.add(meta.name)
	elif conditions:
		names |= set(
			frappe.db.sql_list(
				f"select name from `tab{meta.name}` where {' or '.join(conditions)}",  # nosemgrep: from meta
				values,
			)
		)
	for table in meta.get_table_fields():
		child_conditions, child_values = link_conditions(frappe.get_meta(table.options), doctype, value)
		if child_conditions:
			names |= set(
				frappe.db.sql_list(
					f"""select distinct parent from `tab{table.options}`
					where parenttype = %s and ({" or ".join(child_conditions)})""",  # nosemgrep: from meta
					[meta.name, *child_values],
				)
			)
	return names


def link_conditions(meta, doctype: str, value: str) -> tuple[list[str], list]:
	conditions, values = [], []
	for field in meta.fields:
		if field.fieldtype == "Link" and field.options == doctype:
			conditions.append(f"`{field.fieldname}` = %s")
			values.append(value)
		elif field.fieldtype == "Dynamic Link" and field.options:
			conditions.append(f"(`{field.options}` = %s and `{field.fieldname}` = %s)")
			values += [doctype, value]
	if doctype == "User" and not meta.istable:
		conditions.append("`owner` = %s")
		values.append(value)
	return conditions, values


# --- records ERPNext writes with SQL -----------------------------------------------------------------------------


def record_created_serial_nos(doc, method=None):
	"""Serial and Batch Bundle.on_submit: ERPNext inserts new serial numbers with SQL (no document event); the
	bundle that brings them in gives each its Insert entry, naming the stock document."""
	if not doc.get("has_serial_no") or not is_audited("Serial No"):
		return
	names = list({row.serial_no for row in doc.get("entries") or [] if row.get("serial_no")})
	if not names:
		return
	recorded = set(
		frappe.db.sql_list(
			f"select distinct ref_name from `tab{ENTRY}` where ref_doctype = 'Serial No' and ref_name in %s",
			(tuple(names),),
		)
	)
	created = [name for name in names if name not in recorded]
	if created:
		by = {"document": [doc.voucher_type, doc.voucher_no], "function": "erpnext"}
		record_changes(
			"Serial No", {name: {"created_by_erpnext": True} for name in created}, INSERT, None, by
		)


# --- records that predate the trail ------------------------------------------------------------------------------


def baseline(doctypes=None, commit: bool = False) -> int:
	"""One Baseline entry for every record of an audited doctype that has none yet (records that existed before
	the app was installed, or before their doctype was audited): from then on the trail knows their content."""
	count = 0
	by = {"function": "medical_devices.audit.trail.baseline"}
	for doctype in sorted(doctypes or audited_doctypes()):
		meta = frappe.get_meta(doctype)
		if meta.issingle or meta.istable or not frappe.db.table_exists(doctype):
			continue
		names = unrecorded(doctype)
		for start in range(0, len(names), BASELINE_CHUNK):
			chunk = names[start : start + BASELINE_CHUNK]
			record_changes(doctype, {name: {} for name in chunk}, BASELINE, None, by)
			count += len(chunk)
			if commit:
				frappe.db.commit()  # nosemgrep: a long baseline is chained chunk by chunk
	return count


def unrecorded(doctype: str) -> list[str]:
	"""Records of `doctype` without any trail entry."""
	return frappe.db.sql_list(
		f"""select d.name from `tab{doctype}` d
		where not exists (select 1 from `tab{ENTRY}` e where e.ref_doctype = %s and e.ref_name = d.name)
		order by d.name""",  # nosemgrep: doctype from the audited list
		doctype,
	)


# --- reading -----------------------------------------------------------------------------------------------------


def has_edited(doctype: str, name: str, user: str) -> bool:
	"""Whether `user` created or changed the content of the record (as the trail shows, this transaction's
	entries included): who did is not the second person of a four-eyes check."""
	edits = (INSERT, UPDATE, AMEND)
	staged = getattr(frappe.local, "md_audit_payloads", None) or {}
	if any(
		item["ref_doctype"] == doctype
		and item["ref_name"] == cstr(name)
		and item["user"] == user
		and item["action"] in edits
		for item in staged.values()
	):
		return True
	return bool(
		frappe.db.sql(
			f"""select 1 from `tab{ENTRY}` where ref_doctype = %s and ref_name = %s and user = %s
			and action in %s limit 1""",
			(doctype, cstr(name), user, edits),
		)
	)


def ever_regulated(doctype: str, name: str) -> bool:
	"""Whether an entry of the record (chained, or staged in this transaction) was written while it was
	regulated: a change that makes a record look unregulated does not make it deletable."""
	marker = f'"{REGULATED}":true'
	staged = getattr(frappe.local, "md_audit_payloads", None) or {}
	if any(
		(payload["ref_doctype"], payload["ref_name"]) == (doctype, cstr(name))
		and marker in payload["changes"]
		for payload in staged.values()
	):
		return True
	return bool(
		frappe.db.sql(
			f"""select 1 from `tab{ENTRY}` where ref_doctype = %s and ref_name = %s and changes like %s limit 1""",
			(doctype, cstr(name), f"%{marker}%"),
		)
	)


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
