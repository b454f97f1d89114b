"""The daily ledger reconciliation and the working-capital KPIs of a company with a million GL entries.

Run from the bench's sites folder with the bench's Python:
    ../env/bin/python /path/to/checkout/tests/perf/bench_reconciliation.py --site md-test.localhost [--gl 1000000]

It bulk-inserts a consistent ledger into a company of its own making (no controllers: GL Entry, Stock Ledger Entry
and Payment Ledger Entry rows written together): purchase receipts (stock debit, payable credit, one stock ledger
row, one payment ledger row) and deliveries with their invoices (receivable debit, income credit, cost of goods
debit, stock credit), in the proportion that gives --gl GL rows, spread over two years, 20 warehouses, 2,000
parties. Stock ledger rows carry one of 5,000 batches, and one receipt in twenty
has a quality cost on its batch (a Quality Cost Entry and its two GL rows tagged with the batch). It then writes
one stray GL row of 123.45 on the stock account and times, median of --rounds, the reconciliation itself, the
whole job (`run_reconciliation`: the checks, the dated record, the alerts), the KPIs of the last 365 days
(`company_kpis`), the cost of every batch, the product-line margin of the year and the twelve-month charts.
Rolled back at the end. Exits 1 when any of them takes 30 s or more, or when the stray row is not the one
difference found.
"""

import argparse
import datetime
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

COMPANY = "_Bench MD Reconciliation Co"
ABBR = "BMR"


def make_company(frappe):
	if frappe.db.exists("Company", COMPANY):
		return
	frappe.get_doc(
		{
			"doctype": "Company",
			"company_name": COMPANY,
			"abbr": ABBR,
			"default_currency": "CNY",
			"country": "China",
			"create_chart_of_accounts_based_on": "Standard Template",
			"chart_of_accounts": "Standard",
			"enable_perpetual_inventory": 1,
		}
	).insert(ignore_permissions=True)


def accounts(frappe):
	def one(**filters):
		return frappe.db.get_value("Account", {"company": COMPANY, "is_group": 0, **filters}, "name")

	company = frappe.get_doc("Company", COMPANY)
	return frappe._dict(
		stock=company.default_inventory_account or one(account_type="Stock"),
		receivable=company.default_receivable_account or one(account_type="Receivable"),
		payable=company.default_payable_account or one(account_type="Payable"),
		income=company.default_income_account or one(root_type="Income"),
		cogs=one(account_type="Cost of Goods Sold") or one(root_type="Expense"),
	)


def warehouses(frappe, count=20):
	parent = frappe.db.get_value("Warehouse", {"company": COMPANY, "is_group": 1}, "name")
	names = []
	for n in range(count):
		name = f"Bench Store {n:02d} - {ABBR}"
		if not frappe.db.exists("Warehouse", name):
			frappe.get_doc(
				{
					"doctype": "Warehouse",
					"warehouse_name": f"Bench Store {n:02d}",
					"company": COMPANY,
					"parent_warehouse": parent,
				}
			).insert(ignore_permissions=True)
		names.append(name)
	return names


def insert_rows(frappe, doctype: str, fields: list[str], rows: list[tuple]):
	"""Many rows in one statement per batch (PyMySQL's executemany), far faster than building it with pypika."""
	columns = ", ".join(f"`{field}`" for field in fields)
	placeholders = ", ".join(["%s"] * len(fields))
	with frappe.db._conn.cursor() as cursor:
		cursor.executemany(f"insert into `tab{doctype}` ({columns}) values ({placeholders})", rows)


QUALITY_FIELDS = [
	"name",
	"company",
	"batch",
	"item_code",
	"cost_type",
	"posting_date",
	"amount",
	"description",
	"expense_account",
	"credit_account",
	"journal_entry",
	"docstatus",
	"creation",
	"modified",
	"owner",
	"modified_by",
]


def make_batches(frappe, stamp, count=5000) -> list[str]:
	"""5,000 batches of one batch-tracked item, as ERPNext names them when the batch ID is the name."""
	if not frappe.db.exists("Item", "_Bench Item"):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": "_Bench Item",
				"item_group": frappe.db.get_value("Item Group", {"is_group": 0}),
				"stock_uom": "Nos",
				"is_stock_item": 1,
				"has_batch_no": 1,
			}
		).insert(ignore_permissions=True)
	names = [f"BMR-B{n:05d}" for n in range(count)]
	insert_rows(
		frappe,
		"Batch",
		["name", "batch_id", "item", "creation", "modified", "owner", "modified_by"],
		[(name, name, "_Bench Item", *stamp) for name in names],
	)
	return names


def gl_row(name, day, account, debit, credit, voucher, party=(None, None), batch=None, stamp=()) -> tuple:
	"""A GL Entry row in the order of `gl_fields` (CNY, the bench company, not cancelled)."""
	return (
		name,
		day,
		account,
		debit,
		credit,
		debit,
		credit,
		"CNY",
		COMPANY,
		*voucher,
		*party,
		0,
		"",
		batch,
		*stamp,
	)


