"""Personal data (PIPL art. 28: health data is sensitive personal information; GDPR art. 9): which fields hold it,
and how permanent records keep them. The fields live only in their own doctypes (hook `md_personal_fields`), which
only the roles that need them can read; the audit trail and Frappe's version history keep a keyed hash of each
value (HMAC-SHA256 under a key derived from the site's encryption key), never its text: a change stays visible and
two entries can be compared, but the value cannot be read or guessed from them. Each read of such a record is in
the Access Log."""

import hashlib
import hmac
import json

import frappe
from frappe.utils import now

MASK_PREFIX = "hmac:"


def personal_fields(doctype: str) -> frozenset[str]:
	return frozenset(frappe.get_hooks("md_personal_fields", {}).get(doctype) or ())


def personal_child_doctypes() -> set[str]:
	return {
		doctype for doctype in frappe.get_hooks("md_personal_fields", {}) if frappe.get_meta(doctype).istable
	}


def _key() -> bytes:
	from frappe.utils.password import get_encryption_key

	return hashlib.sha256(b"medical_devices personal data|" + get_encryption_key().encode()).digest()


def mask(doctype: str, name: str, fieldname: str, value):
	"""The keyed hash that stands for `value` of record `name` in permanent records; empty stays empty. The record
	is part of what is hashed, so the same value in two records gives two hashes: nobody can learn a patient's
	details by making a record of their own with guessed values and comparing."""
	if value in (None, ""):
		return value
	if isinstance(value, str) and value.startswith(MASK_PREFIX):
		return value
	message = f"{doctype}|{name}|{fieldname}|{value}".encode()
	return MASK_PREFIX + hmac.new(_key(), message, hashlib.sha256).hexdigest()[:32]


PSEUDONYM_PREFIX = "PSN-"


def pseudonym(hospital: str, record_no: str) -> str:
	"""The keyed pseudonym of a hospital's patient (its record number at that hospital): the same patient at the
	same hospital always has the same one, so their implants can be found together, and nobody without the site's
	key can tell the record number from it."""
	message = f"patient|{hospital}|{record_no.strip()}".encode()
	return PSEUDONYM_PREFIX + hmac.new(_key(), message, hashlib.sha256).hexdigest()[:16].upper()


def mask_changes(doctype: str, name: str, changes: dict, extra=()) -> dict:
	"""`changes` of record `name` as the trail or a Version keeps them (created / changed / added / removed /
	row_changed), with the personal fields of `doctype` (and `extra` ones) and of its child tables masked."""
	fields = personal_fields(doctype) | frozenset(extra)
	tables = personal_child_doctypes()
	children = child_doctypes(doctype) if tables else {}
	if not fields and not tables.intersection(children.values()):
		return changes

	def masked_row(of, row):
		own = fields if of == doctype else personal_fields(of)
		return {key: mask(of, name, key, value) if key in own else value for key, value in row.items()}

	def masked_changed(of, changed):
		own = fields if of == doctype else personal_fields(of)
		return [
			[field, mask(of, name, field, old), mask(of, name, field, new)]
			if field in own
			else [field, old, new]
			for field, old, new in changed
		]

	result = dict(changes)
	if isinstance(result.get("created"), dict):
		created = masked_row(doctype, result["created"])
		for table, child in children.items():
			if isinstance(created.get(table), list):
				created[table] = [masked_row(child, row) for row in created[table]]
		result["created"] = created
	if result.get("changed"):
		result["changed"] = masked_changed(doctype, result["changed"])
	for key in ("added", "removed"):
		if result.get(key):
			result[key] = [
				[table, masked_row(children[table], row) if table in children else row]
				for table, row in result[key]
			]
	if result.get("row_changed"):
		result["row_changed"] = [
			[table, idx, name, masked_changed(children[table], changed) if table in children else changed]
			for table, idx, name, changed in result["row_changed"]
		]
	return result


