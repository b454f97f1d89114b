"""What a document says as stored: the content the trail hashes after every write and the verifier re-reads.

Every stored field counts, child rows included (their names and order too), with owner, creation and docstatus;
left out are only Frappe's bookkeeping (modified, modified_by, the _seen/_comments/_assign/_liked_by/_user_tags
columns, tree bounds, a parent's idx) and the fields listed in the hook `md_audit_rewritten_fields`: those that
ERPNext rewrites with SQL as a consequence of other documents, outside the document API (each one named with its
reason in docs/audit.md). Documents are read in bulk, a few queries per doctype, never one get_doc each.

Which fields a doctype leaves out is its hash definition. The hook may change (a new version, another app); each
state hash therefore names its definition ("<key>:<sha256>"), the definitions are kept in Audit Hash Definition,
and the verifier recomputes a state under the definition its entry was made with.
"""

import hashlib
import json

import frappe
from frappe.model import data_fieldtypes
from frappe.utils import cint, cstr, flt, get_datetime, getdate, to_timedelta

from medical_devices.audit import chain

BOOKKEEPING = frozenset(
	("modified", "modified_by", "_liked_by", "_comments", "_assign", "_seen", "_user_tags", "lft", "rgt")
)
INTEGER = frozenset(("Int", "Long Int", "Check"))
NUMERIC = frozenset(("Float", "Currency", "Percent", "Rating", "Duration"))
TABLES = frozenset(("Table", "Table MultiSelect"))
CHUNK = 1000


def canonical_value(fieldtype: str, value):
	"""One form per value, whether it comes from a form, an API call, a typed column or tabSingles' text."""
	if fieldtype in INTEGER or fieldtype in NUMERIC:
		number = flt(value)
		return int(number) if number.is_integer() else number
	if value is None or value == "":
		return None
	if fieldtype == "Date":
		return getdate(value).isoformat()
	if fieldtype == "Datetime":
		return get_datetime(value).isoformat(sep=" ")
	if fieldtype == "Time":
		return cstr(to_timedelta(value))
	return value if isinstance(value, str) else cstr(value)


DEFINITION = "Audit Hash Definition"


def rewritten_fields(doctype: str) -> frozenset[str]:
	return frozenset(frappe.get_hooks("md_audit_rewritten_fields", {}).get(doctype) or ())


def definition(doctype: str) -> dict[str, list[str]]:
	"""The fields left out of `doctype`'s state, its own and those of its child tables: its hash definition."""
	meta = frappe.get_meta(doctype)
	doctypes = [doctype, *sorted({table.options for table in table_fields(meta)})]
	return {name: sorted(rewritten_fields(name)) for name in doctypes}


def definition_key(value: dict) -> str:
	return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:16]


def current_definition_key(doctype: str) -> str:
	"""The key of `doctype`'s definition now, stored in Audit Hash Definition the first time it is used."""
	value = definition(doctype)
	key = definition_key(value)
	cache_key = f"md_audit_definition|{key}"
	if not frappe.cache.get_value(cache_key):
		frappe.db.sql(
			f"""insert ignore into `tab{DEFINITION}` (name, creation, modified, owner, modified_by, audited_doctype,
			definition) values (%s, now(6), now(6), 'Administrator', 'Administrator', %s, %s)""",
			(key, doctype, json.dumps(value, sort_keys=True)),
		)
		frappe.db.after_commit.add(lambda: frappe.cache.set_value(cache_key, 1))
	return key


def stored_definition(key: str) -> dict[str, list[str]] | None:
	"""A definition as stored, provided it still hashes to its key (so it cannot be edited to hide a change)."""
	raw = frappe.db.get_value(DEFINITION, key, "definition")
	if not raw:
		return None
	value = json.loads(raw)
	return value if definition_key(value) == key else None


def state_hash_of(state: dict, key: str) -> str:
	return f"{key}:{chain.state_hash(state)}"


def stored_fields(meta, excluded: dict[str, list[str]] | None = None) -> list[tuple[str, str]]:
	"""(fieldname, fieldtype) of every stored, hashed value field of `meta`, in field order; `excluded`: a stored
	definition to use instead of today's."""
	rewritten = rewritten_fields(meta.name) if excluded is None else frozenset(excluded.get(meta.name) or ())
	skipped = BOOKKEEPING | rewritten
	return [
		(field.fieldname, field.fieldtype)
		for field in meta.fields
		if field.fieldtype in data_fieldtypes
		and field.fieldtype not in TABLES
		and not field.get("is_virtual")
		and field.fieldname not in skipped
	]


