"""Quality, on Stock Entry, Delivery Note, Sales Invoice and Pick List: product a nonconformance holds in a rejected
warehouse leaves it only by that nonconformance's disposition."""

import frappe
from frappe import _
from frappe.utils import flt

from medical_devices.gsp.batch_status import batch_label
from medical_devices.md_quality.doctype.device_nonconformance.device_nonconformance import held_quantity


def refuse_moving_held_stock(doc, method=None):
	"""validate of Stock Entry, Delivery Note, Sales Invoice and Pick List: product held by a nonconformance
	leaves its rejected warehouse only by that nonconformance's disposition (or the purchase return it made)."""
	if doc.doctype == "Stock Entry" and doc.get("md_device_nonconformance"):
		return
	if doc.get("is_return") and doc.doctype != "Stock Entry":
		return
	moved: dict[tuple, float] = {}
	for row in doc.get("items") or []:
		warehouse = row.get("s_warehouse") if doc.doctype == "Stock Entry" else row.get("warehouse")
		if not warehouse or not row.get("item_code"):
			continue
		key = (row.item_code, row.get("batch_no") or None, warehouse)
		moved[key] = moved.get(key, 0) + abs(flt(row.get("transfer_qty") or row.get("stock_qty") or row.qty))
	if not moved:
		return
	rejected = set(
		frappe.get_all(
			"Warehouse",
			filters={"name": ("in", list({key[2] for key in moved})), "is_rejected_warehouse": 1},
			pluck="name",
		)
	)
	from erpnext.stock.doctype.batch.batch import get_batch_qty
	from erpnext.stock.utils import get_stock_balance

	for (item_code, batch, warehouse), qty in moved.items():
		if warehouse not in rejected:
			continue
		held = held_quantity(item_code, batch, warehouse)
		if not held:
			continue
		in_stock = (
			flt(get_batch_qty(batch, warehouse, item_code))
			if batch
			else flt(get_stock_balance(item_code, warehouse))
		)
		if in_stock - qty < held - 1e-9:
			frappe.throw(
				_(
					"{0} of {1} in {2} is held by an open nonconformance: only its disposition moves it."
				).format(flt(held), frappe.bold(batch_label(batch) if batch else item_code), warehouse),
				frappe.ValidationError,
				title=_("Held Product"),
			)
