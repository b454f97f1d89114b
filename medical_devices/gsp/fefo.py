"""First-expiry-first-out picking for device items on Delivery Notes and stock-updating Sales Invoices.

ERPNext's own picking order is one site-wide setting (Stock Settings), and it picks batches that our guard
would then refuse. For device items only, a row saved without a batch gets the earliest-expiring batches that
may leave stock on the posting date (Released, in date, enough shelf life for the customer); a row that needs
more than one batch is split into one row per batch. Rows with a batch or a bundle chosen by a person are left
as they are, and other items keep ERPNext's setting.
"""

import frappe
from frappe.utils import flt, getdate

from medical_devices.gsp import rules


def batch_only_item(item_code: str) -> bool:
	has_batch, has_serial = frappe.get_cached_value("Item", item_code, ["has_batch_no", "has_serial_no"])
	return bool(has_batch) and not has_serial


def eligible_batches(item_code, warehouse, doc, posting_date, min_days) -> list[tuple[str, float]]:
	"""(batch, qty available) in FEFO order, only batches the guard would let leave."""
	from erpnext.stock.doctype.serial_and_batch_bundle.serial_and_batch_bundle import get_auto_batch_nos

	available = get_auto_batch_nos(
		frappe._dict(
			{
				"item_code": item_code,
				"warehouse": warehouse,
				"based_on": "Expiry",
				"posting_date": doc.posting_date,
				"posting_time": doc.posting_time,
			}
		)
	)
	if not available:
		return []
	details = {
		batch.name: batch
		for batch in frappe.get_all(
			"Batch",
			filters={"name": ("in", [row.batch_no for row in available])},
			fields=["name", "md_batch_status", "expiry_date"],
		)
	}
	eligible = []
	for row in available:
		batch = details.get(row.batch_no)
		if not batch or flt(row.qty) <= 0:
			continue
		expiry = getdate(batch.expiry_date) if batch.expiry_date else None
		if rules.outward_block_reason(
			batch.md_batch_status, expiry, posting_date, min_shelf_life_days=min_days
		):
			continue
		eligible.append((row.batch_no, flt(row.qty), expiry))
	eligible.sort(key=lambda entry: (entry[2] is None, entry[2] or posting_date))
	return [(batch, qty) for batch, qty, _expiry in eligible]


def allocate(candidates, needed: float, taken: dict, warehouse: str) -> list[tuple[str, float]]:
	allocation = []
	for batch, qty in candidates:
		free = qty - taken.get((batch, warehouse), 0)
		if free <= 0:
			continue
		use = min(free, needed)
		allocation.append((batch, use))
		needed -= use
		if needed <= 0:
			break
	if needed > 0:
		return []  # not enough eligible stock: leave the row, the guard or ERPNext will say why
	for batch, use in allocation:
		taken[(batch, warehouse)] = taken.get((batch, warehouse), 0) + use
	return allocation


def apply_allocation(doc, row, allocation) -> bool:
	first_batch, first_qty = allocation[0]
	extra = allocation[1:]
	row.batch_no = first_batch
	row.use_serial_batch_fields = 1
	if not extra:
		return True
	position = doc.items.index(row)
	values = {k: v for k, v in row.as_dict().items() if k not in ("name", "idx", "creation", "modified")}
	for offset, (batch, qty) in enumerate(extra, start=1):
		copy = doc.append("items", {**values, "batch_no": batch, "qty": qty, "stock_qty": qty})
		doc.items.remove(copy)
		doc.items.insert(position + offset, copy)
	row.qty = first_qty
	row.stock_qty = first_qty
	return True
