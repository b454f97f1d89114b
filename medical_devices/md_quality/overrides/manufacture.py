"""Quality, on Stock Entry: a Manufacture entry makes device batches that its batch record releases, so it makes
them into a new batch or one still in Quarantine whose record has not released it (medical_devices/md_quality/
batch_records.py): units made into a released batch would be released without their record."""

import frappe
from frappe import _

from medical_devices.devices import device_items
from medical_devices.gsp import rules
from medical_devices.gsp.batch_status import batch_label, status_label
from medical_devices.md_quality.batch_records import BATCH_RECORD, MANUFACTURE


def refuse_making_into_released_batches(doc, method=None):
	if doc.purpose != MANUFACTURE:
		return
	finished = [
		row for row in doc.get("items") or [] if row.get("t_warehouse") and not row.get("s_warehouse")
	]
	devices = device_items({row.item_code for row in finished})
	if not devices:
		return
	batches = {row.batch_no for row in finished if row.item_code in devices and row.get("batch_no")}
	bundles = [
		row.serial_and_batch_bundle
		for row in finished
		if row.item_code in devices and row.get("serial_and_batch_bundle")
	]
	if bundles:
		batches |= set(
			frappe.get_all(
				"Serial and Batch Entry",
				filters={"parent": ("in", bundles), "batch_no": ("is", "set")},
				pluck="batch_no",
			)
		)
	for batch in sorted(batches):
		status = frappe.db.get_value("Batch", batch, "md_batch_status")
		released = frappe.db.exists(BATCH_RECORD, {"batch": batch, "docstatus": 1})
		if (status and status != rules.QUARANTINE) or released:
			frappe.throw(
				_(
					"Batch {0} is {1}: a Manufacture entry makes a new batch, or adds to one in Quarantine whose batch record has not released it."
				).format(frappe.bold(batch_label(batch)), status_label(status)),
				frappe.ValidationError,
				title=_("Not a Batch to Make"),
			)
