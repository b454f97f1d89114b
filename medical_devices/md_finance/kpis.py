"""Working-capital and device KPIs of a company for a period, read from the general ledger.

Days inventory outstanding (DIO) = average inventory / cost of goods sold x days; days sales outstanding (DSO) =
average receivables / revenue x days; days payables outstanding (DPO) = average payables / cost of goods sold x
days; cash conversion cycle (CCC) = DIO + DSO - DPO. Averages are of the opening and closing balances. Every figure
comes from GL Entry (and, for the value at risk, the Expiry Risk report's stock valuation), so finance can
reproduce it from the ledger.
"""

import datetime
import time

import frappe
from frappe import _
from frappe.utils import add_days, flt, getdate, today

from medical_devices import access, inputs
from medical_devices.md_finance.figures import quality_costs, recall_costs, write_offs
from medical_devices.md_finance.ratios import cash_conversion_cycle, days_outstanding

STOCK = "account.account_type = 'Stock'"
RECEIVABLE = "account.account_type = 'Receivable'"
PAYABLE = "account.account_type = 'Payable'"
INCOME = "account.root_type = 'Income'"
COST_OF_GOODS_SOLD = "account.account_type = 'Cost of Goods Sold'"


def period_figures(company: str, from_date, to_date) -> dict[str, float]:
	"""In one pass over the ledger up to `to_date`: the period's revenue and cost of goods sold (credit - debit on
	income accounts; debit - credit on cost-of-goods-sold accounts), and the stock, receivable and payable balances
	the day before it starts and on its last day (debit - credit; payables as credit - debit)."""
	in_period = "gle.posting_date >= %(from_date)s"
	before = "gle.posting_date < %(from_date)s"
	figures = {
		"revenue": (INCOME, in_period, -1),
		"cost_of_goods_sold": (COST_OF_GOODS_SOLD, in_period, 1),
		"opening_stock": (STOCK, before, 1),
		"closing_stock": (STOCK, "1", 1),
		"opening_receivables": (RECEIVABLE, before, 1),
		"closing_receivables": (RECEIVABLE, "1", 1),
		"opening_payables": (PAYABLE, before, -1),
		"closing_payables": (PAYABLE, "1", -1),
	}
	columns = ", ".join(
		f"coalesce(sum(case when {accounts} and {dates} then gle.debit - gle.credit end), 0)"
		for accounts, dates, _sign in figures.values()
	)
	row = frappe.db.sql(
		f"""select {columns} from `tabGL Entry` gle
		join `tabAccount` account on account.name = gle.account
		where gle.company = %(company)s and gle.is_cancelled = 0 and gle.posting_date <= %(to_date)s
		and ({" or ".join(dict.fromkeys(accounts for accounts, _dates, _sign in figures.values()))})""",
		{"company": company, "from_date": from_date, "to_date": to_date},
	)[0]
	return {
		name: sign * flt(value) for (name, (_a, _d, sign)), value in zip(figures.items(), row, strict=True)
	}


def company_kpis(company: str, from_date=None, to_date=None) -> dict:
	to_date = getdate(to_date or today())
	from_date = getdate(from_date or add_days(to_date, -364))
	days = (to_date - from_date).days + 1
	ledger = period_figures(company, from_date, to_date)
	revenue, cogs = ledger["revenue"], ledger["cost_of_goods_sold"]
	inventory = (ledger["opening_stock"] + ledger["closing_stock"]) / 2
	receivables = (ledger["opening_receivables"] + ledger["closing_receivables"]) / 2
	payables = (ledger["opening_payables"] + ledger["closing_payables"]) / 2
	dio = days_outstanding(inventory, cogs, days)
	dso = days_outstanding(receivables, revenue, days)
	dpo = days_outstanding(payables, cogs, days)
	year_start = datetime.date(to_date.year, 1, 1)
	return {
		"company": company,
		"from_date": from_date,
		"to_date": to_date,
		"days": days,
		"revenue": flt(revenue, 2),
		"cost_of_goods_sold": flt(cogs, 2),
		"average_inventory": flt(inventory, 2),
		"average_receivables": flt(receivables, 2),
		"average_payables": flt(payables, 2),
		"dio": dio,
		"dso": dso,
		"dpo": dpo,
		"cash_conversion_cycle": cash_conversion_cycle(dio, dso, dpo),
		"recall_cost_ytd": recall_costs(company, year_start, to_date),
		"value_at_risk": flt(value_at_risk(company, to_date), 2),
		"quality_cost_ytd": quality_costs(company, year_start, to_date),
		"write_offs_ytd": write_offs(company, year_start, to_date),
	}


def value_at_risk(company: str, on_date) -> float:
	"""Device stock inside the widest near-expiry window or expired, valued as the Expiry Risk report values it."""
	from medical_devices.gsp.report.expiry_risk.expiry_risk import get_data
	from medical_devices.medical_devices.doctype.medical_device_settings.medical_device_settings import (
		alert_windows,
	)

	rows = get_data(frappe._dict(company=company, only_at_risk=1), getdate(on_date), alert_windows())
	return sum(row["value"] for row in rows)


