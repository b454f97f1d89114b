"""Consignment Stock: what stands at each hospital, per item and batch, with its value, how long the oldest of
those units has been there (first in, first out over the transfers in) and when it expires; and what the hospital
has reported used but is not billed yet (medical_devices/md_hospitals/consignment.py).

Without a hospital or item filter it shows one row per hospital, its units by age and by expiry: a company's every
batch at every hospital is hundreds of thousands of rows, which no one reads on a screen; choosing a hospital (or an
item) shows its batches, each with the age of its oldest unit, read from the ledger. The summary reads the figures
kept as the ledger moves (consignment_balance.py: a few rows per hospital and item, whatever the ledger's size);
its batches count those there now."""

import frappe
from frappe import _
from frappe.query_builder.functions import Sum
from frappe.utils import add_days, flt, getdate, today

from medical_devices import access, inputs
from medical_devices.md_hospitals import consignment, consignment_balance

AGEING = ((90, "0-90"), (180, "91-180"), (365, "181-365"))
OVER = "365+"


def execute(filters=None):
	filters = frappe._dict(filters or {})
	filters.company = access.company(filters.company, "Consignment Usage Report", required=True)
	filters.customer = inputs.text(filters.customer, _("Hospital"), required=False)
	filters.item_code = inputs.text(filters.item_code, _("Item"), required=False)
	within = inputs.number(filters.expiring_within, _("Expiring Within (Days)"), required=False)
	filters.expiring_within = None if within is None else int(within)
	if not filters.customer and not filters.item_code:
		return summary_columns(), summary(filters)
	return columns(), get_data(filters)


def columns() -> list[dict]:
	return [
		{
			"fieldname": "customer",
			"label": _("Hospital"),
			"fieldtype": "Link",
			"options": "Customer",
			"width": 180,
		},
		{
			"fieldname": "warehouse",
			"label": _("Consignment Warehouse"),
			"fieldtype": "Link",
			"options": "Warehouse",
			"width": 160,
		},
		{"fieldname": "item_code", "label": _("Item"), "fieldtype": "Link", "options": "Item", "width": 150},
		{"fieldname": "batch", "label": _("Batch"), "fieldtype": "Link", "options": "Batch", "width": 130},
		{"fieldname": "qty", "label": _("Quantity"), "fieldtype": "Float", "width": 90},
		{"fieldname": "used_qty", "label": _("Used, Not Billed"), "fieldtype": "Float", "width": 110},
		{"fieldname": "value", "label": _("Value"), "fieldtype": "Currency", "width": 110},
		{"fieldname": "arrived_on", "label": _("Oldest Arrival"), "fieldtype": "Date", "width": 110},
		{"fieldname": "age_days", "label": _("Days on Consignment"), "fieldtype": "Int", "width": 90},
		{"fieldname": "ageing", "label": _("Ageing Range"), "fieldtype": "Data", "width": 80},
		{"fieldname": "expiry_date", "label": _("Expiry Date"), "fieldtype": "Date", "width": 110},
		{"fieldname": "days_to_expiry", "label": _("Days to Expiry"), "fieldtype": "Int", "width": 100},
	]


def hospital_warehouses(filters) -> dict[str, str]:
	warehouse_filters = {
		"company": filters.company,
		consignment.WAREHOUSE_FIELD: ("is", "set"),
		"is_group": 0,
	}
	if filters.customer:
		warehouse_filters[consignment.WAREHOUSE_FIELD] = filters.customer
	return dict(
		frappe.get_all(
			"Warehouse", filters=warehouse_filters, fields=["name", consignment.WAREHOUSE_FIELD], as_list=True
		)
	)


def summary_columns() -> list[dict]:
	ranges = [label for _limit, label in AGEING] + [OVER]
	return [
		{
			"fieldname": "customer",
			"label": _("Hospital"),
			"fieldtype": "Link",
			"options": "Customer",
			"width": 200,
		},
		{
			"fieldname": "warehouse",
			"label": _("Consignment Warehouse"),
			"fieldtype": "Link",
			"options": "Warehouse",
			"width": 170,
		},
		{"fieldname": "batches", "label": _("Batches Held"), "fieldtype": "Int", "width": 80},
		{"fieldname": "qty", "label": _("Quantity"), "fieldtype": "Float", "width": 90},
		{"fieldname": "value", "label": _("Value"), "fieldtype": "Currency", "width": 120},
		*(
			{
				"fieldname": f"age_{index}",
				"label": _("{0} Days").format(label),
				"fieldtype": "Float",
				"width": 90,
			}
			for index, label in enumerate(ranges)
		),
		{"fieldname": "expiring", "label": _("Expiring in 90 Days"), "fieldtype": "Float", "width": 110},
		{"fieldname": "expired", "label": _("Expired"), "fieldtype": "Float", "width": 80},
		{"fieldname": "used_qty", "label": _("Used, Not Billed"), "fieldtype": "Float", "width": 110},
	]


