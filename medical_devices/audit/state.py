"""What a document says as stored: the content the trail hashes after every write and the verifier re-reads.

Every stored field counts, child rows included (their names and order too), with owner, creation and docstatus;
left out are only Frappe's bookkeeping (modified, modified_by, the _seen/_comments/_assign/_liked_by/_user_tags
columns, tree bounds, a parent's idx) and the fields listed in the hook `md_audit_rewritten_fields`: those that
ERPNext rewrites with SQL as a consequence of other documents, outside the document API (each one named with its
reason in docs/audit.md). A submittable document keeps even those in its hash while it is a draft: ERPNext
rewrites them only once it is submitted, and in a draft they are what a person typed (a rate, for one).
Documents are read in bulk, a few queries per doctype, never one get_doc each.

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
from medical_devices.personal_data import mask, personal_fields

BOOKKEEPING = frozenset(
	("modified", "modified_by", "_liked_by", "_comments", "_assign", "_seen", "_user_tags", "lft", "rgt")
)
INTEGER = frozenset(("Int", "Long Int", "Check"))
NUMERIC = frozenset(("Float", "Currency", "Percent", "Rating", "Duration"))
TABLES = frozenset(("Table", "Table MultiSelect"))
CHUNK = 1000
DEFINITION = "Audit Hash Definition"


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


# --- hash definitions --------------------------------------------------------------------------------------------


def rewritten_fields(doctype: str) -> list[str]:
	return sorted(frappe.get_hooks("md_audit_rewritten_fields", {}).get(doctype) or ())


def definition(doctype: str) -> dict:
	"""What `doctype`'s state leaves out (its own fields and those of its child tables), and when: its hash
	definition."""
	meta = frappe.get_meta(doctype)
	doctypes = [doctype, *sorted({table.options for table in table_fields(meta)})]
	value = {
		"excluded": {name: rewritten_fields(name) for name in doctypes},
		"once_submitted": bool(meta.is_submittable),
		# a field added to the doctype (empty in every record) changes no record's hash
		"empty_left_out": True,
	}
	personal = {name: sorted(personal_fields(name)) for name in doctypes if personal_fields(name)}
	if personal:
		value["personal"] = personal  # kept as keyed hashes (medical_devices.personal_data)
	return value


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


def stored_definition(key: str, cached: bool = False) -> dict | None:
	"""A definition as stored, provided it still hashes to its key (so it cannot be edited to hide a change).
	`cached`: through Redis, for the write path (a definition never changes under its key, which is the hash of
	its content); the verifier always reads the database."""
	if cached:
		raw = frappe.cache.get_value(f"md_audit_definition_value|{key}")
		if raw is None:
			raw = frappe.db.get_value(DEFINITION, key, "definition")
			if raw:
				frappe.cache.set_value(f"md_audit_definition_value|{key}", raw)
	else:
		raw = frappe.db.get_value(DEFINITION, key, "definition")
	if not raw:
		return None
	value = json.loads(raw)
	return value if definition_key(value) == key and "excluded" in value else None


def left_out(value: dict, doctype: str, docstatus: int) -> frozenset[str]:
	if value.get("once_submitted") and not docstatus:
		return BOOKKEEPING
	return BOOKKEEPING | frozenset(value["excluded"].get(doctype) or ())


def state_hash_of(state: dict, key: str) -> str:
	return f"{key}:{chain.state_hash(state)}"


# --- states ------------------------------------------------------------------------------------------------------


def value_fields(meta) -> list[tuple[str, str]]:
	"""(fieldname, fieldtype) of every stored value field of `meta`, in field order (worked out once per request
	and meta)."""
	cache = getattr(frappe.local, "md_value_fields", None)
	if cache is None:
		cache = frappe.local.md_value_fields = {}
	key = (meta.name, id(meta))
	if key not in cache:
		cache[key] = _value_fields(meta)
	return cache[key]


def _value_fields(meta) -> list[tuple[str, str]]:
	return [
		(field.fieldname, field.fieldtype)
		for field in meta.fields
		if field.fieldtype in data_fieldtypes
		and field.fieldtype not in TABLES
		and not field.get("is_virtual")
		and field.fieldname not in BOOKKEEPING
	]


def table_fields(meta) -> list:
	return [field for field in meta.fields if field.fieldtype in TABLES]


def content(row, fields, skipped, value: dict, doctype: str) -> dict:
	"""The values of `row` under the definition `value`: without the fields it leaves out, without empty values
	when it says so, personal values as their keyed hashes."""
	result = {
		fieldname: canonical_value(fieldtype, row.get(fieldname))
		for fieldname, fieldtype in fields
		if fieldname not in skipped
	}
	for fieldname in (value.get("personal") or {}).get(doctype) or ():
		if fieldname in result:
			record = row.get("parent") or row.get("name")
			result[fieldname] = mask(doctype, cstr(record), fieldname, result[fieldname])
	if value.get("empty_left_out"):
		result = {fieldname: item for fieldname, item in result.items() if item not in EMPTY}
	return result


EMPTY = (None, 0)


def row_state(row, fields, skipped, value: dict, doctype: str) -> dict:
	return {
		"name": row.get("name"),
		"idx": cint(row.get("idx")),
		**content(row, fields, skipped, value, doctype),
	}


def state_of(doc, docstatus: int | None = None, definition_value: dict | None = None) -> dict:
	"""The state of `doc` as it is in memory (the same form as `states` gives from the database)."""
	meta = doc.meta
	value = definition_value or definition(doc.doctype)
	docstatus = cint(doc.docstatus if docstatus is None else docstatus)
	state = {"docstatus": docstatus}
	if not meta.issingle:  # a single's row in tabSingles has no owner or creation
		state.update(owner=doc.owner, creation=canonical_value("Datetime", doc.creation))
	state.update(
		content(doc, value_fields(meta), left_out(value, doc.doctype, docstatus), value, doc.doctype)
	)
	for table in table_fields(meta):
		fields = value_fields(frappe.get_meta(table.options))
		skipped = left_out(value, table.options, docstatus)
		state[table.fieldname] = [
			row_state(row, fields, skipped, value, table.options) for row in doc.get(table.fieldname) or []
		]
	return state


def states(
	doctype: str, names, definition_value: dict | None = None, db=None, fingerprints: dict | None = None
) -> dict[str, dict]:
	"""name -> state of every document of `doctype` among `names` that exists, read from the database (under the
	stored definition given, or today's; through the connection `db`, or the request's). With `fingerprints`, each
	record's `fingerprint` is read in the same query and put there."""
	db = db or frappe.db
	meta = frappe.get_meta(doctype)
	value = definition_value or definition(doctype)
	if meta.issingle:
		return {doctype: single_state(doctype, value, db)} if doctype in names else {}
	names = list(dict.fromkeys(cstr(name) for name in names))
	fields = value_fields(meta)
	result: dict[str, dict] = {}
	for start in range(0, len(names), CHUNK):
		chunk = tuple(names[start : start + CHUNK])
		columns = ", ".join(
			f"p.`{name}`" for name in ("name", "docstatus", "owner", "creation", *dict(fields))
		)
		if fingerprints is not None:
			columns += f", {fingerprint_sql(meta)} as _md_fingerprint"
		docstatus = {}
		for row in db.sql(
			f"select {columns} from `tab{doctype}` p where p.name in %s",  # nosemgrep: names from meta
			(chunk,),
			as_dict=True,
		):
			name = cstr(row.name)
			if fingerprints is not None:
				fingerprints[name] = row.pop("_md_fingerprint")
			docstatus[name] = cint(row.docstatus)
			result[name] = {
				"docstatus": docstatus[name],
				"owner": row.owner,
				"creation": canonical_value("Datetime", row.creation),
				**content(row, fields, left_out(value, doctype, docstatus[name]), value, doctype),
			}
		for table in table_fields(meta):
			for parent, rows in child_rows(doctype, table, chunk, value, docstatus, db).items():
				if parent in result:
					result[parent][table.fieldname] = rows
	for state in result.values():
		for table in table_fields(meta):
			state.setdefault(table.fieldname, [])
	return result


