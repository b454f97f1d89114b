"""A 13-week cash forecast of a company, kept as it was made, so that the Cash Forecast report can set what really
came in and went out beside it as the weeks pass. Made every Monday for every company, or by hand."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt, getdate, now_datetime, today

from medical_devices.md_finance.cash_flows import week_start
from medical_devices.md_finance.cash_forecast import (
	PAYMENTS_INVOICES,
	PAYMENTS_ORDERS,
	RECEIPTS_INVOICES,
	RECEIPTS_ORDERS,
	RECURRING,
	build_forecast,
)


class CashForecast(Document):
	def before_insert(self):  # runs before validate
		self.set_start_and_currency()
		self.fill()

	def validate(self):
		self.set_start_and_currency()

	def set_start_and_currency(self):
		self.start_date = week_start(getdate(self.start_date or today()))
		self.currency = frappe.get_cached_value("Company", self.company, "default_currency")

	def fill(self):
		forecast = build_forecast(self.company, getdate(self.start_date))
		self.set("weeks", forecast["weeks"])
		self.opening_balance = forecast["opening_balance"]
		overdue = forecast["overdue"]
		self.overdue_receipts = flt(overdue.get(RECEIPTS_INVOICES, 0) + overdue.get(RECEIPTS_ORDERS, 0), 2)
		self.overdue_payments = -flt(overdue.get(PAYMENTS_INVOICES, 0) + overdue.get(PAYMENTS_ORDERS, 0), 2)
		weeks = forecast["weeks"]
		self.total_receipts = flt(
			sum(week[RECEIPTS_INVOICES] + week[RECEIPTS_ORDERS] + max(week[RECURRING], 0) for week in weeks),
			2,
		)
		self.total_payments = flt(
			sum(week[PAYMENTS_INVOICES] + week[PAYMENTS_ORDERS] - min(week[RECURRING], 0) for week in weeks),
			2,
		)
		self.closing_balance = weeks[-1]["closing_balance"]
		self.generated_on = now_datetime()


def make_weekly_forecasts():
	"""Scheduler (weekly_long): this week's forecast for every company that has none yet."""
	start = week_start(getdate(today()))
	for company in frappe.get_all("Company", pluck="name"):
		if frappe.db.exists("Cash Forecast", {"company": company, "start_date": start}):
			continue
		try:
			frappe.get_doc({"doctype": "Cash Forecast", "company": company, "start_date": start}).insert(
				ignore_permissions=True
			)
			frappe.db.commit()  # nosemgrep: one company's forecast does not wait for the next one's
		except Exception:
			frappe.db.rollback()
			frappe.log_error(title=_("Cash forecast of {0} failed").format(company))
