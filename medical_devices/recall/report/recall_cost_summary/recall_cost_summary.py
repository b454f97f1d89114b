"""What each recall cost, by category, item and batch. Costs that name no batch are spread over the recalled
batches by recalled quantity (shipped to customers plus still in our stock); replacement product is valued at
the cost its Stock Entry issued it at."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import flt

from medical_devices import access
from medical_devices.recall import costs
from medical_devices.recall.ledger import cost_lines, open_provision

LEVELS = ("Recall", "Category", "Item", "Batch")


def execute(filters=None):
	filters = frappe._dict(filters or {})
	if not filters.company:
		frappe.throw(_("Choose a company."))
	filters.company = access.company(filters.company)
	group_by = filters.group_by or "Batch"
	if group_by not in LEVELS:
		frappe.throw(_("Group By must be one of {0}.").format(", ".join(_(level) for level in LEVELS)))
	rows = cost_rows(filters)
	depth = LEVELS.index(group_by) + 1
	data = group_rows(rows, depth)
	return columns(depth), data, None, chart(rows), summary(rows, filters)


def cost_rows(filters) -> list[dict]:
	"""One row per recall, category, item and batch, amounts allocated."""
	entries = frappe.get_all(
		"Recall Cost Entry",
		filters=entry_filters(filters),
		fields=["name", "device_recall"],
		order_by="posting_date, name",
	)
	by_recall = defaultdict(list)
	for entry in entries:
		by_recall[entry.device_recall].append(entry.name)

	rows = []
	for recall, names in by_recall.items():
		for row in costs.allocate_costs(cost_lines(names), recalled_quantities(recall)):
			rows.append({"device_recall": recall, **row})
	return rows


def entry_filters(filters) -> dict:
	conditions = {"docstatus": 1, "company": filters.company, "entry_type": costs.ACTUAL_COST}
	if filters.device_recall:
		conditions["device_recall"] = filters.device_recall
	if filters.from_date and filters.to_date:
		conditions["posting_date"] = ["between", [filters.from_date, filters.to_date]]
	elif filters.from_date:
		conditions["posting_date"] = [">=", filters.from_date]
	elif filters.to_date:
		conditions["posting_date"] = ["<=", filters.to_date]
	return conditions


def recalled_quantities(recall: str) -> dict[tuple[str, str], float]:
	"""(item, batch) -> quantity shipped to customers plus quantity still in our stock, as last computed."""
	quantities: dict[tuple[str, str], float] = defaultdict(float)
	for table, field in (("Device Recall Customer", "delivered_qty"), ("Device Recall Stock", "qty")):
		for row in frappe.get_all(
			table,
			filters={"parent": recall, "parenttype": "Device Recall"},
			fields=["item_code", "batch", field + " as qty"],
		):
			if row.batch:
				quantities[(row.item_code, row.batch)] += flt(row.qty)
	return dict(quantities)


def group_rows(rows: list[dict], depth: int) -> list[dict]:
	keys = ("device_recall", "category", "item_code", "batch")[:depth]
	grouped: dict[tuple, dict] = {}
	for row in rows:
		key = tuple(row[k] for k in keys)
		target = grouped.setdefault(key, {**{k: row[k] for k in keys}, "amount": 0.0, "qty": 0.0})
		target["amount"] = costs.round_money(target["amount"] + row["amount"])
		target["qty"] = row["qty"]
	total = sum(row["amount"] for row in grouped.values()) or 1
	data = []
	for values in sorted(grouped.values(), key=lambda r: tuple(str(r[k]) for k in keys)):
		values["share"] = flt(values["amount"] / total * 100, 2)
		category = values.get("category")
		if category:
			values["category"] = _(category)
		if depth == len(LEVELS):
			values["batch_id"] = (
				frappe.db.get_value("Batch", values["batch"], "batch_id") if values["batch"] else ""
			)
			values["cost_per_unit"] = flt(values["amount"] / values["qty"], 2) if values["qty"] else None
		if depth >= 3 and values.get("item_code"):
			values["item_name"] = frappe.get_cached_value("Item", values["item_code"], "item_name")
		data.append(values)
	return data


def columns(depth: int) -> list[dict]:
	cols = [
		{
			"fieldname": "device_recall",
			"label": _("Device Recall"),
			"fieldtype": "Link",
			"options": "Device Recall",
			"width": 140,
		},
		{"fieldname": "category", "label": _("Category"), "fieldtype": "Data", "width": 170},
		{"fieldname": "item_code", "label": _("Item"), "fieldtype": "Link", "options": "Item", "width": 140},
		{"fieldname": "batch", "label": _("Batch"), "fieldtype": "Link", "options": "Batch", "width": 140},
	][:depth]
	if depth >= 3:
		cols.insert(3, {"fieldname": "item_name", "label": _("Item Name"), "fieldtype": "Data", "width": 160})
	if depth == len(LEVELS):
		cols += [
			{"fieldname": "batch_id", "label": _("Batch ID"), "fieldtype": "Data", "width": 120},
			{"fieldname": "qty", "label": _("Recalled Qty"), "fieldtype": "Float", "width": 110},
		]
	cols.append({"fieldname": "amount", "label": _("Cost"), "fieldtype": "Currency", "width": 130})
	if depth == len(LEVELS):
		cols.append(
			{
				"fieldname": "cost_per_unit",
				"label": _("Cost per Recalled Unit"),
				"fieldtype": "Currency",
				"width": 130,
			}
		)
	cols.append({"fieldname": "share", "label": _("Share %"), "fieldtype": "Percent", "width": 90})
	return cols


def chart(rows: list[dict]) -> dict | None:
	by_category: dict[str, float] = defaultdict(float)
	for row in rows:
		by_category[row["category"]] += row["amount"]
	if not by_category:
		return None
	labels = [category for category in costs.COST_CATEGORIES if by_category.get(category)]
	return {
		"data": {
			"labels": [_(label) for label in labels],
			"datasets": [
				{"name": _("Cost"), "values": [costs.round_money(by_category[label]) for label in labels]}
			],
		},
		"type": "bar",
		"fieldtype": "Currency",
	}


def summary(rows: list[dict], filters) -> list[dict]:
	total = costs.round_money(sum(row["amount"] for row in rows))
	replacement = costs.round_money(
		sum(row["amount"] for row in rows if row["category"] == costs.REPLACEMENT)
	)
	recalls = {row["device_recall"] for row in rows}
	if filters.device_recall:
		recalls.add(filters.device_recall)
	provisions = costs.round_money(sum(open_provision(recall, filters.company) for recall in recalls))
	return [
		{"value": total, "label": _("Total Recall Cost"), "datatype": "Currency", "indicator": "Red"},
		{
			"value": replacement,
			"label": _("Replacement Product at Cost"),
			"datatype": "Currency",
			"indicator": "Orange",
		},
		{"value": provisions, "label": _("Open Provisions"), "datatype": "Currency", "indicator": "Blue"},
		{"value": len(recalls), "label": _("Recalls"), "datatype": "Int", "indicator": "Grey"},
	]
