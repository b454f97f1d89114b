"""Working-capital KPIs and the value at risk on the demo company, each recomputed independently from the raw
ledger rows (Python sums over GL Entry, ERPNext's own get_balance_on) and compared; the number cards serve them."""

import json

import pytest

import frappe
from frappe.utils import add_days, flt, getdate, today

from medical_devices.demo import COMPANY, create_demo_data
from medical_devices.md_finance import kpis


@pytest.fixture(autouse=True)
def demo():
	create_demo_data()


def gl_rows():
	accounts = {
		a.name: a
		for a in frappe.get_all(
			"Account", filters={"company": COMPANY}, fields=["name", "root_type", "account_type"]
		)
	}
	rows = frappe.get_all(
		"GL Entry",
		filters={"company": COMPANY, "is_cancelled": 0},
		fields=["account", "debit", "credit", "posting_date", "md_device_recall"],
	)
	return rows, accounts


def closing(account_type, on_date, sign=1):
	from erpnext.accounts.utils import get_balance_on

	return sign * sum(
		flt(get_balance_on(account, on_date, company=COMPANY))
		for account in frappe.get_all(
			"Account", filters={"company": COMPANY, "account_type": account_type, "is_group": 0}, pluck="name"
		)
	)


def test_kpis_match_an_independent_computation_from_the_ledger():
	to_date = getdate(today())
	from_date = add_days(to_date, -364)
	result = kpis.company_kpis(COMPANY, from_date, to_date)
	rows, accounts = gl_rows()
	in_period = [r for r in rows if from_date <= getdate(r.posting_date) <= to_date]
	revenue = sum(r.credit - r.debit for r in in_period if accounts[r.account].root_type == "Income")
	cogs = sum(
		r.debit - r.credit for r in in_period if accounts[r.account].account_type == "Cost of Goods Sold"
	)
	assert (result["revenue"], result["cost_of_goods_sold"]) == (flt(revenue, 2), flt(cogs, 2))
	assert revenue > 0 and cogs > 0  # the demo sold and invoiced

	opening_day = add_days(from_date, -1)
	inventory = (closing("Stock", opening_day) + closing("Stock", to_date)) / 2
	receivables = (closing("Receivable", opening_day) + closing("Receivable", to_date)) / 2
	payables = (closing("Payable", opening_day, -1) + closing("Payable", to_date, -1)) / 2
	assert result["average_inventory"] == flt(inventory, 2)
	assert result["average_receivables"] == flt(receivables, 2) and receivables > 0
	assert result["average_payables"] == flt(payables, 2) and payables > 0
	assert result["dio"] == round(inventory / cogs * 365, 1)
	assert result["dso"] == round(receivables / revenue * 365, 1)
	assert result["dpo"] == round(payables / cogs * 365, 1)
	assert result["cash_conversion_cycle"] == round(result["dio"] + result["dso"] - result["dpo"], 1)

	year_start = to_date.replace(month=1, day=1)
	# a recall's cost is its submitted Actual Cost entries (md_finance.figures), not every row tagged with it
	recall = sum(
		entry.total_amount
		for entry in frappe.get_all(
			"Recall Cost Entry",
			{"company": COMPANY, "docstatus": 1, "entry_type": "Actual Cost"},
			["total_amount", "posting_date"],
		)
		if year_start <= getdate(entry.posting_date) <= to_date
	)
	assert result["recall_cost_ytd"] == flt(recall, 2) and recall > 0  # the demo's open recall has costs


def test_value_at_risk_ties_to_the_expiry_risk_report():
	from medical_devices.gsp.report.expiry_risk.expiry_risk import execute

	_columns, data, *_rest = execute({"company": COMPANY, "as_on_date": today(), "only_at_risk": 1})
	assert kpis.company_kpis(COMPANY)["value_at_risk"] == flt(sum(row["value"] for row in data), 2)
	assert kpis.company_kpis(COMPANY)["value_at_risk"] > 0  # the demo has near-expiry and expired batches


