"""Enforcement of medical_devices.controls on every write path.

Every path that writes a document through Frappe's document API (desk form, every REST flavour, frappe.client.*,
run_doc_method, Data Import, bulk edit, server scripts, the app's jobs) passes the document events below; the last
of them, `on_change`, runs after every insert, save, submit, cancel, update after submit and `db_set`, after
validation hooks, server scripts and flags (even `ignore_validate`) have had their say, and still inside the
transaction. A controlled field that differs from what was stored (or, on insert, from its initial value) makes it
throw, so the whole write rolls back, unless one of the control's functions set exactly that value (`allow`).
Direct SQL and `frappe.db.set_value` bypass every hook: md-verify-audit finds those (docs/security.md).
"""

import frappe
from frappe import _

from medical_devices.audit import state
from medical_devices.audit.origin import is_requested_change, outer_document
from medical_devices.audit.scope import is_audited, is_regulated, was_or_is_regulated
from medical_devices.audit.signature import needs_review
from medical_devices.controls import APPEND_ONLY, check_function, controls_of


class ControlledFieldError(frappe.PermissionError):
	pass


def allow(doc, function: str, **values):
	"""Set controlled fields of `doc` as `function` decided; exactly these values pass the checks."""
	for field, value in values.items():
		doc.set(field, value)
	allow_current(doc, function, *values)


def allow_current(doc, function: str, *fields):
	"""The values `function` has just given these controlled fields of `doc` (child tables included) pass."""
	check_function(doc.doctype, fields, function)
	allowed = doc.flags.md_allowed = dict(doc.flags.get("md_allowed") or {})
	for field in fields:
		allowed[field] = fingerprint(doc, field)


def fingerprint(doc, field: str):
	df = doc.meta.get_field(field)
	value = doc.get(field)
	if df and df.fieldtype in state.TABLES:
		fields = [f for f in state.value_fields(frappe.get_meta(df.options)) if f[0] not in ("name", "idx")]
		return [
			{name: state.canonical_value(fieldtype, row.get(name)) for name, fieldtype in fields}
			for row in value or []
		]
	return state.canonical_value(df.fieldtype if df else "Data", value)


def initial_fingerprint(doc, field: str, control):
	df = doc.meta.get_field(field)
	value = (control.initial or {}).get(field)
	if df and df.fieldtype in state.TABLES:
		return []
	return state.canonical_value(df.fieldtype if df else "Data", value)


# --- doc_events --------------------------------------------------------------------------------------------------


def normalise_insert(doc, method=None):
	"""before_insert: controlled fields start at their initial values, whatever the client sent."""
	refuse_append_only(doc)
	allowed = doc.flags.get("md_allowed") or {}
	for field, control in controls_of(doc.doctype).items():
		if control.free_on_insert or field in allowed:
			continue
		df = doc.meta.get_field(field)
		if df and df.fieldtype in state.TABLES:
			doc.set(field, [])
		else:
			doc.set(field, (control.initial or {}).get(field))


def check(doc, method=None):
	"""before_validate, before_update_after_submit, before_cancel (early, for a clear refusal) and on_change (the
	invariant): no controlled field differs from the stored or initial value unless allowed with that value."""
	if doc.doctype in APPEND_ONLY:
		refuse_append_only(doc)
	if doc.meta.istable:
		refuse_controlled_row(doc)
		return
	if method == "before_cancel":
		refuse_changes_with_cancel(doc)
	elif method == "before_validate" and getattr(doc, "_action", None) == "submit":
		refuse_changes_with_submit(doc)
	controls = controls_of(doc.doctype)
	if not controls:
		return
	inserting = doc.is_new() or doc.flags.in_insert or not doc.get_doc_before_save()
	before = None if inserting else doc.get_doc_before_save()
	allowed = doc.flags.get("md_allowed") or {}
	for field, control in controls.items():
		if inserting and control.free_on_insert:
			continue
		current = fingerprint(doc, field)
		reference = initial_fingerprint(doc, field, control) if inserting else fingerprint(before, field)
		if current == reference or (field in allowed and allowed[field] == current):
			continue
		refuse(doc, field, control)