def summary(filters) -> list[dict]:
	"""One row per hospital from the figures kept as the ledger moves (consignment_balance) and ERPNext's Bin: its
	units and value, by age, first in, first out per item at the hospital (as ERPNext's Stock Ageing ages a
	warehouse's stock: of what is there, the newest arrivals count first), and by expiry."""
	hospitals = hospital_warehouses(filters)
	if not hospitals:
		return []
	on_date = getdate(today())
	arrivals = consignment_balance.arrived_since(
		hospitals, {limit: add_days(on_date, -limit) for limit, _label in AGEING}
	)
	expiry = consignment_balance.by_expiry(hospitals, on_date, add_days(on_date, 90))
	used: dict[str, float] = {}
	for (warehouse, _item, _batch), qty in consignment.unbilled_use(list(hospitals)).items():
		used[warehouse] = used.get(warehouse, 0.0) + qty
	by_hospital: dict[str, dict] = {}
	for pool in consignment_balance.stock(hospitals):
		qty = flt(pool.qty)
		if qty <= 1e-9:
			continue
		warehouse = pool.warehouse
		kept = expiry.get(warehouse) or {}
		row = by_hospital.setdefault(
			warehouse,
			{
				"customer": hospitals[warehouse],
				"warehouse": warehouse,
				"batches": kept.get("batches") or 0,
				"qty": 0.0,
				"value": 0.0,
				**{f"age_{index}": 0.0 for index in range(len(AGEING) + 1)},
				"expiring": flt(kept.get("expiring")),
				"expired": flt(kept.get("expired")),
				"used_qty": used.get(warehouse, 0.0),
			},
		)
		row["qty"] += qty
		row["value"] = flt(row["value"] + flt(pool.value), 2)
		for index, units in enumerate(age_ranges(qty, arrivals.get((warehouse, pool.item_code)) or {})):
			row[f"age_{index}"] += units
	return sorted(by_hospital.values(), key=lambda row: row["customer"])


def age_ranges(on_hand: float, arrived: dict) -> list[float]:
	"""The units on hand per age range, first in, first out: `arrived` is {limit: units arrived within limit days}."""
	ranges, younger = [], 0.0
	for limit, _label in AGEING:
		within = max(younger, min(on_hand, flt(arrived.get(limit))))
		ranges.append(within - younger)
		younger = within
	ranges.append(on_hand - younger)
	return ranges


def get_data(filters) -> list[dict]:
	hospitals = hospital_warehouses(filters)
	if not hospitals:
		return []
	entry = frappe.qb.DocType("Serial and Batch Entry")
	bundle = frappe.qb.DocType("Serial and Batch Bundle")
	query = (
		frappe.qb.from_(entry)
		.join(bundle)
		.on(bundle.name == entry.parent)
		.select(
			entry.warehouse,
			bundle.item_code,
			entry.batch_no,
			bundle.posting_date,
			Sum(entry.qty).as_("qty"),
			Sum(entry.stock_value_difference).as_("value"),
		)
		.where(entry.warehouse.isin(list(hospitals)))
		.where(bundle.docstatus == 1)
		.where(bundle.is_cancelled == 0)
		.groupby(entry.warehouse, bundle.item_code, entry.batch_no, bundle.posting_date)
	)
	if filters.item_code:
		query = query.where(bundle.item_code == filters.item_code)
	movements: dict[tuple, list] = {}
	for row in query.run(as_dict=True):
		movements.setdefault((row.warehouse, row.item_code, row.batch_no), []).append(row)
	expiry = batch_expiry({key[2] for key in movements if key[2]})
	used = consignment.unbilled_use({key[0] for key in movements})
	on_date = getdate(today())
	data = []
	for (warehouse, item_code, batch), rows in movements.items():
		qty = sum(flt(row.qty) for row in rows)
		if qty <= 1e-9:
			continue
		expires = expiry.get(batch)
		days_to_expiry = (getdate(expires) - on_date).days if expires else None
		if filters.expiring_within is not None and (
			days_to_expiry is None or days_to_expiry > filters.expiring_within
		):
			continue
		arrived = oldest_arrival(rows, qty)
		age = (on_date - getdate(arrived)).days if arrived else None
		data.append(
			{
				"customer": hospitals[warehouse],
				"warehouse": warehouse,
				"item_code": item_code,
				"batch": batch,
				"qty": qty,
				"used_qty": used.get((warehouse, item_code, batch), 0.0),
				"value": flt(sum(flt(row.value) for row in rows), 2),
				"arrived_on": arrived,
				"age_days": age,
				"ageing": ageing_bucket(age),
				"expiry_date": expires,
				"days_to_expiry": days_to_expiry,
			}
		)
	data.sort(
		key=lambda row: (row["customer"], row["item_code"], row["expiry_date"] or getdate("9999-12-31"))
	)
	return data


def oldest_arrival(rows, on_hand: float):
	"""The day the oldest unit still on hand arrived: first in, first out, the newest arrivals make up the
	balance first."""
	remaining = on_hand
	for row in sorted(
		(row for row in rows if flt(row.qty) > 0), key=lambda row: row.posting_date, reverse=True
	):
		remaining -= flt(row.qty)
		if remaining <= 1e-9:
			return row.posting_date
	return min((row.posting_date for row in rows), default=None)


def ageing_bucket(age: int | None) -> str | None:
	if age is None:
		return None
	for limit, label in AGEING:
		if age <= limit:
			return label
	return OVER


def batch_expiry(batches) -> dict:
	if not batches:
		return {}
	return dict(
		frappe.get_all(
			"Batch", filters={"name": ("in", list(batches))}, fields=["name", "expiry_date"], as_list=True
		)
	)
