"""Loaner Set Utilisation: per set, in the period, how many loans it went on, how many days it was out (and that
share of the period), its average turnaround from loan to reprocessed, and what its returns billed or lost
(medical_devices/md_hospitals/loaner_sets.py)."""

import frappe
from frappe import _
from frappe.utils import flt, get_datetime, getdate, now_datetime

from medical_devices import access, inputs


def execute(filters=None):
	filters = frappe._dict(filters or {})
	filters.company = access.company(filters.company, "Loaner Set Loan", required=True)
	filters.from_date = inputs.date(filters.from_date, _("From Date"))
	filters.to_date = inputs.date(filters.to_date, _("To Date"))
	if filters.from_date > filters.to_date:
		inputs.refuse(_("From Date"), _("after the To Date"))
	filters.template = inputs.text(filters.template, _("Template"), required=False)
	return columns(), get_data(filters)


def columns() -> list[dict]:
	return [
		{
			"fieldname": "loaner_set",
			"label": _("Loaner Set"),
			"fieldtype": "Link",
			"options": "Loaner Set",
			"width": 140,
		},
		{
			"fieldname": "template",
			"label": _("Template"),
			"fieldtype": "Link",
			"options": "Loaner Set Template",
			"width": 160,
		},
		{"fieldname": "status", "label": _("Status"), "fieldtype": "Data", "width": 100},
		{"fieldname": "loans", "label": _("Times Loaned"), "fieldtype": "Int", "width": 70},
		{
			"fieldname": "days_out",
			"label": _("Days on Loan"),
			"fieldtype": "Float",
			"precision": 1,
			"width": 100,
		},
		{"fieldname": "utilisation", "label": _("Utilisation %"), "fieldtype": "Percent", "width": 100},
		{
			"fieldname": "turnaround_days",
			"label": _("Average Turnaround (Days)"),
			"fieldtype": "Float",
			"precision": 1,
			"width": 120,
		},
		{"fieldname": "implants_used", "label": _("Implants Used"), "fieldtype": "Float", "width": 100},
		{
			"fieldname": "instruments_missing",
			"label": _("Instruments Missing"),
			"fieldtype": "Float",
			"width": 120,
		},
	]


def get_data(filters) -> list[dict]:
	set_filters = {"company": filters.company}
	if filters.template:
		set_filters["template"] = filters.template
	sets = frappe.get_list(
		"Loaner Set",
		filters=set_filters,
		fields=["name", "template", "status"],
		order_by="name asc",
		limit_page_length=0,
	)
	if not sets:
		return []
	start = get_datetime(filters.from_date)
	end = min(get_datetime(f"{filters.to_date} 23:59:59"), now_datetime())
	period_days = max((end - start).total_seconds() / 86400, 1e-9)
	loans = frappe.get_all(
		"Loaner Set Loan",
		filters={
			"loaner_set": ("in", [row.name for row in sets]),
			"docstatus": 1,
			"loaned_on": ("<=", end),
		},
		fields=["name", "loaner_set", "loaned_on", "returned_on", "sterilised_on", "turnaround_days"],
	)
	counts = {
		row.parent: row
		for row in frappe.db.sql(
			"""select parent, sum(case when component = 'Implant' then used_qty else 0 end) as used,
				sum(case when component = 'Instrument' then missing_qty else 0 end) as missing
			from `tabLoaner Set Loan Item` where parent in %(loans)s group by parent""",
			{"loans": [loan.name for loan in loans] or [""]},
			as_dict=True,
		)
	}
	by_set: dict[str, dict] = {
		row.name: {
			"loaner_set": row.name,
			"template": row.template,
			"status": _(row.status, context="Loaner Set"),
			"loans": 0,
			"days_out": 0.0,
			"turnarounds": [],
			"implants_used": 0.0,
			"instruments_missing": 0.0,
		}
		for row in sets
	}
	for loan in loans:
		out, back = get_datetime(loan.loaned_on), get_datetime(loan.returned_on) if loan.returned_on else end
		overlap = (min(back, end) - max(out, start)).total_seconds() / 86400
		if overlap < 0 and back < start:
			continue
		entry = by_set[loan.loaner_set]
		entry["loans"] += 1
		entry["days_out"] += max(overlap, 0.0)
		if loan.sterilised_on:
			entry["turnarounds"].append(flt(loan.turnaround_days))
		if loan.name in counts:
			entry["implants_used"] += flt(counts[loan.name].used)
			entry["instruments_missing"] += flt(counts[loan.name].missing)
	data = []
	for entry in by_set.values():
		turnarounds = entry.pop("turnarounds")
		entry["days_out"] = flt(entry["days_out"], 1)
		entry["utilisation"] = flt(entry["days_out"] / period_days * 100, 1)
		entry["turnaround_days"] = flt(sum(turnarounds) / len(turnarounds), 1) if turnarounds else None
		data.append(entry)
	return data
