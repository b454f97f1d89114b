"""The daily ledger reconciliation and the working-capital KPIs of a company with a million GL entries.

Run from the bench's sites folder with the bench's Python:
    ../env/bin/python /path/to/checkout/tests/perf/bench_reconciliation.py --site md-test.localhost [--gl 1000000]

It bulk-inserts a consistent ledger into a company of its own making (no controllers: GL Entry, Stock Ledger Entry
and Payment Ledger Entry rows written together): purchase receipts (stock debit, payable credit, one stock ledger
row, one payment ledger row) and deliveries with their invoices (receivable debit, income credit, cost of goods
debit, stock credit), in the proportion that gives --gl GL rows, spread over two years, 20 warehouses, 2,000
parties. It then writes one stray GL row of 123.45 on the stock account and times, median of --rounds, the
reconciliation itself, the whole job (`run_reconciliation`: the checks, the dated record, the alerts) and the
KPIs of the last 365 days (`company_kpis`). Rolled back at the end. Exits 1 when the job or the KPIs take 30 s or
more, or when the stray row is not the one difference found.
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


def make_ledger(frappe, gl_rows: int, rng: random.Random):
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
	gl, sle, ple = [], [], []
	counter = 0

	def flush(force=False):
		for doctype, fields, rows in (
			("GL Entry", gl_fields, gl),
			("Stock Ledger Entry", sle_fields, sle),
			("Payment Ledger Entry", ple_fields, ple),
		):
			if rows and (force or len(rows) >= 20000):
				insert_rows(frappe, doctype, fields, rows)
				rows.clear()

	# 2 receipts (2 GL rows each) for every delivery with invoice (4 GL rows): 8 GL rows per group of three
	groups = gl_rows // 8
	for n in range(groups * 3):
		counter += 1
		day = start + datetime.timedelta(days=rng.randrange(730))
		store = rng.choice(stores)
		value = round(rng.uniform(10, 5000), 2)
		party = f"Bench Party {rng.randrange(2000):04d}"
		if n % 3 < 2:
			voucher = ("Purchase Receipt", f"BMR-PR-{counter:08d}")
			gl.append(
				(
					f"BMRG{counter:09d}a",
					day,
					acc.stock,
					value,
					0,
					value,
					0,
					"CNY",
					COMPANY,
					*voucher,
					None,
					None,
					0,
					"",
					*stamp,
				)
			)
			gl.append(
				(
					f"BMRG{counter:09d}b",
					day,
					acc.payable,
					0,
					value,
					0,
					value,
					"CNY",
					COMPANY,
					*voucher,
					"Supplier",
					party,
					0,
					"",
					*stamp,
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
				(
					f"BMRG{counter:09d}a",
					day,
					acc.receivable,
					price,
					0,
					price,
					0,
					"CNY",
					COMPANY,
					*voucher,
					"Customer",
					party,
					0,
					"",
					*stamp,
				)
			)
			gl.append(
				(
					f"BMRG{counter:09d}b",
					day,
					acc.income,
					0,
					price,
					0,
					price,
					"CNY",
					COMPANY,
					*voucher,
					None,
					None,
					0,
					"",
					*stamp,
				)
			)
			gl.append(
				(
					f"BMRG{counter:09d}c",
					day,
					acc.cogs,
					value,
					0,
					value,
					0,
					"CNY",
					COMPANY,
					*voucher,
					None,
					None,
					0,
					"",
					*stamp,
				)
			)
			gl.append(
				(
					f"BMRG{counter:09d}d",
					day,
					acc.stock,
					0,
					value,
					0,
					value,
					"CNY",
					COMPANY,
					*voucher,
					None,
					None,
					0,
					"",
					*stamp,
				)
			)
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
		flush()
	flush(force=True)
	return acc, groups * 8


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
	from medical_devices.md_finance.doctype.ledger_reconciliation.ledger_reconciliation import (
		run_reconciliation,
	)
	from medical_devices.md_finance.kpis import company_kpis
	from medical_devices.md_finance.reconciliation import is_difference, reconcile

	frappe.db.commit = (
		lambda *a, **k: None
	)  # keep everything, the job's commits included, in one rolled-back transaction
	try:
		started = time.perf_counter()
		make_company(frappe)
		acc, gl_count = make_ledger(frappe, args.gl, random.Random(args.seed))
		generated = time.perf_counter() - started
		today = datetime.date.today()
		from tests.integration.test_ledger_reconciliation import inject_gl

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
	frappe.destroy()
	fast = statistics.median(jobs) < 30 and statistics.median(kpi_timings) < 30
	sys.exit(0 if fast and right else 1)


if __name__ == "__main__":
	main()
