"""Cash Forecast: a saved 13-week forecast (the latest of the company unless one is chosen) with the actual receipts
and payments of every week that has begun beside it; with no forecast saved yet, this week's, made now."""

import frappe
from frappe import _
from frappe.utils import flt, getdate, today

from medical_devices import access
from medical_devices.md_finance.cash_flows import week_start
from medical_devices.md_finance.cash_forecast import KINDS, build_forecast, forecast_with_actuals


def execute(filters=None):
	filters = frappe._dict(filters or {})
	if not filters.company:
		frappe.throw(_("Choose a company."))
	filters.company = access.company(filters.company)
	forecast, message = chosen_forecast(filters)
	rows = forecast_with_actuals(
		forecast["weeks"], filters.company, forecast["start_date"], forecast["opening_balance"], today()
	)
	currency = frappe.get_cached_value("Company", filters.company, "default_currency")
	for row in rows:
		row["currency"] = currency
	return get_columns(), rows, message, get_chart(rows), get_summary(forecast, rows, currency)


def chosen_forecast(filters) -> tuple[dict, str | None]:
	name = filters.cash_forecast or frappe.db.get_value(
		"Cash Forecast",
		{"company": filters.company, "start_date": ["<=", today()]},
		"name",
		order_by="start_date desc, creation desc",
	)
	if name:
		doc = frappe.get_doc("Cash Forecast", name)
		if doc.company != filters.company:
			frappe.throw(_("Cash Forecast {0} is of another company.").format(name))
		doc.check_permission("read")
		weeks = [
			{
				field: row.get(field)
				for field in (
					"week_start",
					"week_end",
					*KINDS,
					"net_flow",
					"opening_balance",
					"closing_balance",
				)
			}
			for row in doc.weeks
		]
		return {
			"start_date": doc.start_date,
			"opening_balance": doc.opening_balance,
			"weeks": weeks,
			"overdue_receipts": doc.overdue_receipts,
			"overdue_payments": doc.overdue_payments,
		}, None
	start = week_start(getdate(today()))
	forecast = build_forecast(filters.company, start)
	overdue = forecast["overdue"]
	forecast.update(
		start_date=start,
		overdue_receipts=flt(
			overdue.get("receipts_from_invoices", 0) + overdue.get("receipts_from_orders", 0), 2
		),
		overdue_payments=-flt(
			overdue.get("payments_for_invoices", 0) + overdue.get("payments_for_orders", 0), 2
		),
	)
	return forecast, _("No forecast is saved for this company yet: this is this week's, made now.")


def get_columns():
	currency = {"fieldtype": "Currency", "options": "currency", "width": 120}
	return [
		{"fieldname": "week_start", "label": _("Week Starts"), "fieldtype": "Date", "width": 100},
		{"fieldname": "week_end", "label": _("Week Ends"), "fieldtype": "Date", "width": 100},
		{**currency, "fieldname": "receipts_from_invoices", "label": _("Receipts from Invoices")},
		{**currency, "fieldname": "receipts_from_orders", "label": _("Receipts from Orders")},
		{**currency, "fieldname": "payments_for_invoices", "label": _("Payments for Invoices")},
		{**currency, "fieldname": "payments_for_orders", "label": _("Payments for Orders")},
		{**currency, "fieldname": "recurring_net", "label": _("Recurring Entries")},
		{**currency, "fieldname": "net_flow", "label": _("Net Cash Flow")},
		{**currency, "fieldname": "closing_balance", "label": _("Forecast Balance")},
		{**currency, "fieldname": "actual_receipts", "label": _("Actual Receipts")},
		{**currency, "fieldname": "actual_payments", "label": _("Actual Payments")},
		{**currency, "fieldname": "actual_balance", "label": _("Actual Balance")},
		{**currency, "fieldname": "variance", "label": _("Actual less Forecast")},
	]


def get_chart(rows):
	return {
		"data": {
			"labels": [frappe.format(row["week_start"], "Date") for row in rows],
			"datasets": [
				{"name": _("Forecast Balance"), "values": [row["closing_balance"] for row in rows]},
				{
					"name": _("Actual Balance"),
					"values": [row.get("actual_balance", row["closing_balance"]) for row in rows],
				},
			],
		},
		"type": "line",
		"fieldtype": "Currency",
	}


def get_summary(forecast, rows, currency):
	def card(value, label, indicator=None):
		return {
			"value": flt(value, 2),
			"label": label,
			"datatype": "Currency",
			"currency": currency,
			"indicator": indicator,
		}

	closing = rows[-1]["closing_balance"] if rows else 0
	return [
		card(forecast["opening_balance"], _("Opening Bank and Cash")),
		card(forecast.get("overdue_receipts"), _("Overdue Receivables"), "orange"),
		card(forecast.get("overdue_payments"), _("Overdue Payables"), "orange"),
		card(closing, _("Bank and Cash after 13 Weeks"), "green" if closing >= 0 else "red"),
	]
