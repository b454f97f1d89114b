"""The 13-week cash forecast of a company with many open documents, and its report with a quarter of actuals.

Run from the bench's sites folder with the bench's Python:
    ../env/bin/python /path/to/checkout/tests/perf/bench_cash_forecast.py --site md-test.localhost [--invoices 20000]

It bulk-inserts into a company of its own --invoices open sales invoices and as many open purchase invoices, each
with a two-instalment payment schedule (a fifth of them part paid, a tenth overdue), a tenth as many open sales and
purchase orders, 20 journal entries repeated by Auto Repeat (weekly and monthly), and 13 weeks of actual bank
movements (--invoices x 5 GL rows: receipts and payments, each a voucher of two rows). It then times, median of
--rounds, the forecast as the weekly job makes it (a Cash Forecast record) and the Cash Forecast report (the saved
forecast with the actuals of every week that has begun). Rolled back at the end. Exits 1 when either takes 30 s or
more, or when the forecast's open receivables do not add up to the invoices' outstanding amounts.
"""

import argparse
import datetime
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.perf.bench_reconciliation import insert_rows

COMPANY = "_Bench MD Cash Co"
ABBR = "BMC"


def make_company(frappe):
	if not frappe.db.exists("Company", COMPANY):
		frappe.get_doc(
			{
				"doctype": "Company",
				"company_name": COMPANY,
				"abbr": ABBR,
				"default_currency": "CNY",
				"country": "China",
				"create_chart_of_accounts_based_on": "Standard Template",
				"chart_of_accounts": "Standard",
			}
		).insert(ignore_permissions=True)
	return frappe.get_doc("Company", COMPANY)


