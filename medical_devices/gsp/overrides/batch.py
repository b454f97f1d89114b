"""GSP, on Batch: a device batch starts in Quarantine (or Released when receipt quarantine is off), whatever the
client sent, with its first status history record."""

import frappe
from frappe import _
from frappe.utils import now_datetime

from medical_devices import stored_texts
from medical_devices.audit import controlled
from medical_devices.devices import is_device
from medical_devices.gsp import rules
from medical_devices.gsp.batch_status import append_history
from medical_devices.medical_devices.doctype.medical_device_settings.medical_device_settings import (
	get_settings,
)

SET_INITIAL_STATUS = f"{__name__}.set_initial_status"


def set_initial_status(doc, method=None):
	"""Batch.before_insert: a new device batch starts in Quarantine (or Released when that setting is off),
	whatever the client sent (the control resets it first); other batches carry no status."""
	if not is_device(doc.item):
		return
	controlled.allow(
		doc,
		SET_INITIAL_STATUS,
		md_batch_status=rules.QUARANTINE if get_settings().quarantine_on_receipt else rules.RELEASED,
		md_status_reason=stored_texts.NEW_BATCH.text(),
		md_status_changed_by=frappe.session.user,
		md_status_changed_on=now_datetime(),
	)


def record_initial_status(doc, method=None):
	"""Batch.after_insert: the first history entry, tied to the receipt that created the batch."""
	if not doc.get("md_batch_status"):
		return
	append_history(
		[
			{
				"batch": doc.name,
				"batch_id": doc.batch_id,
				"item": doc.item,
				"from_status": None,
				"to_status": doc.md_batch_status,
				"reason": doc.md_status_reason or stored_texts.NEW_BATCH.text(),
				"changed_on": doc.md_status_changed_on or now_datetime(),
				"reference_doctype": doc.get("reference_doctype"),
				"reference_name": doc.get("reference_name"),
			}
		],
		SET_INITIAL_STATUS,
	)