def test_the_number_cards_serve_the_kpis_for_the_users_company():
	filters = [["GL Entry", "company", "=", COMPANY]]
	kpis.forget_kpis(COMPANY)
	expected = kpis.company_kpis(COMPANY)
	assert kpis.dio_card(filters) == {"value": expected["dio"], "fieldtype": "Float", "suffix": "days"}
	assert kpis.recall_cost_ytd_card(filters) == {
		"value": expected["recall_cost_ytd"],
		"fieldtype": "Currency",
		"currency": "CNY",
	}
	for label in ("Days Inventory Outstanding", "Cash Conversion Cycle", "Recall Cost This Year"):
		card = frappe.get_doc("Number Card", label)
		assert card.type == "Custom" and frappe.get_attr(card.method)(filters)["value"] is not None
	workspace = frappe.get_doc("Workspace", "Medical Devices Finance")
	assert {row.number_card_name for row in workspace.number_cards} >= {
		"Days Inventory Outstanding",
		"Cash Conversion Cycle",
	}


def test_cards_share_cached_figures_and_a_large_ledger_is_refreshed_in_the_background(monkeypatch):
	kpis.forget_kpis(COMPANY)
	first = kpis.cached_kpis(COMPANY)  # a small ledger: computed at once, and kept
	assert first == kpis.company_kpis(COMPANY)
	monkeypatch.setattr(
		kpis, "company_kpis", lambda *args, **kwargs: pytest.fail("recomputed a fresh figure")
	)
	assert kpis.cached_kpis(COMPANY) == first

	queued = []
	monkeypatch.setattr(frappe, "enqueue", lambda method, **kwargs: queued.append((method, kwargs)))
	monkeypatch.setattr(kpis, "INLINE_GL_ROWS", 0)  # as if the ledger were large
	monkeypatch.setattr(kpis, "KPI_TTL", -1)  # and the figures stale
	assert kpis.cached_kpis(COMPANY) == first  # the last figures meanwhile
	assert [(method, kwargs["company"], kwargs["job_id"]) for method, kwargs in queued] == [
		("medical_devices.md_finance.kpis.refresh_kpis", COMPANY, f"md_finance_kpis::{COMPANY}")
	]
	kpis.forget_kpis(COMPANY)
	assert kpis.cached_kpis(COMPANY) is None and len(queued) == 2


def test_the_charts_are_kept_per_company():
	from medical_devices.md_finance import trends
	from medical_devices.md_finance.dashboard_chart_source.quality_and_recall_costs.quality_and_recall_costs import (
		get,
	)

	other = frappe.db.get_value("Company", {"name": ["!=", COMPANY]}, "name")
	for company in (other, COMPANY, other):
		assert get(chart_name="Quality and Recall Costs", filters={"company": company}, refresh=1) == (
			trends.cost_chart(company)
		)
		assert get(chart_name="Quality and Recall Costs", filters={"company": company}) == trends.cost_chart(
			company
		)
	demo_recalls = sum(trends.cost_chart(COMPANY)["datasets"][2]["values"])
	assert demo_recalls > 0 and get(filters=json.dumps({"company": COMPANY}))["datasets"][2]["values"][-1] > 0


def test_the_demos_quality_costs_and_write_off_are_the_cards_figures():
	from medical_devices.demo import QUALITY_COSTS, WRITE_OFFS
	from medical_devices.md_finance.ledger import WRITE_OFF, finance_account

	figures = kpis.company_kpis(COMPANY)
	# the Quality Cost Entries, and the value the demo's signed nonconformance scrapped
	scrapped = frappe.get_all(
		"Device Nonconformance", filters={"company": COMPANY, "docstatus": 1}, pluck="scrap_value"
	)
	assert len(scrapped) == 1 and scrapped[0] > 0
	assert figures["quality_cost_ytd"] == flt(
		sum(amount for _batch, _type, amount, _text in QUALITY_COSTS) + scrapped[0], 2
	)
	write_off_gl = frappe.db.sql(
		"""select sum(debit) - sum(credit) from `tabGL Entry` where company = %s and is_cancelled = 0
		and account = %s and posting_date >= %s""",
		(COMPANY, finance_account(COMPANY, WRITE_OFF), getdate(today()).replace(month=1, day=1)),
	)[0][0]
	written_off = frappe.get_all(
		"Device Write Off", filters={"company": COMPANY, "docstatus": 1}, pluck="total_amount"
	)
	assert len(written_off) == len(WRITE_OFFS) and written_off[0] > 0
	assert figures["write_offs_ytd"] == flt(write_off_gl, 2) == flt(sum(written_off), 2)
