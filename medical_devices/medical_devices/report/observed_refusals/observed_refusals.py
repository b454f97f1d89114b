"""Observed Refusals: what the controls would have refused while a company was observed (medical_devices/golive.py),
newest first; End Observe Period, on its menu, ends the company's observation."""

import frappe
from frappe import _

from medical_devices import access, inputs
from medical_devices.golive import EVENT, OBSERVATION


def execute(filters=None):
	filters = frappe._dict(filters or {})
	company = access.company(filters.company, OBSERVATION, required=True)
	conditions = {"company": company}
	if not inputs.missing(filters.observation):
		conditions["observation"] = inputs.docname(OBSERVATION, filters.observation, _("Go-Live Observation"))
	if not inputs.missing(filters.rule):
		conditions["rule"] = filters.rule
	rows = frappe.get_all(
		EVENT,
		filters=conditions,
		fields=[
			"occurred_on",
			"rule",
			"reference_doctype",
			"reference_name",
			"user",
			"message",
			"observation",
		],
		order_by="occurred_on desc, name desc",
	)
	for row in rows:
		row.rule = _(row.rule)
	return columns(), rows


def columns() -> list[dict]:
	return [
		{"fieldname": "occurred_on", "label": _("Occurred On"), "fieldtype": "Datetime", "width": 160},
		{"fieldname": "rule", "label": _("Rule"), "fieldtype": "Data", "width": 160},
		{
			"fieldname": "reference_doctype",
			"label": _("Document Type"),
			"fieldtype": "Link",
			"options": "DocType",
			"width": 130,
		},
		{
			"fieldname": "reference_name",
			"label": _("Document"),
			"fieldtype": "Dynamic Link",
			"options": "reference_doctype",
			"width": 180,
		},
		{"fieldname": "user", "label": _("User"), "fieldtype": "Link", "options": "User", "width": 160},
		{
			"fieldname": "message",
			"label": _("What Would Have Been Refused"),
			"fieldtype": "Data",
			"width": 480,
		},
		{
			"fieldname": "observation",
			"label": _("Go-Live Observation"),
			"fieldtype": "Link",
			"options": OBSERVATION,
			"width": 150,
		},
	]
