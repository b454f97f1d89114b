"""Who caused a change, and why: a person asking for it (with the reason they gave), or the app itself. The app
marks its own writes; nothing is inferred from the shape of a request.

- `acting_as(function)`: every write inside the block is the app's change, made by `function` (jobs, the demo,
  patches, the app's own API functions that save other records).
- `mark(doc, function)`: the next save of `doc` is the app's change, made by `function`.
- `outer_document(doc)`: the other document whose own write is writing `doc` now. ERPNext's and the app's
  consequences of one document on others (a batch's quantity after a delivery, a recall's progress after a return)
  belong to that document's change, and the entry names it.
- `reason_for(doc)`: the reason the person gave, whichever path the change took.
"""

import contextlib
import sys

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import escape_html

REASON_FIELD = "md_reason"
REASON_MAX_LENGTH = 2000
_WRITES = frozenset(
	method.__code__
	for method in (Document.insert, Document._save, Document._submit, Document._cancel, Document.db_set)
)


class ReasonTooLongError(frappe.ValidationError):
	pass


# --- the app's own changes ---------------------------------------------------------------------------------------


@contextlib.contextmanager
def acting_as(function: str):
	stack = frappe.local.md_acting = [*(getattr(frappe.local, "md_acting", None) or []), function]
	try:
		yield
	finally:
		stack.pop()


def acting_function() -> str | None:
	stack = getattr(frappe.local, "md_acting", None)
	if stack:
		return stack[-1]
	if frappe.flags.in_migrate:
		return "bench migrate"
	if frappe.flags.in_install or frappe.flags.in_uninstall:
		return "bench install-app"
	return None


def mark(doc, function: str):
	doc.flags.md_by_function = function
	return doc


def system_function(doc) -> str | None:
	"""The app function whose change this write of `doc` is, when the app is making it."""
	return doc.flags.get("md_by_function") or acting_function()


def outer_document(doc):
	"""The other document whose insert, save, submit, cancel or db_set is running beneath `doc`'s write."""
	frame = sys._getframe(1)
	while frame is not None:
		if frame.f_code in _WRITES:
			other = frame.f_locals.get("self")
			if (
				isinstance(other, Document)
				and other is not doc
				and (other.doctype, other.name) != (doc.doctype, doc.name)
				and not other.meta.istable
			):
				return other
		frame = frame.f_back
	return None


def inside_a_write(doc) -> bool:
	"""Whether `doc` is being written beneath a write of another object: another document, or the same document
	loaded afresh inside its own write (whose entry then checks it)."""
	frame = sys._getframe(1)
	while frame is not None:
		if frame.f_code in _WRITES and frame.f_locals.get("self") is not doc:
			return True
		frame = frame.f_back
	return False


def inside_document_write() -> bool:
	"""Whether any document's insert, save, submit, cancel or db_set is running beneath this call."""
	frame = sys._getframe(1)
	while frame is not None:
		if frame.f_code in _WRITES:
			return True
		frame = frame.f_back
	return False


def is_erpnext_bookkeeping(doc) -> bool:
	"""ERPNext's own update of a submitted document with validation switched off (payment reconciliation, for
	one): a consequence of another record, which only code can ask for (clients cannot set flags)."""
	return bool(doc.flags.get("ignore_validate_update_after_submit")) and (
		getattr(doc, "_action", None) == "update_after_submit"
	)


def change_origin(doc) -> dict | None:
	"""What a trail entry says besides the user: the app function, or the document this write belongs to."""
	function = system_function(doc)
	if function:
		return {"function": function}
	outer = outer_document(doc)
	if outer is not None:
		return {"document": [outer.doctype, outer.name]}
	if is_erpnext_bookkeeping(doc):
		return {"function": "erpnext"}
	return None


def is_requested_change(doc) -> bool:
	"""A change a person asked for of this very document: not the app's, not a consequence of another record."""
	return change_origin(doc) is None


# --- reasons -----------------------------------------------------------------------------------------------------


def reason_for(doc) -> str | None:
	"""The reason given for this change: on the document (form, REST body, set_value, bulk edit data), as a request
	parameter, noted just before (desk cancel, bulk actions, run in a job), or on the Data Import doing it."""
	reason = doc.get(REASON_FIELD) or (getattr(frappe.local, "form_dict", None) or {}).get(REASON_FIELD)
	if not reason:
		reason = data_import_reason(doc)
	if not reason and getattr(frappe.local, "session", None) and doc.name:
		reason = frappe.cache.get_value(pending_key(doc.doctype, doc.name), expires=True)
	return clean_reason(reason) or None


def data_import_reason(doc) -> str | None:
	reference = doc.flags.get("updater_reference") or {}
	if reference.get("doctype") != "Data Import" or not reference.get("docname"):
		return None
	return frappe.db.get_value("Data Import", reference["docname"], REASON_FIELD)


def clean_reason(reason) -> str:
	"""A reason as plain text: trimmed, at most REASON_MAX_LENGTH characters, markup stored as text (escaped), so
	that no reviewer's browser ever runs what someone typed."""
	if reason is not None and not isinstance(reason, str):
		frappe.throw(_("A reason for change is text."), frappe.ValidationError, title=_("Reason for Change"))
	text = (reason or "").strip()
	if len(text) > REASON_MAX_LENGTH:
		frappe.throw(
			_("A reason for change is at most {0} characters; this one has {1}.").format(
				REASON_MAX_LENGTH, len(text)
			),
			ReasonTooLongError,
			title=_("Reason Too Long"),
		)
	return escape_html(text)


def pending_key(doctype: str, name: str) -> str:
	return f"md_audit_reason|{frappe.session.user}|{doctype}|{name}"