def make_ledger(frappe, gl_rows: int, rng: random.Random):
	from medical_devices.md_finance.ledger import QUALITY_COSTS, create_finance_accounts, finance_account

	create_finance_accounts(COMPANY)
	acc = accounts(frappe)
	stores = warehouses(frappe)
	now = datetime.datetime.now()
	start = datetime.date.today() - datetime.timedelta(days=730)
	stamp = (now, now, "Administrator", "Administrator")
	meta = ["creation", "modified", "owner", "modified_by"]
	gl_fields = [
		"name",
		"posting_date",
		"account",
		"debit",
		"credit",
		"debit_in_account_currency",
		"credit_in_account_currency",
		"account_currency",
		"company",
		"voucher_type",
		"voucher_no",
		"party_type",
		"party",
		"is_cancelled",
		"remarks",
		"md_batch",
		*meta,
	]
	sle_fields = [
		"name",
		"item_code",
		"warehouse",
		"posting_date",
		"posting_time",
		"posting_datetime",
		"voucher_type",
		"voucher_no",
		"actual_qty",
		"stock_value_difference",
		"company",
		"is_cancelled",
		"batch_no",
		*meta,
	]
	ple_fields = [
		"name",
		"posting_date",
		"company",
		"account",
		"account_type",
		"party_type",
		"party",
		"voucher_type",
		"voucher_no",
		"against_voucher_type",
		"against_voucher_no",
		"amount",
		"amount_in_account_currency",
		"account_currency",
		"delinked",
		*meta,
	]
	gl, sle, ple, quality = [], [], [], []
	counter = 0
	batches = make_batches(frappe, stamp)
	quality_account = finance_account(COMPANY, QUALITY_COSTS)
	cash = frappe.get_cached_value("Company", COMPANY, "default_cash_account")

	def flush(force=False):
		for doctype, fields, rows in (
			("GL Entry", gl_fields, gl),
			("Stock Ledger Entry", sle_fields, sle),
			("Payment Ledger Entry", ple_fields, ple),
			("Quality Cost Entry", QUALITY_FIELDS, quality),
		):
			if rows and (force or len(rows) >= 20000):
				insert_rows(frappe, doctype, fields, rows)
				rows.clear()

	# 2 receipts (2 GL rows each) for every delivery with invoice (4 GL rows): 8 GL rows per group of three
	groups = gl_rows // 8
	quality_rows = 0
	for n in range(groups * 3):
		counter += 1
		day = start + datetime.timedelta(days=rng.randrange(730))
		store = rng.choice(stores)
		value = round(rng.uniform(10, 5000), 2)
		party = f"Bench Party {rng.randrange(2000):04d}"
		batch = batches[rng.randrange(len(batches))]
		if n % 3 < 2:
			voucher = ("Purchase Receipt", f"BMR-PR-{counter:08d}")
			gl.append(gl_row(f"BMRG{counter:09d}a", day, acc.stock, value, 0, voucher, stamp=stamp))
			gl.append(
				gl_row(
					f"BMRG{counter:09d}b",
					day,
					acc.payable,
					0,
					value,
					voucher,
					party=("Supplier", party),
					stamp=stamp,
				)
			)
			sle.append(
				(
					f"BMRS{counter:09d}",
					"_Bench Item",
					store,
					day,
					"10:00:00",
					datetime.datetime.combine(day, datetime.time(10)),
					*voucher,
					1,
					value,
					COMPANY,
					0,
					batch,
					*stamp,
				)
			)
			ple.append(
				(
					f"BMRP{counter:09d}",
					day,
					COMPANY,
					acc.payable,
					"Payable",
					"Supplier",
					party,
					*voucher,
					*voucher,
					value,
					value,
					"CNY",
					0,
					*stamp,
				)
			)
		else:
			voucher = ("Sales Invoice", f"BMR-SI-{counter:08d}")
			price = round(value * 1.3, 2)
			gl.append(
				gl_row(
					f"BMRG{counter:09d}a",
					day,
					acc.receivable,
					price,
					0,
					voucher,
					party=("Customer", party),
					stamp=stamp,
				)
			)
			gl.append(gl_row(f"BMRG{counter:09d}b", day, acc.income, 0, price, voucher, stamp=stamp))
			gl.append(gl_row(f"BMRG{counter:09d}c", day, acc.cogs, value, 0, voucher, stamp=stamp))
			gl.append(gl_row(f"BMRG{counter:09d}d", day, acc.stock, 0, value, voucher, stamp=stamp))
			sle.append(
				(
					f"BMRS{counter:09d}",
					"_Bench Item",
					store,
					day,
					"11:00:00",
					datetime.datetime.combine(day, datetime.time(11)),
					*voucher,
					-1,
					-value,
					COMPANY,
					0,
					batch,
					*stamp,
				)
			)
			ple.append(
				(
					f"BMRP{counter:09d}",
					day,
					COMPANY,
					acc.receivable,
					"Receivable",
					"Customer",
					party,
					*voucher,
					*voucher,
					price,
					price,
					"CNY",
					0,
					*stamp,
				)
			)
		# a quality cost on one batch in twenty receipts: a Quality Cost Entry and its journal
		if n % 60 == 0:
			entry, journal = f"BMR-QCE-{counter:08d}", ("Journal Entry", f"BMR-JE-{counter:08d}")
			cost = round(rng.uniform(50, 500), 2)
			for suffix, account, debit, credit in (("q", quality_account, cost, 0), ("r", cash, 0, cost)):
				gl.append(
					gl_row(
						f"BMRG{counter:09d}{suffix}",
						day,
						account,
						debit,
						credit,
						journal,
						batch=batch,
						stamp=stamp,
					)
				)
			quality.append(
				(
					entry,
					COMPANY,
					batch,
					"_Bench Item",
					"Inspection",
					day,
					cost,
					"bench",
					quality_account,
					cash,
					journal[1],
					1,
					*stamp,
				)
			)
			quality_rows += 2
		flush()
	flush(force=True)
	return acc, groups * 8 + quality_rows