def refuse_changes_with_submit(doc):
	"""A submit of a regulated record submits it as it was saved. Frappe saves whatever body a submit request
	carries (savedocs with action Submit, frappe.client.submit), which would change a draft without its reason, and
	after a four-eyes check looked at what was saved: such a submit is refused; save the changes first."""

	if doc.is_new() or not is_audited(doc.doctype) or needs_review(doc.doctype):
		return  # a new record has nothing saved yet; a reviewed doctype has its own, stricter rule
	before = doc.get_doc_before_save()
	if not before or not is_requested_change(doc) or not was_or_is_regulated(doc):
		return
	changed = edited_fields(before, doc)
	if changed:
		frappe.throw(
			_(
				"Save the changes to {0} {1} first, with their reason: a submit submits what was saved ({2})."
			).format(_(doc.doctype), doc.name, ", ".join(changed)),
			frappe.ValidationError,
			title=_("Unsaved Changes"),
		)


def edited_fields(before, doc) -> list[str]:
	"""The fields a person can edit (not read-only: what validate computes is recomputed anyway) whose value in
	`doc` differs from the saved `before`, rows added or removed included."""

	def same(fieldtype, old, new):
		old, new = state.canonical_value(fieldtype, old), state.canonical_value(fieldtype, new)
		if old == new:
			return True
		try:
			return float(old) == float(new)
		except (TypeError, ValueError):
			return False

	def editable(meta):
		return [
			(field.fieldname, field.fieldtype, field.label)
			for field in meta.fields
			if (field.fieldname, field.fieldtype) in set(state.value_fields(meta)) and not field.read_only
		]

	changed = [
		_(label or field)
		for field, fieldtype, label in editable(doc.meta)
		if not same(fieldtype, before.get(field), doc.get(field))
	]
	for table in state.table_fields(doc.meta):
		old_rows = {row.name: row for row in before.get(table.fieldname) or []}
		new_rows = doc.get(table.fieldname) or []
		fields = editable(frappe.get_meta(table.options))
		if {row.name for row in new_rows} != set(old_rows) or any(
			not same(fieldtype, old_rows[row.name].get(field), row.get(field))
			for row in new_rows
			for field, fieldtype, _label in fields
		):
			changed.append(_(table.label or table.fieldname))
	return changed


def refuse_changes_with_cancel(doc):
	"""A cancel of a regulated record changes its status only. Frappe writes whatever body a cancel request sends
	(savedocs with action Cancel) without validating it, so a request that carries other changes is refused."""

	before = doc.get_doc_before_save()
	if not before or not is_audited(doc.doctype) or not is_regulated(before):
		return
	if state.state_of(doc, docstatus=1) != state.state_of(before, docstatus=1):
		frappe.throw(
			_("Cancelling {0} {1} cannot change it: cancel it as it was submitted.").format(
				_(doc.doctype), doc.name
			),
			frappe.ValidationError,
			title=_("Not Permitted"),
		)


def refuse_controlled_row(doc, method=None):
	"""A row of a controlled child table saved or deleted on its own (REST on the child doctype): its rows change
	only with their parent, through the parent's functions."""
	control = controls_of(doc.get("parenttype") or "").get(doc.get("parentfield") or "")
	if control and not is_own_row_write(doc):
		refuse(frappe.get_doc(doc.parenttype, doc.parent), doc.parentfield, control)


def is_own_row_write(row) -> bool:
	"""A row written while its own parent is being written: the parent's checks see the row."""
	outer = outer_document(row)
	return outer is not None and (outer.doctype, outer.name) == (row.parenttype, row.parent)


def refuse(doc, field: str, control):
	label = _(doc.meta.get_label(field))
	frappe.throw(
		_("{0} of {1} {2} is set by {3} only; it cannot be changed by editing the record.").format(
			frappe.bold(label), _(doc.doctype), doc.name or "", str(control.changed_by)
		),
		ControlledFieldError,
		title=_("Not Permitted"),
	)


def refuse_append_only(doc, method=None, *args, **kwargs):
	"""before_insert / on_trash / before_rename (and every save): records the app writes once, never through the
	document API."""
	if frappe.flags.in_uninstall:
		return
	if doc.meta.istable and method in ("on_trash", "before_rename"):
		refuse_controlled_row(doc)
	if doc.doctype not in APPEND_ONLY:
		return
	frappe.throw(
		_("{0} records are written by the system only and can never be changed or deleted.").format(
			_(doc.doctype)
		),
		frappe.PermissionError,
		title=_("Not Permitted"),
	)
