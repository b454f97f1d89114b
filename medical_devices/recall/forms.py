"""The figures the four NMPA recall forms print (CFDA Order 29), gathered once per rendering:
products with their registration certificates and UDI-DIs, batches with produced, shipped, returned and held
quantities, consignees notified, recovery, and the recall's costs by category."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import flt, format_datetime

from medical_devices.recall import costs
from medical_devices.recall.ledger import cost_lines
from medical_devices.traceability.engine import movement_kind, movements

PRODUCED_KINDS = ("Production", "Goods Receipt")


def recall_form_data(doc) -> dict:
	"""Jinja method for the recall print formats: `recall_form_data(doc)`."""
	scope = scope_batches(doc)
	produced = produced_quantities(list(scope))
	shipped = defaultdict(lambda: {"delivered": 0.0, "returned": 0.0, "held": 0.0})
	for row in doc.customers:
		shipped[row.batch]["delivered"] += flt(row.delivered_qty)
		shipped[row.batch]["returned"] += flt(row.returned_qty)
		shipped[row.batch]["held"] += flt(row.held_qty)
	in_stock = defaultdict(float)
	for row in doc.stock:
		in_stock[row.batch] += flt(row.qty)

	products = {}
	for batch, item_code in scope.items():
		product = products.get(item_code) or product_data(item_code, doc.company)
		products[item_code] = product
		info = frappe.db.get_value(
			"Batch", batch, ["batch_id", "manufacturing_date", "expiry_date"], as_dict=True
		)
		product["batches"].append(
			{
				"batch_id": info.batch_id,
				"manufacturing_date": info.manufacturing_date,
				"expiry_date": info.expiry_date,
				"produced_qty": produced.get(batch, 0.0),
				"in_stock": in_stock.get(batch, 0.0),
				**shipped[batch],
			}
		)
	for product in products.values():
		product["batches"].sort(key=lambda row: row["batch_id"])
		product["produced_qty"] = sum(row["produced_qty"] for row in product["batches"])
		product["delivered"] = sum(row["delivered"] for row in product["batches"])

	consignees = {row.customer for row in doc.customers if flt(row.delivered_qty) > 0}
	notified_rows = [row for row in doc.customers if row.notified_on]
	notified = {row.customer for row in notified_rows}
	times = sorted(row.notified_on for row in notified_rows)
	return {
		"company": doc.company,
		"products": list(products.values()),
		"regions": doc.regions or customer_regions([row.customer for row in doc.customers]),
		"consignees": len(consignees),
		"notified": len(notified),
		"waiting": sorted(consignees - notified),
		"first_notice": format_datetime(times[0]) if times else "",
		"last_notice": format_datetime(times[-1]) if times else "",
		"notice_methods": notice_methods(doc),
		"to_recall": flt(doc.total_shipped),
		"recovered": flt(doc.total_returned),
		"outstanding": flt(doc.total_shipped) - flt(doc.total_returned),
		"costs": cost_by_category(doc.name),
	}


def scope_batches(doc) -> dict[str, str]:
	"""Batch -> item for the listed batches first, then every batch the trace added, in that order."""
	scope = {row.batch: row.item_code for row in doc.batches}
	for table in ("customers", "stock"):
		for row in doc.get(table):
			scope.setdefault(row.batch, row.item_code)
	return scope


def produced_quantities(batches: list[str]) -> dict[str, float]:
	"""What was made or received of each batch: its whole size, sold and unsold, as the recall form asks."""
	produced = defaultdict(float)
	if batches:
		for row in movements(batches=batches):
			if movement_kind(row) in PRODUCED_KINDS:
				produced[row.batch_no] += flt(row.qty)
	return produced


def product_data(item_code: str, company: str) -> dict:
	item = frappe.get_cached_value(
		"Item", item_code, ["item_name", "description", "md_default_di", "md_model"], as_dict=True
	)
	certificate = item_certificate(item_code)
	di = (
		frappe.db.get_value("UDI Device Identifier", item.md_default_di, "di") if item.md_default_di else None
	)
	return {
		"item_code": item_code,
		"item_name": item.item_name,
		# 型号规格: the device's own specification, else the models its certificate covers; never the item code
		"models": item.md_model or (certificate or {}).get("models") or "",
		"certificate_number": (certificate or {}).get("certificate_number") or "",
		"device_class": (certificate or {}).get("device_class") or "",
		"manufacturer": (certificate or {}).get("holder") or company,
		"di": di or "",
		"batches": [],
	}


def item_certificate(item_code: str) -> dict | None:
	parent = frappe.db.get_value(
		"Registration Certificate Item",
		{"item": item_code, "parenttype": "Registration Certificate"},
		"parent",
	)
	if not parent:
		return None
	return frappe.db.get_value(
		"Registration Certificate",
		parent,
		["certificate_number", "holder", "models", "device_class"],
		as_dict=True,
	)


def customer_regions(customers: list[str]) -> str:
	"""Provinces (else cities, else countries) of the customers' primary addresses, "、"-joined as in the forms."""
	regions = []
	for customer in dict.fromkeys(customers):
		address = frappe.db.get_value("Customer", customer, "customer_primary_address")
		if not address:
			continue
		place = frappe.db.get_value("Address", address, ["state", "city", "country"], as_dict=True)
		region = place and (place.state or place.city or place.country)
		if region and region not in regions:
			regions.append(region)
	return "、".join(regions)


def notice_methods(doc) -> str:
	methods = []
	if any(row.notified_on and row.contact_email for row in doc.customers):
		methods.append(_("E-mail", "zh"))
	methods.append(_("Printed letter", "zh"))
	return "、".join(methods)


def cost_by_category(recall: str) -> list[dict]:
	entries = frappe.get_all(
		"Recall Cost Entry",
		filters={"device_recall": recall, "docstatus": 1, "entry_type": costs.ACTUAL_COST},
		pluck="name",
	)
	totals = defaultdict(float)
	for row in cost_lines(entries):
		totals[row["category"]] += flt(row["amount"])
	return [
		{"category": category, "amount": costs.round_money(totals[category])}
		for category in costs.COST_CATEGORIES
		if totals.get(category)
	]
