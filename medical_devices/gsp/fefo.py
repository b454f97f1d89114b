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
from medical_devices.gsp.stock_guard import shelf_life_days
from medical_devices.medical_devices.doctype.medical_device_settings.medical_device_settings import (
	controls_enabled,
	get_settings,
)


def pick_device_batches(doc, method=None):
	"""validate of Delivery Note and Sales Invoice, before the GSP guard checks what the rows now take."""
	if not controls_enabled() or doc.get("is_return") or doc.docstatus != 0:
		return
	if doc.doctype == "Sales Invoice" and not doc.get("update_stock"):
		return
	settings = get_settings()
	if not settings.fefo_picking:
		return
	rows = [
		row
		for row in doc.get("items") or []
		if row.get("item_code")
		and row.get("warehouse")
		and flt(row.get("stock_qty")) > 0
		and not row.get("batch_no")
		and not row.get("serial_and_batch_bundle")
		and not row.get("serial_no")
	]
	if not rows:
		return
	items = shelf_life_days({row.item_code for row in rows})
	rows = [row for row in rows if row.item_code in items and batch_only_item(row.item_code)]
	if not rows:
		return
	posting_date = getdate(doc.posting_date)
	customer_days = frappe.get_cached_value("Customer", doc.customer, "md_min_remaining_shelf_life_days")
	taken: dict[tuple[str, str], float] = {}
	changed = False
	for row in rows:
		min_days = rules.required_shelf_life(
			customer_days, items[row.item_code], settings.min_remaining_shelf_life_days
		)
		candidates = eligible_batches(row.item_code, row.warehouse, doc, posting_date, min_days)
		allocation = allocate(candidates, flt(row.stock_qty), taken, row.warehouse)
		if not allocation:
			continue
		if len(allocation) > 1 and flt(row.conversion_factor) != 1:
			continue  # a case of 10 cannot be split into 3 + 7 units: leave it to the person picking
		changed |= apply_allocation(doc, row, allocation)
	if changed:
		for idx, row in enumerate(doc.items, start=1):
			row.idx = idx
		doc.calculate_taxes_and_totals()


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
