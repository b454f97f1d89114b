"""Product Line Margin: for a period, revenue less cost of goods sold, quality costs, write-offs and recall costs,
by item group, device class or item."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import flt, getdate

from medical_devices import access
from medical_devices.md_finance.batch_costs import SALES_VOUCHERS, allocated_recall_costs
from medical_devices.md_finance.figures import COPQ_PARTS, batch_ledger_costs, cost_of_poor_quality
from medical_devices.md_finance.report.batch_cost.batch_cost import copq_columns

GROUPINGS = {"Item Group": "item_group", "Device Class": "device_class", "Item": "item_code"}
AMOUNTS = ("revenue", "cost_of_goods_sold", "quality_costs", *COPQ_PARTS, "write_offs", "recall_costs")
UNALLOCATED = "Unallocated"


def execute(filters=None):
	filters = frappe._dict(filters or {})
	if not (filters.company and filters.from_date and filters.to_date):
		frappe.throw(_("Choose a company and a period."))
	filters.company = access.company(filters.company)
	if getdate(filters.from_date) > getdate(filters.to_date):
		frappe.throw(_("From Date must be before To Date."))
	group_by = filters.group_by or "Item Group"
	if group_by not in GROUPINGS:
		frappe.throw(_("Group By must be one of {0}.").format(", ".join(_(g) for g in GROUPINGS)))
	per_item = item_amounts(filters.company, getdate(filters.from_date), getdate(filters.to_date))
	data = group_lines(per_item, GROUPINGS[group_by], filters.company)
	return get_columns(group_by), data, None, get_chart(data), get_summary(data, filters.company)


def item_amounts(company: str, from_date, to_date) -> dict[str, dict]:
	"""Item -> the five amounts of the period (an empty item code holds recall costs no batch or item carries)."""
	amounts: dict[str, dict] = defaultdict(lambda: dict.fromkeys(AMOUNTS, 0.0))
	params = {"company": company, "from_date": from_date, "to_date": to_date, "sales": SALES_VOUCHERS}
	for item_code, revenue in frappe.db.sql(
		"""select item.item_code, sum(item.base_net_amount) from `tabSales Invoice Item` item
		join `tabSales Invoice` invoice on invoice.name = item.parent
		where invoice.docstatus = 1 and invoice.company = %(company)s
		and invoice.posting_date between %(from_date)s and %(to_date)s group by item.item_code""",
		params,
	):
		amounts[item_code]["revenue"] += flt(revenue)
	for item_code, cogs in frappe.db.sql(
		"""select item_code, -sum(stock_value_difference) from `tabStock Ledger Entry`
		where company = %(company)s and is_cancelled = 0 and voucher_type in %(sales)s
		and posting_date between %(from_date)s and %(to_date)s group by item_code""",
		params,
	):
		amounts[item_code]["cost_of_goods_sold"] += flt(cogs)
	posted = batch_ledger_costs(company, from_date, to_date)
	item_of = dict(
		frappe.get_all(
			"Batch", filters={"name": ["in", list(posted) or [""]]}, fields=["name", "item"], as_list=True
		)
	)
	for batch, values in posted.items():
		item_code = item_of.get(batch, "")
		amounts[item_code]["quality_costs"] += values["quality"]
		amounts[item_code]["write_offs"] += values["write_off"]
	for batch, parts in cost_of_poor_quality(company, from_date, to_date).items():
		for part, amount in parts.items():
			amounts[item_of.get(batch, "")][part] += amount
	for row in allocated_recall_costs(company, from_date, to_date):
		amounts[row["item_code"] or ""]["recall_costs"] += flt(row["amount"])
	return dict(amounts)


def group_lines(per_item: dict[str, dict], key: str, company: str) -> list[dict]:
	items = {
		row.name: row
		for row in frappe.get_all(
			"Item",
			filters={"name": ["in", [code for code in per_item if code] or [""]]},
			fields=["name", "item_name", "item_group", "md_device_class as device_class"],
		)
	}
	currency = frappe.get_cached_value("Company", company, "default_currency")
	grouped: dict[str, dict] = {}
	for item_code, values in per_item.items():
		item = items.get(item_code)
		if not item:
			label = UNALLOCATED
		elif key == "item_code":
			label = item_code
		else:
			label = item.get(key) or ""
		line = grouped.setdefault(
			label, {"group": label, **dict.fromkeys(AMOUNTS, 0.0), "currency": currency}
		)
		if key == "item_code" and item:
			line["item_name"] = item.item_name
		for amount in AMOUNTS:
			line[amount] += values[amount]
	data = []
	for label in sorted(grouped, key=lambda g: (g == UNALLOCATED, g == "", g)):
		line = grouped[label]
		for amount in AMOUNTS:
			line[amount] = flt(line[amount], 2)
		line["gross_margin"] = flt(line["revenue"] - line["cost_of_goods_sold"], 2)
		line["margin"] = flt(
			line["gross_margin"] - line["quality_costs"] - line["write_offs"] - line["recall_costs"], 2
		)
		line["margin_percent"] = flt(line["margin"] / line["revenue"] * 100, 2) if line["revenue"] else None
		line["group_label"] = display_label(label, key)
		data.append(line)
	return data


def display_label(label: str, key: str) -> str:
	if label == UNALLOCATED:
		return _("Recall costs of no item")
	if not label:
		return _("Not a Medical Device") if key == "device_class" else _("Not Set")
	return _(label) if key == "device_class" else label


def get_columns(group_by: str):
	currency = {"fieldtype": "Currency", "options": "currency", "width": 130}
	columns = [{"fieldname": "group_label", "label": _(group_by), "fieldtype": "Data", "width": 180}]
	if group_by == "Item":
		columns[0] = {
			"fieldname": "group",
			"label": _("Item"),
			"fieldtype": "Link",
			"options": "Item",
			"width": 140,
		}
		columns.append({"fieldname": "item_name", "label": _("Item Name"), "fieldtype": "Data", "width": 160})
	return [
		*columns,
		{**currency, "fieldname": "revenue", "label": _("Revenue")},
		{**currency, "fieldname": "cost_of_goods_sold", "label": _("Cost of Goods Sold")},
		{**currency, "fieldname": "gross_margin", "label": _("Gross Margin")},
		{**currency, "fieldname": "quality_costs", "label": _("Quality Costs")},
		*copq_columns(currency),
		{**currency, "fieldname": "write_offs", "label": _("Write-Offs")},
		{**currency, "fieldname": "recall_costs", "label": _("Recall Costs")},
		{**currency, "fieldname": "margin", "label": _("Margin after Quality and Recalls")},
		{"fieldname": "margin_percent", "label": _("Margin (%)"), "fieldtype": "Percent", "width": 100},
	]


def get_chart(data):
	lines = [line for line in data if line["revenue"] or line["margin"]][:12]
	return {
		"data": {
			"labels": [line["group_label"] for line in lines],
			"datasets": [
				{"name": _("Revenue"), "values": [line["revenue"] for line in lines]},
				{"name": _("Margin after Quality and Recalls"), "values": [line["margin"] for line in lines]},
			],
		},
		"type": "bar",
		"fieldtype": "Currency",
	}


def get_summary(data, company):
	currency = frappe.get_cached_value("Company", company, "default_currency")
	revenue = sum(line["revenue"] for line in data)
	margin = sum(line["margin"] for line in data)
	return [
		{"value": flt(revenue, 2), "label": _("Revenue"), "datatype": "Currency", "currency": currency},
		{
			"value": flt(sum(line["gross_margin"] for line in data), 2),
			"label": _("Gross Margin"),
			"datatype": "Currency",
			"currency": currency,
		},
		{
			"value": flt(margin, 2),
			"label": _("Margin after Quality and Recalls"),
			"datatype": "Currency",
			"currency": currency,
			"indicator": "green" if margin >= 0 else "red",
		},
		{
			"value": flt(margin / revenue * 100, 2) if revenue else 0,
			"label": _("Margin (%)"),
			"datatype": "Percent",
		},
	]
