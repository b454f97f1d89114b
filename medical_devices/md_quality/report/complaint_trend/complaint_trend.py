"""Complaint Trend: complaints per million units shipped, by product, batch or failure mode, over a period, with
the groups above the alert rate marked (ISO 13485 §8.4 analysis of data; the trend an inspector asks for)."""

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Count, Sum
from frappe.utils import flt, getdate

from medical_devices import access, inputs
from medical_devices.md_quality.doctype.device_complaint.device_complaint import DELIVERIES

GROUPS = {"Item": "item_code", "Batch": "batch", "Failure Mode": "failure_mode"}
PER = 1_000_000


def execute(filters=None):
	filters = frappe._dict(filters or {})
	filters.company = access.company(filters.company, "Device Complaint", required=True)
	filters.from_date = inputs.date(filters.from_date, _("From Date"))
	filters.to_date = inputs.date(filters.to_date, _("To Date"))
	filters.group_by = inputs.choice(filters.group_by or "Item", _("Group By"), GROUPS)
	filters.alert_ppm = inputs.number(filters.alert_ppm, _("Alert Above (per Million)"), required=False) or 0
	data = trend(filters)
	return columns(filters), data, None, chart(data, filters)


def trend(filters) -> list[dict]:
	field = GROUPS[filters.group_by]
	complaints = complaint_counts(filters, field)
	shipped = shipped_units(filters, field)
	all_units = sum(shipped.values())
	rows = []
	for key, counted in complaints.items():
		units = all_units if field == "failure_mode" else shipped.get(key, 0.0)
		rate = flt(counted.complaints * PER / units, 1) if units else None
		rows.append(
			{
				"group": key or _("Not Given"),
				"complaints": counted.complaints,
				"reportable": counted.reportable,
				"units_shipped": units,
				"per_million": rate,
				"above_alert": int(bool(filters.alert_ppm and (rate is None or rate > filters.alert_ppm))),
			}
		)
	return sorted(rows, key=lambda row: (-(row["per_million"] or float("inf")), str(row["group"])))


def complaint_counts(filters, field: str) -> dict:
	complaint = frappe.qb.DocType("Device Complaint")
	query = (
		frappe.qb.from_(complaint)
		.select(
			complaint[field].as_("key"),
			Count(complaint.name).as_("complaints"),
			Sum(Case().when(complaint.reportability == "Reportable", 1).else_(0)).as_("reportable"),
		)
		.where(complaint.company == filters.company)
		.where(complaint.received_on >= filters.from_date)
		.where(complaint.received_on < frappe.utils.add_days(filters.to_date, 1))
		.groupby(complaint[field])
	)
	if filters.item_code:
		query = query.where(complaint.item_code == filters.item_code)
	return {row.key: row for row in query.run(as_dict=True)}


def shipped_units(filters, field: str) -> dict:
	"""Units delivered to customers (net of their returns) in the period, by item or batch."""
	if field == "batch":
		entry = frappe.qb.DocType("Serial and Batch Entry")
		bundle = frappe.qb.DocType("Serial and Batch Bundle")
		query = (
			frappe.qb.from_(entry)
			.join(bundle)
			.on(bundle.name == entry.parent)
			.select(entry.batch_no.as_("key"), (Sum(entry.qty) * -1).as_("units"))
			.where(bundle.docstatus == 1)
			.where(bundle.is_cancelled == 0)
			.where(bundle.company == filters.company)
			.where(bundle.voucher_type.isin(DELIVERIES))
			.where(bundle.posting_date.between(filters.from_date, filters.to_date))
			.groupby(entry.batch_no)
		)
		if filters.item_code:
			query = query.where(bundle.item_code == filters.item_code)
	else:
		# A period is most of a busy ledger: read it in one sequential pass rather than row by row through an index
		# (a million rows: 1.9 s against 64 s when the table is larger than the buffer pool, docs/performance.md).
		rows = frappe.db.sql(
			f"""select item_code as `key`, -sum(actual_qty) as units
			from `tabStock Ledger Entry` use index ()
			where is_cancelled = 0 and company = %(company)s and voucher_type in %(vouchers)s
				and posting_date between %(from_date)s and %(to_date)s
				{"and item_code = %(item_code)s" if filters.item_code else ""}
			group by item_code""",
			{**filters, "vouchers": DELIVERIES},
			as_dict=True,
		)
		return {row.key: flt(row.units) for row in rows}
	return {row.key: flt(row.units) for row in query.run(as_dict=True)}


def columns(filters) -> list[dict]:
	group = {"Item": ("Link", "Item"), "Batch": ("Link", "Batch"), "Failure Mode": ("Data", None)}
	fieldtype, options = group[filters.group_by]
	return [
		{
			"fieldname": "group",
			"label": _(filters.group_by),
			"fieldtype": fieldtype,
			"options": options,
			"width": 180,
		},
		{"fieldname": "complaints", "label": _("Complaints"), "fieldtype": "Int", "width": 100},
		{"fieldname": "reportable", "label": _("Reportable"), "fieldtype": "Int", "width": 100},
		{"fieldname": "units_shipped", "label": _("Units Shipped"), "fieldtype": "Float", "width": 120},
		{
			"fieldname": "per_million",
			"label": _("Complaints per Million Units"),
			"fieldtype": "Float",
			"width": 170,
		},
		{"fieldname": "above_alert", "label": _("Above Alert Rate"), "fieldtype": "Check", "width": 120},
	]


def chart(data: list[dict], filters) -> dict | None:
	rated = [row for row in data if row["per_million"] is not None][:20]
	if not rated:
		return None
	return {
		"data": {
			"labels": [str(row["group"]) for row in rated],
			"datasets": [
				{"name": _("Complaints per Million Units"), "values": [row["per_million"] for row in rated]}
			],
		},
		"type": "bar",
		"colors": ["#e24c4c"],
	}