def child_rows(
	doctype: str, table, parents: tuple, value: dict, docstatus: dict, db=None
) -> dict[str, list[dict]]:
	fields = value_fields(frappe.get_meta(table.options))
	columns = ", ".join(f"`{name}`" for name in ("parent", "name", "idx", *dict(fields)))
	rows: dict[str, list[dict]] = {}
	for row in (db or frappe.db).sql(
		f"""select {columns} from `tab{table.options}`
		where parenttype = %s and parentfield = %s and parent in %s order by parent, idx""",  # nosemgrep
		(doctype, table.fieldname, parents),
		as_dict=True,
	):
		skipped = left_out(value, table.options, docstatus.get(cstr(row.parent), 0))
		rows.setdefault(cstr(row.parent), []).append(row_state(row, fields, skipped, value, table.options))
	return rows


def single_state(doctype: str, value: dict, db=None) -> dict:
	db = db or frappe.db
	meta = frappe.get_meta(doctype)
	values = frappe._dict(db.sql("select field, value from `tabSingles` where doctype = %s", doctype))
	state = {
		"docstatus": 0,
		**content(values, value_fields(meta), left_out(value, doctype, 0), value, doctype),
	}
	for table in table_fields(meta):
		state[table.fieldname] = child_rows(doctype, table, (doctype,), value, {doctype: 0}, db).get(
			doctype, []
		)
	return state


