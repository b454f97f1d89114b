"""Batch Cost: what each device batch cost, from purchase or production to write-off and recall."""

import frappe
from frappe import _
from frappe.utils import flt, getdate, today

from medical_devices import access
from medical_devices.md_finance.batch_costs import batch_costs
from medical_devices.md_finance.figures import COPQ_PARTS, cost_of_poor_quality

COST_COLUMNS = ("acquisition_cost", "quality_costs", "write_offs", "recall_costs", "total_cost")


def execute(filters=None):
	filters = frappe._dict(filters or {})
	if not filters.company:
		frappe.throw(_("Choose a company."))
	filters.company = access.company(filters.company)
	to_date = getdate(filters.to_date or today())
	data = get_data(filters, to_date)
	return get_columns(), data, None, None, get_summary(data, filters.company)


def get_data(filters, to_date) -> list[dict]:
	batches = selected_batches(filters)
	if batches == []:
		return []
	costs = batch_costs(filters.company, to_date, batches)
	if not costs:
		return []
	copq = cost_of_poor_quality(filters.company, None, to_date, list(costs))
	batch = frappe.qb.DocType("Batch")
	item = frappe.qb.DocType("Item")
	details = {
		row.name: row
		for row in frappe.qb.from_(batch)
		.join(item)
		.on(item.name == batch.item)
		.select(
			batch.name,
			batch.batch_id,
			batch.item.as_("item_code"),
			item.item_name,
			item.item_group,
			item.md_device_class.as_("device_class"),
			batch.expiry_date,
		)
		.where(batch.name.isin(list(costs)))
		.run(as_dict=True)
	}
	currency = frappe.get_cached_value("Company", filters.company, "default_currency")
	data = []
	for name, cost in costs.items():
		detail = details.get(name)
		if not detail:
			continue
		extra = cost["quality_costs"] + cost["write_offs"] + cost["recall_costs"]
		data.append(
			{
				"batch": name,
				"batch_id": detail.batch_id,
				"item_code": detail.item_code,
				"item_name": detail.item_name,
				"item_group": detail.item_group,
				"device_class": _(detail.device_class) if detail.device_class else "",
				"expiry_date": detail.expiry_date,
				**cost,
				**{part: copq.get(name, {}).get(part, 0.0) for part in COPQ_PARTS},
				"currency": currency,
				"cost_of_failure": flt(extra / cost["total_cost"] * 100, 2) if cost["total_cost"] else None,
			}
		)
	data.sort(key=lambda row: (row["item_code"], row["batch_id"] or row["batch"]))
	return data


def selected_batches(filters) -> list[str] | None:
	"""The batches the filters name, or None for every batch of the company."""
	if filters.batch:
		return [filters.batch]
	if not (filters.item_code or filters.item_group or filters.device_class):
		return None
	item_filters = {}
	if filters.item_code:
		item_filters["name"] = filters.item_code
	if filters.item_group:
		from frappe.utils.nestedset import get_descendants_of

		item_filters["item_group"] = [
			"in",
			[filters.item_group, *get_descendants_of("Item Group", filters.item_group)],
		]
	if filters.device_class:
		item_filters["md_device_class"] = filters.device_class
	items = frappe.get_all("Item", filters=item_filters, pluck="name")
	if not items:
		return []
	return frappe.get_all("Batch", filters={"item": ["in", items]}, pluck="name")


def get_columns():
	currency = {"fieldtype": "Currency", "options": "currency", "width": 130}
	return [
		{"fieldname": "batch", "label": _("Batch"), "fieldtype": "Link", "options": "Batch", "width": 140},
		{"fieldname": "batch_id", "label": _("Batch No"), "fieldtype": "Data", "width": 110},
		{"fieldname": "item_code", "label": _("Item"), "fieldtype": "Link", "options": "Item", "width": 130},
		{
			"fieldname": "item_name",
			"label": _("Item Name", context="Batch"),
			"fieldtype": "Data",
			"width": 150,
		},
		{
			"fieldname": "item_group",
			"label": _("Item Group"),
			"fieldtype": "Link",
			"options": "Item Group",
			"width": 110,
		},
		{"fieldname": "device_class", "label": _("Device Class"), "fieldtype": "Data", "width": 90},
		{
			"fieldname": "expiry_date",
			"label": _("Expiry Date", context="Batch"),
			"fieldtype": "Date",
			"width": 100,
		},
		{"fieldname": "received_qty", "label": _("Received Qty"), "fieldtype": "Float", "width": 100},
		{**currency, "fieldname": "acquisition_cost", "label": _("Purchase or Production Cost")},
		{**currency, "fieldname": "unit_cost", "label": _("Unit Cost")},
		{**currency, "fieldname": "quality_costs", "label": _("Quality Costs")},
		*copq_columns(currency),
		{**currency, "fieldname": "write_offs", "label": _("Write-Offs")},
		{**currency, "fieldname": "recall_costs", "label": _("Recall Costs")},
		{**currency, "fieldname": "total_cost", "label": _("Total Cost")},
		{**currency, "fieldname": "total_unit_cost", "label": _("Total Cost per Unit")},
		{
			"fieldname": "cost_of_failure",
			"label": _("Quality, Write-Off and Recall Share (%)"),
			"fieldtype": "Percent",
			"width": 120,
		},
	]


def copq_columns(currency: dict) -> list[dict]:
	"""The parts of the quality cost (md_finance/figures.py), for Batch Cost and Product Line Margin alike."""
	labels = {
		"complaints": _("Complaint Handling"),
		"nonconformances": _("Nonconformances"),
		"capa": _("CAPA"),
		"supplier_returns": _("Supplier Returns"),
		"other_quality": _("Other Quality Costs"),
	}
	return [{**currency, "fieldname": part, "label": labels[part]} for part in COPQ_PARTS]


def get_summary(data, company):
	currency = frappe.get_cached_value("Company", company, "default_currency")
	summary = []
	for fieldname, label, indicator in (
		("acquisition_cost", _("Purchase or Production Cost"), "blue"),
		("quality_costs", _("Quality Costs"), "orange"),
		("write_offs", _("Write-Offs"), "orange"),
		("recall_costs", _("Recall Costs"), "red"),
		("total_cost", _("Total Cost"), "blue"),
	):
		summary.append(
			{
				"value": flt(sum(row[fieldname] for row in data), 2),
				"label": label,
				"datatype": "Currency",
				"currency": currency,
				"indicator": indicator,
			}
		)
	return summary
