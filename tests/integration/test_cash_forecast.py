"""The 13-week cash forecast on a generated set of open documents: an invoice in two instalments, part paid; an
overdue invoice; a supplier invoice; open sales and purchase orders; a monthly rent journal repeated by Auto
Repeat. Each week's figures are worked out by hand from the documents' dates; actuals come from the bank and cash
ledger."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta

import frappe
from frappe.utils import add_days, flt, getdate, today

from medical_devices.md_finance.cash_flows import week_start
from medical_devices.md_finance.cash_forecast import build_forecast
from medical_devices.md_finance.doctype.cash_forecast.cash_forecast import make_weekly_forecasts
from medical_devices.md_finance.report.cash_forecast import cash_forecast as report
from tests.factories import ensure_party, submit
from tests.factories import first_company as company

SERVICE = "_Test MD Forecast Service"
CUSTOMER = "_Test MD Forecast Customer"
SUPPLIER = "_Test MD Forecast Supplier"
TERMS = "_Test MD Two Instalments"


@pytest.fixture(scope="module", autouse=True)
def masters(frappe_site):
	if not frappe.db.exists("Item", SERVICE):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": SERVICE,
				"item_group": frappe.db.get_value("Item Group", {"is_group": 0}),
				"stock_uom": "Nos",
				"is_stock_item": 0,
			}
		).insert()
	ensure_party("Customer", CUSTOMER)
	ensure_party("Supplier", SUPPLIER)
	if not frappe.db.exists("Payment Terms Template", TERMS):
		frappe.get_doc(
			{
				"doctype": "Payment Terms Template",
				"template_name": TERMS,
				"terms": [
					{
						"invoice_portion": 50,
						"due_date_based_on": "Day(s) after invoice date",
						"credit_days": 10,
					},
					{
						"invoice_portion": 50,
						"due_date_based_on": "Day(s) after invoice date",
						"credit_days": 40,
					},
				],
			}
		).insert()
	frappe.db.commit()  # nosemgrep: masters shared by this module's tests, each of which rolls back its own work
	yield


def line(rate):
	return [{"item_code": SERVICE, "qty": 1, "rate": rate}]


def week_of(day, start) -> int:
	return (getdate(day) - start).days // 7


def generate():
	docs = frappe._dict()
	docs.instalments = submit(
		{
			"doctype": "Sales Invoice",
			"customer": CUSTOMER,
			"payment_terms_template": TERMS,
			"items": line(1000),
		}
	)
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

	payment = get_payment_entry("Sales Invoice", docs.instalments.name, party_amount=300)
	payment.update({"reference_no": "FC-1", "reference_date": today()})
	payment.insert()
	payment.submit()
	docs.payment = payment
	docs.overdue = submit(
		{
			"doctype": "Sales Invoice",
			"customer": CUSTOMER,
			"posting_date": add_days(today(), -60),
			"set_posting_time": 1,
			"due_date": add_days(today(), -30),
			"items": line(400),
		}
	)
	docs.bill = submit(
		{
			"doctype": "Purchase Invoice",
			"supplier": SUPPLIER,
			"due_date": add_days(today(), 20),
			"items": line(600),
		}
	)
	docs.order = submit(
		{
			"doctype": "Sales Order",
			"customer": CUSTOMER,
			"delivery_date": add_days(today(), 14),
			"items": [{**line(800)[0], "delivery_date": add_days(today(), 14)}],
		}
	)
	docs.purchase = submit(
		{
			"doctype": "Purchase Order",
			"supplier": SUPPLIER,
			"schedule_date": add_days(today(), 3),
			"items": [{**line(250)[0], "schedule_date": add_days(today(), 3)}],
		}
	)
	cash = frappe.get_cached_value("Company", company(), "default_cash_account")
	expense = frappe.db.get_value(
		"Account", {"company": company(), "root_type": "Expense", "is_group": 0, "account_type": ""}, "name"
	)
	cost_center = frappe.get_cached_value("Company", company(), "cost_center")
	docs.rent = submit(
		{
			"doctype": "Journal Entry",
			"posting_date": today(),
			"accounts": [
				{"account": expense, "debit_in_account_currency": 1000, "cost_center": cost_center},
				{"account": cash, "credit_in_account_currency": 1000, "cost_center": cost_center},
			],
		}
	)
	docs.repeat = frappe.get_doc(
		{
			"doctype": "Auto Repeat",
			"reference_doctype": "Journal Entry",
			"reference_document": docs.rent.name,
			"frequency": "Monthly",
			"start_date": today(),
		}
	).insert()
	return docs


def test_each_week_holds_what_the_documents_say_falls_due_in_it():
	docs = generate()
	start = week_start(getdate(today()))
	forecast = build_forecast(company(), start)
	weeks = forecast["weeks"]
	assert len(weeks) == 13 and weeks[0]["week_start"] == start

	def expected(field):
		return [round(flt(week[field]), 2) for week in weeks]

	# 1000 in two halves, 300 paid: 200 left of the first half, all of the second; the overdue 400 in week one
	receipts = [0.0] * 13
	receipts[0] += 400
	receipts[week_of(add_days(docs.instalments.posting_date, 10), start)] += 200
	receipts[week_of(add_days(docs.instalments.posting_date, 40), start)] += 500
	assert expected("receipts_from_invoices") == receipts
	assert forecast["overdue"] == {"receipts_from_invoices": 400}

	payments = [0.0] * 13
	payments[week_of(docs.bill.due_date, start)] = 600
	assert expected("payments_for_invoices") == payments

	orders_in, orders_out = [0.0] * 13, [0.0] * 13
	orders_in[week_of(add_days(today(), 14), start)] = 800
	orders_out[week_of(add_days(today(), 3), start)] = 250
	assert expected("receipts_from_orders") == orders_in
	assert expected("payments_for_orders") == orders_out

	rent = [0.0] * 13
	horizon = start + datetime.timedelta(weeks=13)
	day = getdate(docs.repeat.next_schedule_date)
	months = 0
	while day < horizon:
		rent[week_of(day, start)] -= 1000
		months += 1
		day = getdate(docs.repeat.next_schedule_date) + relativedelta(months=months)
	assert expected("recurring_net") == rent and sum(rent) <= -2000

	cash_before = frappe.db.sql(
		"""select sum(gle.debit) - sum(gle.credit) from `tabGL Entry` gle
		join `tabAccount` account on account.name = gle.account
		where gle.company = %s and gle.is_cancelled = 0 and gle.posting_date < %s
		and account.account_type in ('Bank', 'Cash')""",
		(company(), start),
	)[0][0]
	assert forecast["opening_balance"] == flt(cash_before, 2)
	nets = [receipts[i] - payments[i] + orders_in[i] - orders_out[i] + rent[i] for i in range(13)]
	assert [week["net_flow"] for week in weeks] == [round(net, 2) for net in nets]
	assert weeks[-1]["closing_balance"] == flt(flt(cash_before) + sum(nets), 2)


def test_a_saved_forecast_shows_the_actuals_of_the_weeks_that_have_begun():
	docs = generate()
	saved = frappe.get_doc({"doctype": "Cash Forecast", "company": company(), "start_date": today()}).insert()
	start = week_start(getdate(today()))
	assert saved.start_date == start and len(saved.weeks) == 13
	assert saved.overdue_receipts == 400
	assert saved.total_receipts == flt(400 + 200 + 500 + 800, 2)

	_columns, rows, message, chart, summary = report.execute(
		{"company": company(), "cash_forecast": saved.name}
	)
	assert message is None and len(rows) == 13
	this_week = rows[week_of(today(), start)]
	moved = frappe.db.sql(
		"""select gle.voucher_no, sum(gle.debit) - sum(gle.credit) from `tabGL Entry` gle
		join `tabAccount` account on account.name = gle.account
		where gle.company = %s and gle.is_cancelled = 0 and gle.posting_date between %s and %s
		and account.account_type in ('Bank', 'Cash') group by gle.voucher_type, gle.voucher_no""",
		(company(), start, today()),
	)
	assert docs.payment.name in {voucher for voucher, _net in moved}
	assert this_week["actual_receipts"] == flt(sum(net for _v, net in moved if net > 0), 2) >= 300
	assert this_week["actual_payments"] == flt(-sum(net for _v, net in moved if net < 0), 2) >= 1000
	assert this_week["variance"] == flt(this_week["actual_net"] - this_week["net_flow"], 2)
	assert this_week["actual_balance"] == flt(saved.opening_balance + this_week["actual_net"], 2)
	assert "actual_receipts" not in rows[-1]  # the future has no actuals yet
	assert len(chart["data"]["labels"]) == 13 and summary[0]["value"] == saved.opening_balance


def test_the_weekly_job_makes_one_forecast_per_company_and_week(monkeypatch):
	monkeypatch.setattr(frappe.db, "commit", lambda *args, **kwargs: None)
	make_weekly_forecasts()
	make_weekly_forecasts()
	start = week_start(getdate(today()))
	for name in frappe.get_all("Company", pluck="name"):
		assert frappe.db.count("Cash Forecast", {"company": name, "start_date": start}) == 1, name
