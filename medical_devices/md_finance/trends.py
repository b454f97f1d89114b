"""Month by month over the last twelve months: working-capital days (DIO, DSO, DPO, cash conversion cycle) and the
costs of quality, write-offs and recalls, each from two grouped General Ledger queries. The dashboard chart
sources "Working Capital Days" and "Quality and Recall Costs" on the finance workspace draw them."""

import frappe
from frappe import _
from frappe.utils import flt, getdate, today

from medical_devices import access, inputs
from medical_devices.md_finance.figures import quality_costs, recall_costs, write_offs
from medical_devices.md_finance.ratios import last_months, working_capital_series

CATEGORY = """case
	when account.account_type = 'Stock' then 'stock'
	when account.account_type = 'Receivable' then 'receivable'
	when account.account_type = 'Payable' then 'payable'
	when account.account_type = 'Cost of Goods Sold' then 'cogs'
	when account.root_type = 'Income' then 'income'
end"""


def working_capital_days(company: str, to_date=None) -> list[dict]:
	months = last_months(getdate(to_date or today()))
	first_day, last_day = months[0][0], months[-1][1]
	params = {"company": company, "first_day": first_day, "last_day": last_day}
	opening = dict(
		frappe.db.sql(
			f"""select {CATEGORY} as category, sum(gle.debit) - sum(gle.credit)
			from `tabGL Entry` gle join `tabAccount` account on account.name = gle.account
			where gle.company = %(company)s and gle.is_cancelled = 0 and gle.posting_date < %(first_day)s
			and account.account_type in ('Stock', 'Receivable', 'Payable') group by category""",
			params,
		)
	)
	movements = {}
	for month, category, value in frappe.db.sql(
		f"""select date_format(gle.posting_date, '%%Y-%%m-01') as month, {CATEGORY} as category,
			sum(gle.debit) - sum(gle.credit)
		from `tabGL Entry` gle join `tabAccount` account on account.name = gle.account
		where gle.company = %(company)s and gle.is_cancelled = 0
		and gle.posting_date between %(first_day)s and %(last_day)s
		and (account.account_type in ('Stock', 'Receivable', 'Payable', 'Cost of Goods Sold')
			or account.root_type = 'Income')
		group by month, category""",
		params,
	):
		movements[(getdate(month), category)] = flt(value)
	return working_capital_series(opening, movements, months)


def cost_series(company: str, to_date=None) -> list[dict]:
	"""Per month: quality costs, write-offs and recall costs, as md_finance.figures defines them."""
	months = last_months(getdate(to_date or today()))
	first_day, last_day = months[0][0], months[-1][1]
	quality = quality_costs(company, first_day, last_day, by_month=True)
	write_off = write_offs(company, first_day, last_day, by_month=True)
	recalls = recall_costs(company, first_day, last_day, by_month=True)
	return [
		{
			"month": first,
			"quality": quality.get(first, 0.0),
			"write_off": write_off.get(first, 0.0),
			"recall": recalls.get(first, 0.0),
		}
		for first, _last in months
	]


def month_label(first) -> str:
	return first.strftime("%Y-%m")


CHART_TTL = 3600


def chart_source(make_chart):
	"""The `get` a Dashboard Chart Source module must have, drawing `make_chart(company)`. Kept in Redis per chart
	and company for an hour (Frappe's own chart cache keys by chart only, which would show one company's figures
	to the users of another); the chart's Refresh recomputes it."""

	@frappe.whitelist()
	def get(chart_name=None, filters=None, refresh=None, **_ignored):
		company = chart_company(filters)
		refresh = inputs.flag(refresh, _("Refresh"))
		key = f"md_finance:chart:{make_chart.__name__}:{company}:{today()}"
		if not refresh:
			cached = frappe.cache.get_value(key, expires=True)
			if cached:
				return cached
		data = make_chart(company)
		frappe.cache.set_value(key, data, expires_in_sec=CHART_TTL)
		return data

	return get


def chart_company(filters) -> str:
	from medical_devices.md_finance.kpis import card_filters

	return access.company(card_filters(filters).get("company"))


def working_capital_chart(company: str) -> dict:
	series = working_capital_days(company)
	return {
		"labels": [month_label(row["month"]) for row in series],
		"datasets": [
			{"name": _("Days Inventory Outstanding"), "values": [row["dio"] or 0 for row in series]},
			{"name": _("Days Sales Outstanding"), "values": [row["dso"] or 0 for row in series]},
			{"name": _("Days Payables Outstanding"), "values": [row["dpo"] or 0 for row in series]},
			{
				"name": _("Cash Conversion Cycle"),
				"values": [row["cash_conversion_cycle"] or 0 for row in series],
			},
		],
	}


def cost_chart(company: str) -> dict:
	series = cost_series(company)
	return {
		"labels": [month_label(row["month"]) for row in series],
		"datasets": [
			{"name": _("Quality Costs"), "values": [row["quality"] for row in series]},
			{"name": _("Write-Offs"), "values": [row["write_off"] for row in series]},
			{"name": _("Recall Costs"), "values": [row["recall"] for row in series]},
		],
	}
