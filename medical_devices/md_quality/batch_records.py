"""What a manufactured batch's record holds, read from ERPNext's ledger: the Manufacture entries that produced it,
the batches and serial numbers they consumed (with the supplier each input batch came from), its Quality
Inspections and nonconformances; and the release rule: a manufactured device batch goes from Quarantine to Released
only by the signed approval of its Device Batch Record (the `md_release_rules` hook)."""

import frappe
from frappe import _
from frappe.utils import flt

from medical_devices.devices import is_device
from medical_devices.gsp import rules

BATCH_RECORD = "Device Batch Record"
MANUFACTURE = "Manufacture"


def production_entries(batch: str) -> list[str]:
	"""Submitted Manufacture Stock Entries whose finished rows produced the batch, oldest first."""
	return [
		row[0]
		for row in frappe.db.sql(
			"""select distinct se.name, se.posting_date, se.posting_time from `tabStock Entry` se
			where se.docstatus = 1 and se.purpose = %(purpose)s and se.name in (
				select sle.voucher_no from `tabSerial and Batch Entry` entry
				join `tabStock Ledger Entry` sle on sle.serial_and_batch_bundle = entry.parent
				where entry.batch_no = %(batch)s and entry.qty > 0 and sle.voucher_type = 'Stock Entry'
				and sle.is_cancelled = 0
				union
				select sle.voucher_no from `tabStock Ledger Entry` sle
				where sle.batch_no = %(batch)s and sle.actual_qty > 0 and sle.voucher_type = 'Stock Entry'
				and sle.is_cancelled = 0)
			order by se.posting_date, se.posting_time, se.name""",
			{"batch": batch, "purpose": MANUFACTURE},
		)
	]


def is_manufactured(batch: str) -> bool:
	return bool(production_entries(batch))


def produced_qty(entries: list[str], batch: str) -> float:
	if not entries:
		return 0.0
	return flt(
		frappe.db.sql(
			"""select sum(entry.qty) from `tabSerial and Batch Entry` entry
			join `tabStock Ledger Entry` sle on sle.serial_and_batch_bundle = entry.parent
			where sle.voucher_type = 'Stock Entry' and sle.voucher_no in %(entries)s and sle.is_cancelled = 0
			and entry.batch_no = %(batch)s and entry.qty > 0""",
			{"entries": entries, "batch": batch},
		)[0][0]
	) + flt(
		frappe.db.sql(
			"""select sum(actual_qty) from `tabStock Ledger Entry` where voucher_type = 'Stock Entry'
			and voucher_no in %(entries)s and is_cancelled = 0 and batch_no = %(batch)s and actual_qty > 0
			and ifnull(serial_and_batch_bundle, '') = ''""",
			{"entries": entries, "batch": batch},
		)[0][0]
	)


def consumed_inputs(entries: list[str]) -> list[dict]:
	"""Every batch, serial number or untracked item the entries consumed (one row per batch or serial), with
	the supplier whose receipt first brought each input batch in: a few queries, whatever the number of inputs."""
	if not entries:
		return []
	tracked = frappe.db.sql(
		"""select sle.voucher_no as stock_entry, sle.item_code, entry.batch_no as batch, entry.serial_no,
			-sum(entry.qty) as qty, sle.stock_uom as uom
		from `tabStock Ledger Entry` sle
		join `tabSerial and Batch Entry` entry on entry.parent = sle.serial_and_batch_bundle
		where sle.voucher_type = 'Stock Entry' and sle.voucher_no in %(entries)s and sle.is_cancelled = 0
		and sle.actual_qty < 0
		group by sle.voucher_no, sle.item_code, entry.batch_no, entry.serial_no, sle.stock_uom
		order by sle.voucher_no, sle.item_code, entry.batch_no, entry.serial_no""",
		{"entries": entries},
		as_dict=True,
	)
	plain = frappe.db.sql(
		"""select voucher_no as stock_entry, item_code, batch_no as batch, serial_no, -sum(actual_qty) as qty,
			stock_uom as uom
		from `tabStock Ledger Entry`
		where voucher_type = 'Stock Entry' and voucher_no in %(entries)s and is_cancelled = 0 and actual_qty < 0
		and ifnull(serial_and_batch_bundle, '') = ''
		group by voucher_no, item_code, batch_no, serial_no, stock_uom
		order by voucher_no, item_code, batch_no""",
		{"entries": entries},
		as_dict=True,
	)
	rows = tracked + plain
	suppliers = suppliers_of({row.batch for row in rows if row.batch})
	names = dict(
		frappe.get_all(
			"Item",
			filters={"name": ("in", list({row.item_code for row in rows}) or [""])},
			fields=["name", "item_name"],
			as_list=True,
		)
	)
	for row in rows:
		row.supplier = suppliers.get(row.batch)
		row.item_name = names.get(row.item_code)
		row.qty = flt(row.qty, 6)
	return rows


def suppliers_of(batches: set[str]) -> dict[str, str]:
	"""Input batch -> the supplier of the first Purchase Receipt that brought it in."""
	if not batches:
		return {}
	found = {}
	for batch, supplier in frappe.db.sql(
		"""select entry.batch_no, receipt.supplier
		from `tabSerial and Batch Entry` entry
		join `tabStock Ledger Entry` sle on sle.serial_and_batch_bundle = entry.parent
		join `tabPurchase Receipt` receipt on receipt.name = sle.voucher_no
		where sle.voucher_type = 'Purchase Receipt' and sle.is_cancelled = 0 and entry.qty > 0
		and entry.batch_no in %(batches)s
		order by sle.posting_datetime desc""",
		{"batches": list(batches)},
	):
		found[batch] = supplier  # the last assignment is the earliest receipt
	return found


def inspections_of(batch: str) -> list[dict]:
	return frappe.get_all(
		"Quality Inspection",
		filters={"batch_no": batch, "docstatus": ("!=", 2)},
		fields=[
			"name as quality_inspection",
			"inspection_type",
			"status",
			"inspected_by",
			"report_date",
			"docstatus",
		],
		order_by="report_date, name",
	)


def nonconformances_of(batch: str) -> list[dict]:
	return frappe.get_all(
		"Device Nonconformance",
		filters={"batch": batch},
		fields=["name as nonconformance", "status", "disposition", "qty", "docstatus"],
		order_by="creation",
	)


def release_refusal(
	batch: str, status: str | None, new_status: str, reference_doctype=None, reference_name=None
):
	"""`md_release_rules`: why this change may not release the batch, or None. A manufactured device batch is first
	released only by the submit of its batch record, from whatever status (Quarantine, or Blocked on the way); once
	its record released it, later releases (after a block or a rework) are quality staff's, as for any batch."""
	if new_status != rules.RELEASED:
		return None
	item = frappe.db.get_value("Batch", batch, "item")
	if not is_device(item) or not is_manufactured(batch):
		return None
	if frappe.db.exists(BATCH_RECORD, {"batch": batch, "docstatus": 1}):
		return None  # released by its record (in the record's own submit, which has just stored it submitted)
	return _(
		"Batch {0} was manufactured: it is released by the signed approval of its Device Batch Record."
	).format(frappe.bold(frappe.db.get_value("Batch", batch, "batch_id") or batch))
