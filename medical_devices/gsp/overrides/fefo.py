"""GSP, on Delivery Note and stock-updating Sales Invoice: first-expiry-first-out picking of device batches
(medical_devices/gsp/fefo.py), before the guard checks what the rows take."""

import frappe
from frappe.utils import flt, getdate

from medical_devices.gsp import rules
from medical_devices.gsp.fefo import allocate, apply_allocation, batch_only_item, eligible_batches
from medical_devices.gsp.stock_guard import shelf_life_days
from medical_devices.medical_devices.doctype.medical_device_settings.medical_device_settings import (
	controls_enabled,
	get_settings,
)


def pick_device_batches(doc, method=None):
	"""validate of Delivery Note and Sales Invoice, before the GSP guard checks what the rows now take."""
	# a draft, or a document saved and submitted in one request (inserted with docstatus 1)
	if not controls_enabled() or doc.get("is_return") or doc.docstatus == 2:
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
