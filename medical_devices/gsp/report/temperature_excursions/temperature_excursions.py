"""Temperature Excursions: every submitted cold-chain log with readings out of range, and what it caused."""

import frappe
from frappe import _

from medical_devices import access


def execute(filters=None):
	filters = frappe._dict(filters or {})
	conditions = {"docstatus": 1, "has_excursion": 1}
	if filters.reference_type:
		conditions["reference_type"] = filters.reference_type
	if filters.reference_name:
		conditions["reference_name"] = filters.reference_name
	if filters.company:
		conditions["company"] = filters.company
	if filters.from_date and filters.to_date:
		conditions["period_start"] = ("between", (filters.from_date, f"{filters.to_date} 23:59:59"))
	if filters.company:
		access.company(filters.company, "Temperature Log")
	data = frappe.get_list(  # the user's own permissions, their User Permissions on companies included
		"Temperature Log",
		filters=conditions,
		fields=[
			"name",
			"reference_type",
			"reference_name",
			"logger_id",
			"period_start",
			"period_end",
			"allowed_min",
			"allowed_max",
			"lowest_reading",
			"highest_reading",
			"excursion_count",
			"first_excursion_at",
			"quarantined_batches",
		],
		order_by="period_start desc",
	)
	for row in data:
		row.reference_type = _(row.reference_type)
	return get_columns(), data


def get_columns():
	return [
		{
			"fieldname": "name",
			"label": _("Temperature Log"),
			"fieldtype": "Link",
			"options": "Temperature Log",
			"width": 140,
		},
		{"fieldname": "reference_type", "label": _("Reference Type"), "fieldtype": "Data", "width": 110},
		{"fieldname": "reference_name", "label": _("Reference"), "fieldtype": "Data", "width": 150},
		{"fieldname": "logger_id", "label": _("Data Logger ID"), "fieldtype": "Data", "width": 110},
		{"fieldname": "period_start", "label": _("Period Start"), "fieldtype": "Datetime", "width": 150},
		{"fieldname": "period_end", "label": _("Period End"), "fieldtype": "Datetime", "width": 150},
		{"fieldname": "allowed_min", "label": _("Allowed Min (°C)"), "fieldtype": "Float", "width": 90},
		{"fieldname": "allowed_max", "label": _("Allowed Max (°C)"), "fieldtype": "Float", "width": 90},
		{
			"fieldname": "lowest_reading",
			"label": _("Lowest Reading (°C)"),
			"fieldtype": "Float",
			"width": 100,
		},
		{
			"fieldname": "highest_reading",
			"label": _("Highest Reading (°C)"),
			"fieldtype": "Float",
			"width": 100,
		},
		{
			"fieldname": "excursion_count",
			"label": _("Readings Out of Range"),
			"fieldtype": "Int",
			"width": 100,
		},
		{
			"fieldname": "first_excursion_at",
			"label": _("First Excursion At"),
			"fieldtype": "Datetime",
			"width": 150,
		},
		{
			"fieldname": "quarantined_batches",
			"label": _("Batches Put in Quarantine"),
			"fieldtype": "Data",
			"width": 200,
		},
	]
