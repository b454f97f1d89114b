"""A device batch's GSP status (Quarantine, Released, Blocked, Recalled, Expired) and its history.

Every change goes through `set_batch_status` (the daily expiry job through `mark_expired`), which checks the
transition, writes the status with who, when and why onto the Batch and appends a `Batch Status Change` record, both
with their trail entries, in the same transaction. Nothing else may change these fields (medical_devices.controls).
"""

import frappe
from frappe import _
from frappe.utils import now_datetime

from medical_devices import access, inputs
from medical_devices.audit import trail
from medical_devices.audit.origin import clean_reason
from medical_devices.controls import QA_ROLES
from medical_devices.gsp import rules

SET_STATUS = f"{__name__}.set_batch_status"
RELEASE_EXISTING = f"{__name__}.release_existing_batches"
QUARANTINE_NEW_DEVICE = f"{__name__}.quarantine_batches_of"
HISTORY = "Batch Status Change"
HISTORY_FIELDS = (
	"batch",
	"batch_id",
	"item",
	"from_status",
	"to_status",
	"reason",
	"changed_by",
	"changed_on",
	"reference_doctype",
	"reference_name",
)


def has_qa_role(user: str | None = None) -> bool:
	return bool(set(QA_ROLES) & set(frappe.get_roles(user)))


def status_label(status: str | None) -> str:
	"""A batch's status as people read it; a device batch without one was never released."""
	return _(status, context="Batch") if status else _("No Status")


def batch_label(batch_name: str) -> str:
	"""The batch ID people know (a batch's document name is not always its ID)."""
	return frappe.db.get_value("Batch", batch_name, "batch_id") or batch_name


def set_batch_status(
	batch: str,
	status: str,
	reason: str,
	reference_doctype: str | None = None,
	reference_name: str | None = None,
	check_role: bool = True,
) -> bool:
	"""Move `batch` to `status`; returns False when it already had it. Raises on a forbidden change."""
	if status not in rules.BATCH_STATUSES:
		frappe.throw(_("{0} is not a batch status.").format(frappe.bold(status)))
	reason = clean_reason(reason)
	if not reason:
		frappe.throw(
			_("Give the reason for changing the status of batch {0}.").format(frappe.bold(batch_label(batch)))
		)
	if check_role and not has_qa_role():
		frappe.throw(
			_("Only a Quality Manager or QA Reviewer may change the status of batch {0}.").format(
				frappe.bold(batch_label(batch))
			),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)

	current = frappe.db.get_value(
		"Batch", batch, ["md_batch_status", "item", "batch_id"], as_dict=True, for_update=True
	)
	if not current:
		frappe.throw(_("Batch {0} does not exist.").format(frappe.bold(batch)))
	if current.md_batch_status == status:
		return False
	if not rules.can_transition(current.md_batch_status, status):
		frappe.throw(
			_("Batch {0} is {1}; it cannot become {2}.").format(
				frappe.bold(current.batch_id), _(current.md_batch_status), _(status)
			),
			title=_("Status Change Not Allowed"),
		)

	refusal = release_refusal(batch, current.md_batch_status, status, reference_doctype, reference_name)
	if refusal:
		frappe.throw(refusal, frappe.ValidationError, title=_("Status Change Not Allowed"))

	changed_on = now_datetime()
	trail.set_values(
		"Batch",
		batch,
		{
			"md_batch_status": status,
			"md_status_reason": reason,
			"md_status_changed_by": frappe.session.user,
			"md_status_changed_on": changed_on,
		},
		SET_STATUS,
		reason,
	)
	append_history(
		[
			{
				"batch": batch,
				"batch_id": current.batch_id,
				"item": current.item,
				"from_status": current.md_batch_status,
				"to_status": status,
				"reason": reason,
				"changed_on": changed_on,
				"reference_doctype": reference_doctype,
				"reference_name": reference_name,
			}
		],
		SET_STATUS,
	)
	return True


def release_refusal(batch, status, new_status, reference_doctype=None, reference_name=None) -> str | None:
	"""Why another app's rule (the `md_release_rules` hook) refuses this status change, or None."""
	for rule in frappe.get_hooks("md_release_rules") or []:
		refusal = frappe.get_attr(rule)(batch, status, new_status, reference_doctype, reference_name)
		if refusal:
			return refusal
	return None