def fingerprint(doctype: str, name: str, db=None) -> str | None:
	"""A short digest the database computes of the record's stored values and rows (every field a state may hash),
	in one query: an equal fingerprint later in the transaction means nothing changed what `states` read, so the
	state need not be read again. None for a missing record or a single."""
	meta = frappe.get_meta(doctype)
	if meta.issingle:
		return None
	rows = (db or frappe.db).sql(
		f"select {fingerprint_sql(meta)} from `tab{doctype}` p where p.name = %s",  # nosemgrep: names from meta
		(name,),
	)
	return rows[0][0] if rows else None


def fingerprint_sql(meta) -> str:
	def digest(fields, alias):
		columns = [f"ifnull({alias}.`{field}`, 0x00)" for field, _type in fields if field not in BOOKKEEPING]
		return f"md5(concat_ws(0x1f, {', '.join(columns) or repr('')}))"

	parts = ["p.docstatus", "p.owner", digest(value_fields(meta), "p")]
	for table in table_fields(meta):
		row = digest(value_fields(frappe.get_meta(table.options)), "c")
		parts.append(
			f"""ifnull((select group_concat(concat_ws(':', c.name, c.idx, {row}) order by c.idx separator ',')
			from `tab{table.options}` c where c.parent = p.name and c.parenttype = {frappe.db.escape(meta.name)}
			and c.parentfield = {frappe.db.escape(table.fieldname)}), '')"""
		)
	return f"concat_ws('|', {', '.join(parts)})"


def document_state(doctype: str, name: str) -> dict | None:
	return states(doctype, [name]).get(name)


def document_hash(doctype: str, name: str) -> str | None:
	"""The keyed hash of a document's state as stored now, under today's definition."""
	current = document_state(doctype, name)
	return None if current is None else state_hash_of(current, current_definition_key(doctype))


def doc_hash(doc, docstatus: int | None = None) -> str:
	"""The keyed hash of `doc` as it is in memory, under today's definition."""
	return state_hash_of(state_of(doc, docstatus), current_definition_key(doc.doctype))


def state_hashes(doctype: str, names) -> dict[str, str]:
	"""name -> keyed state hash of each existing document among `names`, under today's definition."""
	key = current_definition_key(doctype)
	return {name: state_hash_of(current, key) for name, current in states(doctype, names).items()}
