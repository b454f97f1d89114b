"""The documents behind a reconciliation difference: per voucher (or recall cost entry, quality cost entry or write-off), what the sub-ledger holds,
what the general ledger holds, and the difference. Without a check, every line that differs as of the date."""

import frappe
from frappe import _
from frappe.utils import today

from medical_devices import access
from medical_devices.md_finance.reconciliation import differences, is_difference, reconcile


def execute(filters=None):
	filters = frappe._dict(filters or {})
	if not filters.company:
		frappe.throw(_("Select a company."))
	filters.company = access.company(filters.company)
	as_of = filters.as_of_date or today()
	columns = [
		{"fieldname": "check", "label": _("Check"), "fieldtype": "Data", "width": 110},
		{
			"fieldname": "account",
			"label": _("Account"),
			"fieldtype": "Link",
			"options": "Account",
			"width": 200,
		},
		{"fieldname": "voucher_type", "label": _("Document Type"), "fieldtype": "Data", "width": 140},
		{
			"fieldname": "voucher_no",
			"label": _("Document"),
			"fieldtype": "Dynamic Link",
			"options": "voucher_type",
			"width": 170,
		},
		{"fieldname": "posting_date", "label": _("Posting Date"), "fieldtype": "Date", "width": 100},
		{
			"fieldname": "device_recall",
			"label": _("Device Recall"),
			"fieldtype": "Link",
			"options": "Device Recall",
			"width": 130,
		},
		{"fieldname": "batch", "label": _("Batch"), "fieldtype": "Link", "options": "Batch", "width": 130},
		{
			"fieldname": "subledger_value",
			"label": _("Sub-Ledger Value"),
			"fieldtype": "Currency",
			"width": 140,
		},
		{"fieldname": "gl_value", "label": _("General Ledger Value"), "fieldtype": "Currency", "width": 140},
		{"fieldname": "difference", "label": _("Difference Amount"), "fieldtype": "Currency", "width": 120},
	]
	lines = [
		row
		for row in reconcile(filters.company, as_of)
		if is_difference(row)
		and (not filters.check or row["check"] == filters.check)
		and (not filters.account or row["account"] == filters.account)
	]
	data = []
	for row in lines:
		for voucher in differences(
			filters.company, as_of, row["check"], row["account"], row["device_recall"], row["batch"]
		):
			data.append({"check": _(row["check"]), "account": row["account"], **voucher})
	return columns, data
