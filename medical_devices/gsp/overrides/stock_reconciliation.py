"""GSP, on Stock Reconciliation: a count is a way stock leaves the books too."""

import frappe
from frappe import _

from medical_devices.gsp import rules
from medical_devices.gsp.batch_status import has_qa_role, status_label
from medical_devices.gsp.stock_guard import shelf_life_days
from medical_devices.medical_devices.doctype.medical_device_settings.medical_device_settings import (
	controls_enabled,
)


def validate_stock_reconciliation(doc, method=None):
	"""validate of Stock Reconciliation: the counted stock of a device batch that is not Released (quarantined,
	blocked, recalled, expired) is corrected by quality staff only: a count is a way stock leaves the books too."""
	if not controls_enabled() or has_qa_role():
		return
	batch_rows = {}
	bundles = {}
	for row in doc.get("items") or []:
		if row.get("batch_no"):
			batch_rows.setdefault(row.batch_no, row)
		elif row.get("serial_and_batch_bundle"):
			bundles[row.serial_and_batch_bundle] = row
	if bundles:
		for entry in frappe.get_all(
			"Serial and Batch Entry",
			filters={"parent": ("in", list(bundles)), "batch_no": ("is", "set")},
			fields=["parent", "batch_no"],
		):
			batch_rows.setdefault(entry.batch_no, bundles[entry.parent])
	if not batch_rows:
		return
	items = shelf_life_days({row.item_code for row in batch_rows.values()})
	for batch in frappe.get_all(
		"Batch",
		filters={"name": ("in", list(batch_rows))},
		fields=["name", "batch_id", "item", "md_batch_status"],
	):
		if (batch.item in items or batch.md_batch_status) and batch.md_batch_status != rules.RELEASED:
			frappe.throw(
				_(
					"Row #{0}: batch {1} is {2}; only a Quality Manager or QA Reviewer may reconcile the stock of a batch that is not Released."
				).format(
					batch_rows[batch.name].idx,
					frappe.bold(batch.batch_id),
					status_label(batch.md_batch_status),
				),
				frappe.PermissionError,
				title=_("Not Permitted"),
			)
