"""Quality: product a nonconformance holds in a rejected warehouse leaves it only by that nonconformance's
disposition (or the purchase return the disposition prepared), whatever the document: Stock Entry, Delivery Note,
Sales Invoice, POS Invoice, Pick List, a purchase return (Purchase Receipt or Purchase Invoice), or a Stock
Reconciliation counting less; and the warehouse stays a rejected warehouse while it holds some."""

import frappe
from frappe import _
from frappe.utils import flt

from medical_devices.gsp.batch_status import batch_label
from medical_devices.md_quality.doctype.device_nonconformance.device_nonconformance import (
	held_quantity,
	holds_in,
)

OUTWARD_WHEN_RETURN = ("Purchase Receipt", "Purchase Invoice")
INWARD_WHEN_RETURN = ("Delivery Note", "Sales Invoice", "POS Invoice")


class HeldProductError(frappe.ValidationError):
	pass


def refuse_moving_held_stock(doc, method=None):
	"""validate of the stock documents above."""
	if doc.doctype == "Stock Entry" and doc.get("md_device_nonconformance"):
		return  # the nonconformance's own hold or disposition
	if doc.doctype in INWARD_WHEN_RETURN and doc.get("is_return"):
		return
	if doc.doctype in OUTWARD_WHEN_RETURN and not doc.get("is_return"):
		return
	if doc.doctype == "Purchase Invoice" and not doc.get("update_stock"):
		return
	if doc.doctype == "Stock Reconciliation":
		return refuse_counting_held_stock_away(doc)
	rows = [(row, source_warehouse(doc, row)) for row in doc.get("items") or [] if row.get("item_code")]
	rejected = rejected_warehouses({warehouse for _row, warehouse in rows if warehouse})
	moved: dict[tuple, float] = {}
	unnamed: set[tuple] = set()
	bundles: dict[str, tuple] = {}
	for row, warehouse in rows:
		if warehouse not in rejected:
			continue
		qty = abs(flt(row.get("transfer_qty") or row.get("stock_qty") or row.qty))
		if row.get("batch_no"):
			key = (row.item_code, row.batch_no, warehouse)
			moved[key] = moved.get(key, 0) + qty
		elif row.get("serial_and_batch_bundle"):
			bundles[row.serial_and_batch_bundle] = (row.item_code, warehouse)
		else:
			unnamed.add((row.item_code, warehouse))
		moved[(row.item_code, None, warehouse)] = moved.get((row.item_code, None, warehouse), 0) + qty
	if bundles:
		for entry in frappe.get_all(
			"Serial and Batch Entry",
			filters={"parent": ("in", list(bundles)), "batch_no": ("is", "set")},
			fields=["parent", "batch_no", "qty"],
		):
			item_code, warehouse = bundles[entry.parent]
			key = (item_code, entry.batch_no, warehouse)
			moved[key] = moved.get(key, 0) + abs(flt(entry.qty))
	except_return = doc.name if doc.doctype in OUTWARD_WHEN_RETURN else None
	for item_code, warehouse in sorted(unnamed):
		if held_quantity(item_code, None, warehouse, except_return):
			frappe.throw(
				_("{0} in {1} is partly held by nonconformances: name the batch that leaves.").format(
					frappe.bold(item_code), warehouse
				),
				HeldProductError,
				title=_("Held Product"),
			)
	for (item_code, batch, warehouse), qty in moved.items():
		held = held_quantity(item_code, batch, warehouse, except_return)
		if held and in_stock(item_code, batch, warehouse) - qty < held - 1e-9:
			refuse(held, item_code, batch, warehouse)


def refuse_counting_held_stock_away(doc):
	"""A count of a rejected warehouse keeps at least what is held there."""
	for row in doc.get("items") or []:
		if not row.get("item_code") or not row.get("warehouse"):
			continue
		if row.warehouse not in rejected_warehouses({row.warehouse}):
			continue
		batch = row.get("batch_no")
		if not batch and row.get("serial_and_batch_bundle"):
			batch = frappe.db.get_value(
				"Serial and Batch Entry", {"parent": row.serial_and_batch_bundle}, "batch_no"
			)
		held = held_quantity(row.item_code, batch, row.warehouse)
		if held and flt(row.qty) < held - 1e-9:
			refuse(held, row.item_code, batch, row.warehouse)


def refuse(held, item_code, batch, warehouse):
	frappe.throw(
		_("{0} of {1} in {2} is held by an open nonconformance: only its disposition moves it.").format(
			flt(held), frappe.bold(batch_label(batch) if batch else item_code), warehouse
		),
		HeldProductError,
		title=_("Held Product"),
	)


def source_warehouse(doc, row) -> str | None:
	if doc.doctype == "Stock Entry":
		return row.get("s_warehouse")
	return row.get("warehouse") or doc.get("set_warehouse")


def rejected_warehouses(warehouses: set[str]) -> set[str]:
	if not warehouses:
		return set()
	return set(
		frappe.get_all(
			"Warehouse", filters={"name": ("in", list(warehouses)), "is_rejected_warehouse": 1}, pluck="name"
		)
	)


def in_stock(item_code: str, batch: str | None, warehouse: str) -> float:
	from erpnext.stock.doctype.batch.batch import get_batch_qty
	from erpnext.stock.utils import get_stock_balance

	if batch:
		return flt(get_batch_qty(batch, warehouse, item_code))
	return flt(get_stock_balance(item_code, warehouse))


def keep_holding_warehouse(doc, method=None):
	"""Warehouse validate: a rejected warehouse that holds nonconforming product stays one, and stays enabled."""
	if doc.is_new():
		return
	before = doc.get_doc_before_save()
	if not before or not before.is_rejected_warehouse:
		return
	if (doc.is_rejected_warehouse and not doc.disabled and not doc.is_group) or not holds_in(doc.name):
		return
	frappe.throw(
		_(
			"Warehouse {0} holds nonconforming product: it stays a rejected warehouse until their dispositions."
		).format(doc.name),
		HeldProductError,
		title=_("Held Product"),
	)


def refuse_merging_holding_warehouse(doc, method=None, old=None, new=None, merge=False):
	"""Warehouse before_rename: a warehouse that holds nonconforming product is not merged away."""
	if merge and holds_in(old or doc.name):
		frappe.throw(
			_("Warehouse {0} holds nonconforming product: it is not merged until their dispositions.").format(
				old or doc.name
			),
			HeldProductError,
			title=_("Held Product"),
		)