def child_doctypes(doctype: str) -> dict[str, str]:
	return {field.fieldname: field.options for field in frappe.get_meta(doctype).get_table_fields()}


# --- doc_events ----------------------------------------------------------------------------------------------


def mask_version(doc, method=None):
	"""Version before_insert: Frappe's version history of a record with personal data keeps their hashes."""
	if not doc.ref_doctype:
		return
	data = json.loads(doc.data or "{}")
	masked = mask_changes(doc.ref_doctype, doc.docname, data)
	if masked != data:
		doc.data = frappe.as_json(masked)


def log_read(doc, method=None):
	"""onload (the desk's form) of a record with personal data."""
	log_access(doc.doctype, doc.name, "Read")


def has_permission(doc, ptype=None, user=None, debug=False):
	"""Every read of one record with personal data (desk, each REST flavour, frappe.client, print) passes here:
	logged when the user's roles let them read it. Refuses nothing; the role permissions decide."""
	if ptype in ("read", "write", "print", "email", "export") and doc and not isinstance(doc, str):
		# a write answers with the record too (frappe.client.set_value, save): it is a read as well
		user = user or frappe.session.user
		if frappe.has_permission(doc.doctype, "read", user=user):
			log_access(doc.doctype, doc.name, "Print" if ptype == "print" else "Read", user=user)
	return True


def list_query_conditions(user=None, doctype=None):
	"""Lists and reports of a doctype with personal data (report view, get_list, exports): logged with the filters
	asked for. Restricts nothing; the role and user permissions decide."""
	form = getattr(frappe.local, "form_dict", None) or {}
	log_access(doctype or form.get("doctype"), None, "List", user=user, filters=form.get("filters"))
	return ""


def patient_list_query_conditions(user=None):
	return list_query_conditions(user, "Patient Record")


def linked_patient_query_conditions(user=None):
	"""Lists of Adverse Event Reports that ask for fields of the linked Patient Record (`patient.patient_name`):
	Frappe joins the record with a check of the doctype only, so such a read is logged here, with what was asked."""
	form = getattr(frappe.local, "form_dict", None) or {}
	asked = " ".join(str(form.get(key) or "") for key in ("fields", "fieldname", "filters", "or_filters"))
	if "patient." in asked or "tabPatient Record" in asked:
		log_access(
			"Patient Record",
			None,
			"Read",
			user=user,
			filters={"via": "Adverse Event Report", "asked": asked[:1000]},
		)
	return ""


def readable_patient(name: str | None):
	"""The Patient Record for a print or a form of someone allowed to read it (the read logged), else None."""
	if not name or not frappe.has_permission("Patient Record", "read", name):
		return None
	return frappe.get_doc("Patient Record", name)


def log_access(doctype: str, name: str | None, method: str, user: str | None = None, filters=None):
	"""One Access Log row per record, way and request, written on its own connection and committed whatever
	becomes of the request (a read counts even when the request then fails), and never committing the request."""
	from medical_devices.audit.connection import separate_transaction

	user = user or frappe.session.user
	if user == "Guest" or not doctype:
		return
	seen = getattr(frappe.local, "md_logged_reads", None)
	if seen is None:
		seen = frappe.local.md_logged_reads = set()
	if (doctype, name, method, user) in seen:
		return
	seen.add((doctype, name, method, user))
	with separate_transaction() as db:
		db.sql(
			"""insert into `tabAccess Log` (name, creation, modified, owner, modified_by, docstatus, idx, user,
			export_from, reference_document, method, filters, timestamp)
			values (%s, %s, %s, %s, %s, 0, 0, %s, %s, %s, %s, %s, %s)""",
			(
				frappe.generate_hash(length=10),
				now(),  # the site's time zone, as Frappe's own rows
				now(),
				user,
				user,
				user,
				doctype,
				name,
				method,
				frappe.as_json(filters) if filters and not isinstance(filters, str) else filters,
				now(),
			),
		)
