"""Reason for change (EU GMP Annex 11 §9): changing a regulated record after its first save, updating it after
submit, cancelling, amending and renaming it need a reason, given by the person who asked for the change, whatever
the path (desk, REST, frappe.client, bulk edit, Data Import, a job running a person's request). Regulated records
are never deleted or merged away.

"Regulated" is this app's own records and the ERPNext records that concern medical devices, judged on the record
as it was before the change and as it is after (unticking Is Medical Device needs a reason too); ERPNext records of
other goods are recorded in the trail too but keep ERPNext's own behaviour. The app's own writes and the
consequences of one document on others are marked as such (medical_devices.audit.origin) and need none.
"""

import frappe
from frappe import _

from medical_devices import inputs
from medical_devices.audit.origin import clean_reason, is_requested_change, pending_key, reason_for
from medical_devices.audit.scope import is_audited, is_regulated, was_or_is_regulated
from medical_devices.audit.trail import ever_regulated, field_changes

REASON_TTL_SECONDS = 600


class ReasonRequiredError(frappe.ValidationError):
	pass


@frappe.whitelist(methods=["POST"])
@inputs.endpoint
def note_reason(doctype: str, name: str, reason: str | None = None):
	"""Desk: the reason typed in the dialog before a cancel or rename, which send no document body of their own."""
	note_reasons(doctype, [name], reason)


@frappe.whitelist(methods=["POST"])
@inputs.endpoint
def note_reasons(doctype: str, names, reason: str | None = None):
	"""The reason for a bulk action on several records (it may run in a background job within 10 minutes)."""
	if isinstance(names, str):
		try:
			names = frappe.parse_json(names)
		except ValueError:
			names = None
	if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
		frappe.throw(_("Give the names of the records."))
	reason = clean_reason(reason)
	if not reason:
		frappe.throw(_("Enter a reason."))
	for name in names:
		frappe.has_permission(doctype, "read", name, throw=True)
		frappe.cache.set_value(pending_key(doctype, name), reason, expires_in_sec=REASON_TTL_SECONDS)


def require_reason(doc, method=None, *args, **kwargs):
	"""validate / before_cancel / before_update_after_submit / before_rename (early, for a clear refusal) and
	on_change (the invariant, after every flag and server script) of every doctype; acts on regulated, audited
	records that a person asked to change."""
	if not is_audited(doc.doctype):
		return
	action = change_needing_reason(doc, method)
	if not action or not is_requested_change(doc) or not was_or_is_regulated(doc):
		return
	if not reason_for(doc):
		frappe.throw(
			_("{0} {1} is a regulated record: give a reason for {2}.").format(
				_(doc.doctype), doc.name or "", action
			),
			ReasonRequiredError,
			title=_("Reason for Change Required"),
		)


def change_needing_reason(doc, method) -> str | None:
	if method == "before_rename":
		return _("renaming it")
	if method == "on_trash":
		return None
	action = getattr(doc, "_action", None)
	if method == "on_change" and not action:
		# a db_set on its own: a person's request (an endpoint that only sets a status, say) is a change like any
		# other, unless all it changed is what ERPNext keeps itself (a batch's quantity)
		return _("changing it") if getattr(frappe.local, "request", None) and changes_content(doc) else None
	if method == "before_cancel" or (method == "on_change" and action == "cancel"):
		return _("cancelling it")
	if method == "before_update_after_submit" or (method == "on_change" and action == "update_after_submit"):
		return _("changing it after submit")
	if doc.is_new() or doc.flags.in_insert:
		return _("amending it") if doc.get("amended_from") else None
	if action == "save" and doc.docstatus == 0:
		return _("changing it")
	return None


def changes_content(doc) -> bool:
	from medical_devices.audit.state import rewritten_fields

	before = doc.get_doc_before_save()
	if not before:
		return False
	kept_by_erpnext = set(rewritten_fields(doc.doctype))
	return any(field not in kept_by_erpnext for field, _old, _new in field_changes(before, doc))


def refuse_regulated_delete(doc, method=None):
	"""on_trash: regulated records are never deleted, whoever asks (the retention rule bound before this one names
	how long a record is kept); a row of one is removed by changing the record, never deleted on its own."""
	if frappe.flags.in_uninstall or frappe.flags.in_install or frappe.flags.in_migrate:
		return
	if doc.meta.istable:
		parent = doc.get("parenttype") and doc.get("parent") and frappe.get_doc(doc.parenttype, doc.parent)
		if parent and is_audited(parent.doctype) and is_regulated(parent):
			frappe.throw(
				_("Row {0} belongs to {1} {2}, a regulated record: change the record to remove it.").format(
					doc.idx, _(parent.doctype), parent.name
				),
				frappe.PermissionError,
				title=_("Not Permitted"),
			)
		return
	if is_audited(doc.doctype) and (is_regulated(doc) or ever_regulated(doc.doctype, doc.name)):
		frappe.throw(
			_(
				"{0} {1} is a regulated record and cannot be deleted; cancel it or mark it disabled instead."
			).format(_(doc.doctype), doc.name),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)


def refuse_regulated_merge(doc, method=None, old=None, new=None, merge=False):
	"""before_rename: merging deletes the record merged away and hands its records (batches, stock) to the other,
	so neither may be a regulated record."""
	if not merge or not is_audited(doc.doctype):
		return
	target = frappe.get_doc(doc.doctype, new) if new and frappe.db.exists(doc.doctype, new) else None
	if is_regulated(doc) or ever_regulated(doc.doctype, doc.name):
		message = _("{0} {1} is a regulated record: it cannot be merged into {2}, which would delete it.")
	elif target and is_regulated(target):
		message = _(
			"{2} is a regulated record: {0} {1} cannot be merged into it, which would hand it their records."
		)
	else:
		return
	frappe.throw(
		message.format(_(doc.doctype), doc.name, new), frappe.PermissionError, title=_("Not Permitted")
	)
