"""Expiry Risk: device stock by item, batch, warehouse and expiry bucket, with the value at risk."""

import frappe
from frappe import _
from frappe.query_builder.functions import Sum
from frappe.utils import flt, getdate

from medical_devices import access
from medical_devices.gsp import rules
from medical_devices.gsp.batch_status import status_label
from medical_devices.medical_devices.doctype.medical_device_settings.medical_device_settings import (
	alert_windows,
)


def execute(filters=None):
	filters = frappe._dict(filters or {})
	if filters.company:
		access.company(filters.company, "Batch")
	elif access.allowed_companies() is not None:  # only the companies the user's User Permissions allow
		filters.companies = sorted(access.allowed_companies())
	on_date = getdate(filters.as_on_date)
	windows = alert_windows()
	data = get_data(filters, on_date, windows)
	return get_columns(), data, None, get_chart(data, windows), get_summary(data, windows)


def get_columns():
	return [
		{"fieldname": "item_code", "label": _("Item"), "fieldtype": "Link", "options": "Item", "width": 140},
		{"fieldname": "item_name", "label": _("Item Name"), "fieldtype": "Data", "width": 160},
		{"fieldname": "device_class", "label": _("Device Class"), "fieldtype": "Data", "width": 90},
		{"fieldname": "batch", "label": _("Batch"), "fieldtype": "Link", "options": "Batch", "width": 140},
		{"fieldname": "batch_status", "label": _("Batch Status"), "fieldtype": "Data", "width": 100},
		{
			"fieldname": "warehouse",
			"label": _("Warehouse"),
			"fieldtype": "Link",
			"options": "Warehouse",
			"width": 160,
		},
		{"fieldname": "expiry_date", "label": _("Expiry Date"), "fieldtype": "Date", "width": 100},
		# Data, not Int: the report's total row would add up the days
		{
			"fieldname": "days_left",
			"label": _("Days Left"),
			"fieldtype": "Data",
			"width": 80,
			"align": "right",
		},
		{"fieldname": "bucket", "label": _("Expiry Bucket"), "fieldtype": "Data", "width": 100},
		{"fieldname": "qty", "label": _("Qty"), "fieldtype": "Float", "width": 90},
		{"fieldname": "stock_uom", "label": _("UOM"), "fieldtype": "Link", "options": "UOM", "width": 70},
		{"fieldname": "value", "label": _("Value at Risk"), "fieldtype": "Currency", "width": 130},
	]


def get_data(filters, on_date, windows) -> list[dict]:
	entry = frappe.qb.DocType("Serial and Batch Entry")
	bundle = frappe.qb.DocType("Serial and Batch Bundle")
	batch = frappe.qb.DocType("Batch")
	item = frappe.qb.DocType("Item")
	warehouse = frappe.qb.DocType("Warehouse")
	query = (
		frappe.qb.from_(entry)
		.join(bundle)
		.on(bundle.name == entry.parent)
		.join(batch)
		.on(batch.name == entry.batch_no)
		.join(item)
		.on(item.name == batch.item)
		.join(warehouse)
		.on(warehouse.name == entry.warehouse)
		.select(
			batch.item.as_("item_code"),
			item.item_name,
			item.md_device_class.as_("device_class"),
			item.stock_uom,
			entry.batch_no.as_("batch"),
			batch.batch_id,
			batch.md_batch_status.as_("batch_status"),
			batch.use_batchwise_valuation,
			entry.warehouse,
			batch.expiry_date,
			Sum(entry.qty).as_("qty"),
			Sum(entry.stock_value_difference).as_("batch_value"),
		)
		.where(bundle.docstatus == 1)
		.where(bundle.is_cancelled == 0)
		.where(bundle.posting_date <= on_date)
		.where(item.md_is_medical_device == 1)
		.groupby(entry.batch_no, entry.warehouse)
		.having(Sum(entry.qty) > 0)
	)
	if filters.get("companies"):
		query = query.where(warehouse.company.isin(filters.companies))
	for field, column in (
		("company", warehouse.company),
		("warehouse", entry.warehouse),
		("item_code", batch.item),
	):
		if filters.get(field):
			query = query.where(column == filters.get(field))
	rows = query.run(as_dict=True)

	rates = bin_rates({(row.item_code, row.warehouse) for row in rows if not row.use_batchwise_valuation})
	data = []
	for row in rows:
		days_left = rules.remaining_shelf_life(getdate(row.expiry_date), on_date) if row.expiry_date else None
		bucket = rules.expiry_bucket(days_left, windows)
		if filters.only_at_risk and (days_left is None or (windows and days_left > max(windows))):
			continue
		if filters.bucket and bucket != filters.bucket:
			continue
		value = (
			row.batch_value
			if row.use_batchwise_valuation
			else row.qty * rates.get((row.item_code, row.warehouse), 0)
		)
		data.append(
			{
				"item_code": row.item_code,
				"item_name": row.item_name,
				"device_class": _(row.device_class) if row.device_class else "",
				"batch": row.batch,
				"batch_status": status_label(row.batch_status),
				"warehouse": row.warehouse,
				"expiry_date": row.expiry_date,
				"days_left": days_left,
				"bucket": _(bucket) if bucket in ("Expired", "No Expiry", "Valid") else bucket,
				"bucket_key": bucket,
				"qty": flt(row.qty),
				"stock_uom": row.stock_uom,
				"value": flt(value, 2),
			}
		)
	data.sort(
		key=lambda d: (d["days_left"] if d["days_left"] is not None else 10**9, d["item_code"], d["batch"])
	)
	return data


def bin_rates(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], float]:
	if not pairs:
		return {}
	items = {item for item, _warehouse in pairs}
	return {
		(row.item_code, row.warehouse): flt(row.valuation_rate)
		for row in frappe.get_all(
			"Bin",
			filters={"item_code": ("in", list(items))},
			fields=["item_code", "warehouse", "valuation_rate"],
		)
	}


def bucket_order(windows) -> list[str]:
	ordered = ["Expired"]
	lower = 0
	for window in sorted(windows):
		ordered.append(f"{lower}-{window}")
		lower = window + 1
	if windows:
		ordered.append(f"> {max(windows)}")
	return [*ordered, "No Expiry"]


def totals_by_bucket(data, windows) -> dict[str, float]:
	totals = dict.fromkeys(bucket_order(windows), 0.0)
	for row in data:
		totals[row["bucket_key"]] = totals.get(row["bucket_key"], 0.0) + row["value"]
	return totals


def get_chart(data, windows):
	totals = {k: v for k, v in totals_by_bucket(data, windows).items() if v}
	if not totals:
		return None
	return {
		"data": {
			"labels": [_(k) if k in ("Expired", "No Expiry") else k for k in totals],
			"datasets": [{"name": _("Value at Risk"), "values": list(totals.values())}],
		},
		"type": "bar",
		"fieldtype": "Currency",
	}


def get_summary(data, windows):
	totals = totals_by_bucket(data, windows)
	summary = [
		{
			"value": totals.get("Expired", 0.0),
			"label": _("Expired Stock Value"),
			"datatype": "Currency",
			"indicator": "Red",
		}
	]
	for window in sorted(windows):
		at_risk = sum(
			row["value"] for row in data if row["days_left"] is not None and 0 <= row["days_left"] <= window
		)
		summary.append(
			{
				"value": at_risk,
				"label": _("Expiring within {0} Days").format(window),
				"datatype": "Currency",
				"indicator": "Orange" if window == min(windows) else "Blue",
			}
		)
	return summary