def main():
	parser = argparse.ArgumentParser(description=__doc__)
	parser.add_argument("--site", required=True)
	parser.add_argument("--gl", type=int, default=1_000_000)
	parser.add_argument("--rounds", type=int, default=3)
	parser.add_argument("--seed", type=int, default=20261128)
	args = parser.parse_args()

	import frappe

	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	from medical_devices.md_finance import trends
	from medical_devices.md_finance.batch_costs import batch_costs
	from medical_devices.md_finance.doctype.ledger_reconciliation.ledger_reconciliation import (
		run_reconciliation,
	)
	from medical_devices.md_finance.kpis import company_kpis
	from medical_devices.md_finance.reconciliation import is_difference, reconcile
	from medical_devices.md_finance.report.product_line_margin import product_line_margin

	frappe.db.commit = lambda *a, **k: (
		None
	)  # keep everything, the job's commits included, in one rolled-back transaction
	try:
		started = time.perf_counter()
		make_company(frappe)
		acc, gl_count = make_ledger(frappe, args.gl, random.Random(args.seed))
		generated = time.perf_counter() - started
		today = datetime.date.today()
		from tests.factories import inject_gl

		inject_gl(acc.stock, debit=123.45, company=COMPANY)
		timings = []
		for _ in range(args.rounds):
			begun = time.perf_counter()
			lines = reconcile(COMPANY, today)
			timings.append(time.perf_counter() - begun)
		found = [row for row in lines if is_difference(row)]
		kpi_timings = []
		for _ in range(args.rounds):
			begun = time.perf_counter()
			figures = company_kpis(COMPANY, today - datetime.timedelta(days=364), today)
			kpi_timings.append(time.perf_counter() - begun)
		views = {}
		for label, view in (
			("batch_costs() all 5,000 batches", lambda: batch_costs(COMPANY, today)),
			(
				"Product Line Margin, 365 days",
				lambda: product_line_margin.execute(
					{
						"company": COMPANY,
						"from_date": today - datetime.timedelta(days=364),
						"to_date": today,
						"group_by": "Item Group",
					}
				),
			),
			("working capital days, 12 months", lambda: trends.working_capital_days(COMPANY, today)),
			("quality and recall costs, 12 months", lambda: trends.cost_series(COMPANY, today)),
		):
			samples = []
			for _ in range(args.rounds):
				begun = time.perf_counter()
				result = view()
				samples.append(time.perf_counter() - begun)
			views[label] = (statistics.median(samples), result)
		jobs = []
		for _ in range(args.rounds):
			doc = frappe.get_doc(
				{"doctype": "Ledger Reconciliation", "company": COMPANY, "as_of_date": today}
			).insert()
			begun = time.perf_counter()
			run_reconciliation(doc.name)
			jobs.append(time.perf_counter() - begun)
		status = frappe.db.get_value("Ledger Reconciliation", doc.name, ["status", "differences_found"])
	finally:
		frappe.db.rollback()
	right = [(row["account"], row["difference"]) for row in found] == [(acc.stock, -123.45)]
	print(
		f"site {args.site}: {gl_count:,} GL rows (+ stock and payment ledger rows) generated in {generated:.0f} s"
	)
	print(
		f"reconcile()          {statistics.median(timings):6.2f} s  ({len(lines)} lines; differences: {found})"
	)
	print(f"whole job            {statistics.median(jobs):6.2f} s  (record status {status})")
	print(
		f"company_kpis()       {statistics.median(kpi_timings):6.2f} s  (DIO {figures['dio']}, DSO {figures['dso']}, "
		f"DPO {figures['dpo']}, CCC {figures['cash_conversion_cycle']})"
	)
	for label, (seconds, result) in views.items():
		size = len(result) if isinstance(result, list | dict) else len(result[1])
		print(f"{label:36} {seconds:6.2f} s  ({size} rows)")
	frappe.destroy()
	fast = (
		statistics.median(jobs) < 30
		and statistics.median(kpi_timings) < 30
		and all(seconds < 30 for seconds, _result in views.values())
	)
	sys.exit(0 if fast and right else 1)


if __name__ == "__main__":
	main()