def make_open_documents(frappe, count: int, rng: random.Random, today: datetime.date) -> float:
	"""Open invoices with schedules and open orders; returns the sales invoices' total outstanding."""
	now = datetime.datetime.now()
	stamp = (now, now, "Administrator", "Administrator")
	meta = ["creation", "modified", "owner", "modified_by"]
	receivable = 0.0
	schedule = []
	for doctype, party_field, prefix in (
		("Sales Invoice", "customer", "BMC-SI"),
		("Purchase Invoice", "supplier", "BMC-PI"),
	):
		rows = []
		for n in range(count):
			name = f"{prefix}-{n:07d}"
			posting = today - datetime.timedelta(days=rng.randrange(90))
			total = round(rng.uniform(100, 20000), 2)
			halves = (round(total / 2, 2), round(total - round(total / 2, 2), 2))
			paid = halves[0] if n % 5 == 0 else 0.0
			outstanding = round(total - paid, 2)
			if doctype == "Sales Invoice":
				receivable += outstanding
			due = [posting + datetime.timedelta(days=20), posting + datetime.timedelta(days=45)]
			if n % 10 == 0:
				due = [today - datetime.timedelta(days=40), today - datetime.timedelta(days=20)]
			rows.append(
				(
					name,
					COMPANY,
					f"Bench Party {n % 2000:04d}",
					posting,
					due[-1],
					outstanding,
					1,
					"CNY",
					"CNY",
					1,
					total,
					total,
					*stamp,
				)
			)
			for index, (day, amount) in enumerate(zip(due, halves, strict=True)):
				schedule.append(
					(
						f"{name}-{index}",
						name,
						doctype,
						"payment_schedule",
						index + 1,
						day,
						50,
						amount,
						amount,
						*stamp,
					)
				)
		insert_rows(
			frappe,
			doctype,
			[
				"name",
				"company",
				party_field,
				"posting_date",
				"due_date",
				"outstanding_amount",
				"conversion_rate",
				"party_account_currency",
				"currency",
				"docstatus",
				"grand_total",
				"base_grand_total",
				*meta,
			],
			rows,
		)
	insert_rows(
		frappe,
		"Payment Schedule",
		[
			"name",
			"parent",
			"parenttype",
			"parentfield",
			"idx",
			"due_date",
			"invoice_portion",
			"payment_amount",
			"base_payment_amount",
			*meta,
		],
		schedule,
	)
	for doctype, party_field, date_field, prefix in (
		("Sales Order", "customer", "delivery_date", "BMC-SO"),
		("Purchase Order", "supplier", "schedule_date", "BMC-PO"),
	):
		rows = []
		for n in range(count // 10):
			total = round(rng.uniform(1000, 50000), 2)
			rows.append(
				(
					f"{prefix}-{n:07d}",
					COMPANY,
					f"Bench Party {n % 2000:04d}",
					today - datetime.timedelta(days=rng.randrange(30)),
					today + datetime.timedelta(days=rng.randrange(100)),
					total,
					total,
					rng.choice((0, 0, 50)),
					0,
					1,
					"CNY",
					"To Deliver and Bill" if doctype == "Sales Order" else "To Receive and Bill",
					1,
					*stamp,
				)
			)
		insert_rows(
			frappe,
			doctype,
			[
				"name",
				"company",
				party_field,
				"transaction_date",
				date_field,
				"base_grand_total",
				"grand_total",
				"per_billed",
				"advance_paid",
				"conversion_rate",
				"currency",
				"status",
				"docstatus",
				*meta,
			],
			rows,
		)
	return receivable


def make_recurring_journals(frappe, company, today):
	cash = company.default_cash_account
	expense = frappe.db.get_value(
		"Account", {"company": COMPANY, "root_type": "Expense", "is_group": 0, "account_type": ""}, "name"
	)
	for n in range(20):
		journal = frappe.get_doc(
			{
				"doctype": "Journal Entry",
				"company": COMPANY,
				"posting_date": today,
				"accounts": [
					{
						"account": expense,
						"debit_in_account_currency": 100 + n,
						"cost_center": company.cost_center,
					},
					{
						"account": cash,
						"credit_in_account_currency": 100 + n,
						"cost_center": company.cost_center,
					},
				],
			}
		).insert(ignore_permissions=True)
		journal.submit()
		frappe.get_doc(
			{
				"doctype": "Auto Repeat",
				"reference_doctype": "Journal Entry",
				"reference_document": journal.name,
				"frequency": "Weekly" if n % 2 else "Monthly",
				"start_date": today,
			}
		).insert(ignore_permissions=True)


def make_actuals(
	frappe, company, count: int, rng: random.Random, start: datetime.date, today: datetime.date
) -> float:
	"""Bank movements since the forecast began: receipts and payments, two GL rows each. Returns the receipts."""
	now = datetime.datetime.now()
	stamp = (now, now, "Administrator", "Administrator")
	bank = company.default_cash_account  # a Cash account: ERPNext's standard chart has no bank ledger account
	fields = [
		"name",
		"posting_date",
		"account",
		"debit",
		"credit",
		"company",
		"voucher_type",
		"voucher_no",
		"is_cancelled",
	]
	rows = []
	received = 0.0
	days = max((today - start).days, 0) + 1
	for n in range(count * 5 // 2):
		day = start + datetime.timedelta(days=rng.randrange(days))
		amount = round(rng.uniform(10, 5000), 2)
		receipt = n % 2 == 0
		received += amount if receipt else 0
		voucher = ("Payment Entry", f"BMC-PE-{n:08d}")
		other = company.default_receivable_account if receipt else company.default_payable_account
		rows.append(
			(
				f"BMCG{n:09d}a",
				day,
				bank,
				amount if receipt else 0,
				0 if receipt else amount,
				COMPANY,
				*voucher,
				0,
				*stamp,
			)
		)
		rows.append(
			(
				f"BMCG{n:09d}b",
				day,
				other,
				0 if receipt else amount,
				amount if receipt else 0,
				COMPANY,
				*voucher,
				0,
				*stamp,
			)
		)
		if len(rows) >= 20000:
			insert_rows(frappe, "GL Entry", [*fields, "creation", "modified", "owner", "modified_by"], rows)
			rows.clear()
	if rows:
		insert_rows(frappe, "GL Entry", [*fields, "creation", "modified", "owner", "modified_by"], rows)
	return received


def main():
	parser = argparse.ArgumentParser(description=__doc__)
	parser.add_argument("--site", required=True)
	parser.add_argument("--invoices", type=int, default=20_000)
	parser.add_argument("--rounds", type=int, default=3)
	parser.add_argument("--seed", type=int, default=20261128)
	args = parser.parse_args()

	import frappe

	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	from medical_devices.md_finance.cash_flows import week_start
	from medical_devices.md_finance.report.cash_forecast import cash_forecast as report

	frappe.db.commit = lambda *a, **k: None  # keep everything in one rolled-back transaction
	rng = random.Random(args.seed)
	today = datetime.date.today()
	# the forecast began five weeks ago, so that five weeks of actuals stand beside it
	start = week_start(today) - datetime.timedelta(weeks=4)
	try:
		began = time.perf_counter()
		company = make_company(frappe)
		receivable = make_open_documents(frappe, args.invoices, rng, today)
		make_recurring_journals(frappe, company, today)
		received = make_actuals(frappe, company, args.invoices, rng, start, today)
		generated = time.perf_counter() - began
		forecasts, reports = [], []
		for _ in range(args.rounds):
			begun = time.perf_counter()
			saved = frappe.get_doc(
				{"doctype": "Cash Forecast", "company": COMPANY, "start_date": start}
			).insert()
			forecasts.append(time.perf_counter() - begun)
			begun = time.perf_counter()
			_columns, rows, *_rest = report.execute({"company": COMPANY, "cash_forecast": saved.name})
			reports.append(time.perf_counter() - begun)
		forecast_receivable = sum(row.receipts_from_invoices for row in saved.weeks)
		weeks_with_actuals = sum(1 for row in rows if "actual_receipts" in row)
		actual_receipts = sum(row.get("actual_receipts", 0) for row in rows)
	finally:
		frappe.db.rollback()
	print(
		f"site {args.site}: {args.invoices:,} open sales and {args.invoices:,} purchase invoices, "
		f"{args.invoices // 10:,} open orders of each kind, 20 repeated journals, "
		f"{args.invoices * 5:,} bank GL rows, generated in {generated:.0f} s"
	)
	print(
		f"forecast (Cash Forecast record)   {statistics.median(forecasts):6.2f} s  "
		f"(receipts from invoices {forecast_receivable:,.2f} of {receivable:,.2f} outstanding; "
		f"closing {saved.closing_balance:,.2f})"
	)
	print(
		f"Cash Forecast report             {statistics.median(reports):6.2f} s  ({weeks_with_actuals} weeks with "
		f"actuals; receipts {actual_receipts:,.2f} of {received:,.2f} generated)"
	)
	frappe.destroy()
	adds_up = (
		abs(forecast_receivable - receivable) < 0.05 * len(saved.weeks)
		and abs(actual_receipts - received) < 1
	)
	fast = statistics.median(forecasts) < 30 and statistics.median(reports) < 30
	sys.exit(0 if fast and adds_up else 1)


if __name__ == "__main__":
	main()