# --- cached figures -----------------------------------------------------------------------------------------------
# The cards of the workspace read one set of figures per company, kept in Redis (shared by every web and worker
# host) for KPI_TTL seconds. A small ledger is recomputed when a card asks; a large one (where the KPIs take
# seconds) in a background job, while the cards show the last figures. Every night's job refreshes every company.

KPI_TTL = 900
INLINE_GL_ROWS = 200_000  # above this many GL rows the figures are computed in the background


def kpi_cache_key(company: str) -> str:
	return f"md_finance:kpis:{company}"


def refresh_kpis(company: str) -> dict:
	figures = company_kpis(company)
	frappe.cache.set_value(
		kpi_cache_key(company), {"computed_at": time.time(), "figures": figures}, expires_in_sec=2 * 86400
	)
	return figures


def forget_kpis(company: str):
	frappe.cache.delete_value(kpi_cache_key(company))


def cached_kpis(company: str) -> dict | None:
	"""The company's figures for the last 365 days: fresh from the cache, computed now for a small ledger, or (for a
	large one) the last figures while a job computes new ones; None until the first job has run."""
	cached = frappe.cache.get_value(kpi_cache_key(company), expires=True)
	if cached and time.time() - cached["computed_at"] < KPI_TTL:
		return cached["figures"]
	if gl_rows(company) <= INLINE_GL_ROWS:
		return refresh_kpis(company)
	frappe.enqueue(
		"medical_devices.md_finance.kpis.refresh_kpis",
		queue="long",
		job_id=f"md_finance_kpis::{company}",
		deduplicate=True,
		enqueue_after_commit=True,
		company=company,
	)
	return cached["figures"] if cached else None


def gl_rows(company: str) -> int:
	return frappe.db.sql("select count(*) from `tabGL Entry` where company = %s", company)[0][0]


def refresh_every_company():
	"""Scheduler (daily_long): fresh figures for every company before anyone opens the workspace."""
	for company in frappe.get_all("Company", pluck="name"):
		refresh_kpis(company)


# --- number cards (workspace "Medical Devices Finance") -----------------------------------------------------------

CARDS = {
	"dio": "Days",
	"dso": "Days",
	"dpo": "Days",
	"cash_conversion_cycle": "Days",
	"value_at_risk": "Currency",
	"recall_cost_ytd": "Currency",
	"quality_cost_ytd": "Currency",
	"write_offs_ytd": "Currency",
}


def card(kpi: str, filters=None) -> dict:
	filters = card_filters(filters)
	company = access.company(filters.get("company"))
	from_date = inputs.date(filters.get("from_date"), _("From Date"), required=False)
	to_date = inputs.date(filters.get("to_date"), _("To Date"), required=False)
	if from_date or to_date:
		figures = company_kpis(company, from_date, to_date)
	else:
		figures = cached_kpis(company) or {}
	value = figures.get(kpi)
	if CARDS[kpi] == "Currency":
		currency = frappe.get_cached_value("Company", company, "default_currency")
		return {"value": value or 0, "fieldtype": "Currency", "currency": currency}
	return {"value": value or 0, "fieldtype": "Float", "suffix": _("days")}


def card_filters(filters) -> dict:
	"""A number card's filters: an object, or the desk's list of [doctype, field, operator, value]."""
	if inputs.missing(filters):
		return {}
	filters = inputs.json_value(filters, _("Filters"))
	if isinstance(filters, list):
		if not all(isinstance(row, list) and len(row) >= 4 and isinstance(row[1], str) for row in filters):
			inputs.refuse(_("Filters"), _("must be an object or a list of filters"))
		filters = {row[1]: row[3] for row in filters}
	if not isinstance(filters, dict):
		inputs.refuse(_("Filters"), _("must be an object or a list of filters"))
	return filters


@frappe.whitelist()
def dio_card(filters=None):
	return card("dio", filters)


@frappe.whitelist()
def dso_card(filters=None):
	return card("dso", filters)


@frappe.whitelist()
def dpo_card(filters=None):
	return card("dpo", filters)


@frappe.whitelist()
def cash_conversion_cycle_card(filters=None):
	return card("cash_conversion_cycle", filters)


@frappe.whitelist()
def value_at_risk_card(filters=None):
	return card("value_at_risk", filters)


@frappe.whitelist()
def recall_cost_ytd_card(filters=None):
	return card("recall_cost_ytd", filters)


@frappe.whitelist()
def quality_cost_ytd_card(filters=None):
	return card("quality_cost_ytd", filters)


@frappe.whitelist()
def write_offs_ytd_card(filters=None):
	return card("write_offs_ytd", filters)