def append_history(rows: list[dict], function: str):
	"""Append Batch Status Change records (written directly: the doctype is append-only), each with its entry."""
	if not rows:
		return
	user = frappe.session.user
	stamp = now_datetime()
	names = reserve_history_names(len(rows))
	values = []
	for name, row in zip(names, rows, strict=True):
		row = {**row, "changed_by": row.get("changed_by") or user}
		values.append((name, *(row.get(field) for field in HISTORY_FIELDS), user, user, stamp, stamp))
	trail.insert_rows(
		HISTORY, ("name", *HISTORY_FIELDS, "owner", "modified_by", "creation", "modified"), values
	)
	trail.record_changes(
		HISTORY,
		{
			str(name): {"created": {k: v for k, v in row.items() if v not in (None, "")}}
			for name, row in zip(names, rows, strict=True)
		},
		trail.INSERT,
		None,
		{"function": function},
	)


def reserve_history_names(count: int) -> list[int]:
	"""`count` ids from Batch Status Change's sequence in one statement (the doctype is autoincrement)."""
	if frappe.db.db_type == "mariadb":
		return [
			row[0]
			for row in frappe.db.sql(
				f"select nextval(`batch_status_change_id_seq`) from seq_1_to_{int(count)}"
			)
		]
	from frappe.database.sequence import get_next_val

	return [get_next_val(HISTORY) for _ in range(count)]


def give_status(
	item_codes: list[str] | None, status: str, reason: str, function: str, never_had_one: bool = False
) -> int:
	"""Device batches without a status get `status`, with history and entries: those that existed before the app
	was installed (`never_had_one`: a batch whose status history shows one had it cleared around the app, and stays
	without), and those of an item that has just become a medical device."""
	batch = frappe.qb.DocType("Batch")
	item = frappe.qb.DocType("Item")
	query = (
		frappe.qb.from_(batch)
		.join(item)
		.on(item.name == batch.item)
		.select(batch.name, batch.batch_id, batch.item)
		.where(item.md_is_medical_device == 1)
		.where(batch.md_batch_status.isnull() | (batch.md_batch_status == ""))
	)
	if item_codes is not None:
		query = query.where(batch.item.isin(item_codes or [""]))
	if never_had_one:
		history = frappe.qb.DocType(HISTORY)
		query = query.where(
			batch.name.notin(frappe.qb.from_(history).select(history.batch).where(history.batch.isnotnull()))
		)
	rows = query.run(as_dict=True)
	if not rows:
		return 0
	changed_on = now_datetime()
	trail.set_values(
		"Batch",
		[row.name for row in rows],
		{
			"md_batch_status": status,
			"md_status_reason": reason,
			"md_status_changed_by": frappe.session.user,
			"md_status_changed_on": changed_on,
		},
		function,
		reason,
	)
	append_history(
		[
			{
				"batch": row.name,
				"batch_id": row.batch_id,
				"item": row.item,
				"from_status": None,
				"to_status": status,
				"reason": reason,
				"changed_on": changed_on,
			}
			for row in rows
		],
		function,
	)
	return len(rows)


def release_existing_batches() -> int:
	"""Install and upgrade: device batches from before the app's control carry on as Released, now on record."""
	return give_status(
		None,
		rules.RELEASED,
		_("Existed before GSP batch control: released as it was"),
		RELEASE_EXISTING,
		never_had_one=True,
	)


def quarantine_batches_of(item_code: str) -> int:
	"""An item that has just become a medical device: its batches were never released by QA."""
	return give_status(
		[item_code],
		rules.QUARANTINE,
		_("Item {0} became a medical device: its batches await QA release").format(item_code),
		QUARANTINE_NEW_DEVICE,
	)


@frappe.whitelist(methods=["POST"])
@inputs.endpoint
def change_batch_status(batch: str, status: str, reason: str | None = None) -> str:
	"""Desk buttons Release / Block / Quarantine on the Batch form."""
	status = inputs.text(status, _("Status"))
	if status not in rules.MANUAL_STATUSES:
		frappe.throw(
			_("Recalled and Expired are set by a recall and by the expiry job, not by hand."),
			inputs.InvalidInputError,
		)
	batch = access.record("Batch", batch)
	set_batch_status(batch, status, reason, check_role=True)
	return frappe.db.get_value("Batch", batch, "md_batch_status")


# --- doc_events ---------------------------------------------------------------------------------------------