def table_fields(meta) -> list:
	return [field for field in meta.fields if field.fieldtype in TABLES]


def row_state(row, fields) -> dict:
	return {
		"name": row.get("name"),
		"idx": cint(row.get("idx")),
		**{fieldname: canonical_value(fieldtype, row.get(fieldname)) for fieldname, fieldtype in fields},
	}


def state_of(doc, docstatus: int | None = None) -> dict:
	"""The state of `doc` as it is in memory (the same form as `states` gives from the database)."""
	meta = doc.meta
	state = {
		"docstatus": cint(doc.docstatus if docstatus is None else docstatus),
		"owner": doc.owner,
		"creation": canonical_value("Datetime", doc.creation),
		**{name: canonical_value(fieldtype, doc.get(name)) for name, fieldtype in stored_fields(meta)},
	}
	for table in table_fields(meta):
		fields = stored_fields(frappe.get_meta(table.options))
		state[table.fieldname] = [row_state(row, fields) for row in doc.get(table.fieldname) or []]
	return state


def states(doctype: str, names, excluded: dict[str, list[str]] | None = None) -> dict[str, dict]:
	"""name -> state of every document of `doctype` among `names` that exists, read from the database (under the
	stored definition `excluded`, or today's)."""
	meta = frappe.get_meta(doctype)
	if meta.issingle:
		return {doctype: single_state(doctype, excluded)} if doctype in names else {}
	names = list(dict.fromkeys(cstr(name) for name in names))
	fields = stored_fields(meta, excluded)
	result: dict[str, dict] = {}
	for start in range(0, len(names), CHUNK):
		chunk = tuple(names[start : start + CHUNK])
		columns = ", ".join(f"`{name}`" for name in ("name", "docstatus", "owner", "creation", *dict(fields)))
		for row in frappe.db.sql(
			f"select {columns} from `tab{doctype}` where name in %s",  # nosemgrep: names from meta
			(chunk,),
			as_dict=True,
		):
			result[cstr(row.name)] = {
				"docstatus": cint(row.docstatus),
				"owner": row.owner,
				"creation": canonical_value("Datetime", row.creation),
				**{name: canonical_value(fieldtype, row.get(name)) for name, fieldtype in fields},
			}
		for table in table_fields(meta):
			for parent, rows in child_rows(doctype, table, chunk, excluded).items():
				if parent in result:
					result[parent][table.fieldname] = rows
	for state in result.values():
		for table in table_fields(meta):
			state.setdefault(table.fieldname, [])
	return result


def child_rows(doctype: str, table, parents: tuple, excluded=None) -> dict[str, list[dict]]:
	child_meta = frappe.get_meta(table.options)
	fields = stored_fields(child_meta, excluded)
	columns = ", ".join(f"`{name}`" for name in ("parent", "name", "idx", *dict(fields)))
	rows: dict[str, list[dict]] = {}
	for row in frappe.db.sql(
		f"""select {columns} from `tab{table.options}`
		where parenttype = %s and parentfield = %s and parent in %s order by parent, idx""",  # nosemgrep
		(doctype, table.fieldname, parents),
		as_dict=True,
	):
		rows.setdefault(row.parent, []).append(row_state(row, fields))
	return rows


def single_state(doctype: str, excluded=None) -> dict:
	meta = frappe.get_meta(doctype)
	values = frappe.db.get_singles_dict(doctype, cast=False)
	state = {
		"docstatus": 0,
		**{
			name: canonical_value(fieldtype, values.get(name))
			for name, fieldtype in stored_fields(meta, excluded)
		},
	}
	for table in table_fields(meta):
		state[table.fieldname] = child_rows(doctype, table, (doctype,), excluded).get(doctype, [])
	return state


def document_state(doctype: str, name: str) -> dict | None:
	return states(doctype, [name]).get(name)


def document_hash(doctype: str, name: str) -> str | None:
	"""The keyed hash of a document's state as stored now, under today's definition."""
	current = document_state(doctype, name)
	return None if current is None else state_hash_of(current, current_definition_key(doctype))


def state_hashes(doctype: str, names) -> dict[str, str]:
	"""name -> keyed state hash of each existing document among `names`, under today's definition."""
	key = current_definition_key(doctype)
	return {name: state_hash_of(current, key) for name, current in states(doctype, names).items()}
