"""Consignment at hospitals at scale: the Consignment Stock report on a million ledger rows and 500 hospitals, and a
usage report of 500 rows turned into its invoice.

Run from the bench's sites folder with the bench's Python (what it generates is removed at the end):
    ../env/bin/python /path/to/checkout/tests/perf/bench_consignment.py --site md-test.localhost [--rows 1000000]

It makes 500 hospitals, each with its consignment warehouse (through the app: customers, warehouses on the
consignment stock account), then bulk-inserts what ERPNext writes for the movements (Stock Ledger Entry, one Serial
and Batch Bundle with one Serial and Batch Entry per ledger row): device batches received into Stores, each sent in
three transfers to three hospitals (two rows each) and three of those units used and invoiced from the hospitals,
ten ledger rows a batch, spread over two years, so that --rows ledger rows are written, and the Bins. It makes the
figures the report by hospital keeps (consignment_balance.rebuild) and checks them against the ledger (verify), both
timed once. The generated ledger is committed (as a site's is when someone reads it: InnoDB reads the kept
figures' covering indexes alone only for rows no open transaction wrote) and removed at the end. It times, median of
--repeat runs: the report of one hospital's batches (target under 3 s), and the report by hospital, all 500 (one
row each: units by age and expiry; target under 3 s). Then, with real documents,
it receives 50 batches of a device, places 500 units at one hospital, and times a usage report of 500 rows (one unit
each) from insert to submit, and its Sales Invoice from make to submit (target under 10 s together), rolled back.
"""

import argparse
import datetime
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.ledger_rows import LedgerWriter

HOSPITALS = 500
ROWS_PER_BATCH = 10
CHUNK = 5_000
ITEMS = [f"_Bench MD CS Item {n:02d}" for n in range(20)]
USAGE_ITEM = "_Bench MD CS Usage Stent"
USAGE_ROWS = 500
PREFIX = "BC"


def make_hospitals(frappe, company) -> list[tuple[str, str]]:
	from medical_devices.md_hospitals.consignment import make_consignment_warehouse
	from tests.factories import ensure_party

	hospitals = []
	for n in range(HOSPITALS):
		customer = ensure_party("Customer", f"_Bench MD CS Hospital {n:03d}")
		hospitals.append((customer, make_consignment_warehouse(customer, company)))
	return hospitals


def generate(frappe, rng, company, stores, hospitals, rows: int) -> int:
	from tests.factories import ensure_item

	for item in ITEMS:
		ensure_item(item, "Class III", valuation_rate=100)
	batches = rows // ROWS_PER_BATCH
	today = datetime.date.today()
	writer = LedgerWriter(frappe, company, prefix=PREFIX)
	batch_rows = []
	now = datetime.datetime.now()
	for n in range(batches):
		item = ITEMS[n % len(ITEMS)]
		batch = f"BENCH-CS{n:07d}"
		received = today - datetime.timedelta(days=rng.randrange(20, 730))
		expiry = received + datetime.timedelta(days=rng.randrange(200, 1500))
		batch_rows.append(
			(batch, batch, item, expiry, "Released", now, now, "Administrator", "Administrator")
		)
		rate = 100 + n % 50
		writer.move("Purchase Receipt", f"BCS-PR-{n:07d}", item, batch, stores, 6, received, rate)
		for leg in range(3):
			_customer, place = hospitals[rng.randrange(len(hospitals))]
			sent = received + datetime.timedelta(days=1 + leg * 5)
			voucher = f"BCS-SE-{n:07d}-{leg}"
			writer.move("Stock Entry", voucher, item, batch, stores, -2, sent, rate)
			writer.move("Stock Entry", voucher, item, batch, place, 2, sent, rate)
			used = min(sent + datetime.timedelta(days=rng.randrange(1, 60)), today)
			writer.move("Sales Invoice", f"BCS-SI-{n:07d}-{leg}", item, batch, place, -1, used, rate)
	writer.flush()
	writer.write_bins()
	for start in range(0, len(batch_rows), CHUNK):
		frappe.db.bulk_insert(
			"Batch",
			[
				"name",
				"batch_id",
				"item",
				"expiry_date",
				"md_batch_status",
				"creation",
				"modified",
				"owner",
				"modified_by",
			],
			batch_rows[start : start + CHUNK],
		)
	return writer.count


def timed(function, repeat):
	times, result = [], None
	for _ in range(repeat):
		start = time.perf_counter()
		result = function()
		times.append(time.perf_counter() - start)
	return statistics.median(times), result


def usage_to_invoice(frappe, company, stores, hospital, place):
	"""500 units placed at the hospital by real documents; then the timed usage report and its invoice."""
	from medical_devices.md_hospitals.doctype.consignment_usage_report.consignment_usage_report import (
		make_sales_invoice,
	)
	from tests.factories import (
		ensure_item,
		named_batch,
		qualify_party,
		receive_units,
		register_item,
		replenish,
	)

	ensure_item(USAGE_ITEM, "Class III", valuation_rate=3000, md_is_implant=1)
	register_item(USAGE_ITEM, "Class III")
	qualify_party("Customer", hospital)
	batches = []
	for n in range(50):
		batch = named_batch(f"BCSU-{n:02d}-{frappe.generate_hash(length=4)}", USAGE_ITEM)
		receive_units(USAGE_ITEM, batch, 10, rate=3000)
		replenish(place, USAGE_ITEM, batch, 10)
		batches.append(batch)
	rows = [
		{
			"item_code": USAGE_ITEM,
			"batch_no": batches[n % 50],
			"qty": 1,
			"surgery_date": datetime.date.today() - datetime.timedelta(days=1 + n % 20),
			"surgeon": "王医生",
			"hospital_record_no": f"ZY-{n:05d}",
		}
		for n in range(USAGE_ROWS)
	]
	start = time.perf_counter()
	report = frappe.get_doc(
		{"doctype": "Consignment Usage Report", "company": company, "customer": hospital, "items": rows}
	).insert()
	report.submit()
	reported = time.perf_counter() - start
	invoice = make_sales_invoice(report.name)
	invoice.insert()
	invoice.submit()
	total = time.perf_counter() - start
	assert frappe.db.get_value("Consignment Usage Report", report.name, "status") == "Billed"
	return reported, total - reported, total


def breakdown(frappe, company, consignment_balance):
	"""Each read of the report by hospital, timed once (warm)."""
	from frappe.utils import add_days, getdate, today

	from medical_devices.md_hospitals import consignment
	from medical_devices.md_hospitals.report.consignment_stock.consignment_stock import (
		AGEING,
		hospital_warehouses,
	)

	on_date = getdate(today())
	hospitals = hospital_warehouses(frappe._dict(company=company))
	for label, read in (
		("Bin: units and value per hospital and item", lambda: consignment_balance.stock(hospitals)),
		(
			"kept balances: units by expiry",
			lambda: consignment_balance.by_expiry(hospitals, on_date, add_days(on_date, 90)),
		),
		(
			"kept arrivals: units by age",
			lambda: consignment_balance.arrived_since(
				hospitals, {limit: add_days(on_date, -limit) for limit, _l in AGEING}
			),
		),
		("usage reports: used, not billed", lambda: consignment.unbilled_use(list(hospitals))),
	):
		seconds, rows = timed(read, 1)
		print(f"  {label:45} {seconds:6.2f} s  ({len(rows):,} rows)")


def main():
	parser = argparse.ArgumentParser(description=__doc__)
	parser.add_argument("--site", required=True)
	parser.add_argument("--rows", type=int, default=1_000_000)
	parser.add_argument("--repeat", type=int, default=5)
	parser.add_argument("--seed", type=int, default=20261202)
	parser.add_argument("--no-check", action="store_true", help="skip the check against the ledger (verify)")
	args = parser.parse_args()

	import frappe

	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	from medical_devices.md_hospitals.report.consignment_stock.consignment_stock import execute
	from tests.factories import first_company_stores, trace_masters

	try:
		company, stores = first_company_stores()
		trace_masters()
		started = time.perf_counter()
		hospitals = make_hospitals(frappe, company)
		print(
			f"made {len(hospitals)} hospitals with consignment warehouses in {time.perf_counter() - started:.0f} s"
		)
		frappe.db.commit()  # nosemgrep: the generated ledger is committed, as a site's ledger is when it is read
		started = time.perf_counter()
		written = generate(frappe, random.Random(args.seed), company, stores, hospitals, args.rows)
		frappe.db.commit()  # nosemgrep
		sle = frappe.db.sql("select count(*) from `tabStock Ledger Entry`")[0][0]
		print(
			f"wrote {written:,} ledger rows in {time.perf_counter() - started:.0f} s; {sle:,} Stock Ledger Entries"
		)
		from medical_devices.md_hospitals import consignment_balance

		started = time.perf_counter()
		consignment_balance.rebuild()
		frappe.db.commit()  # nosemgrep
		kept = [
			frappe.db.count(table) for table in (consignment_balance.BALANCE, consignment_balance.ARRIVAL)
		]
		print(
			f"kept figures made from the ledger in {time.perf_counter() - started:.1f} s: "
			f"{kept[0]:,} batch balances, {kept[1]:,} arrival days"
		)
		if not args.no_check:
			started = time.perf_counter()
			differences = consignment_balance.verify()
			print(
				f"kept figures checked against the ledger in {time.perf_counter() - started:.1f} s: {len(differences)} differences"
			)
			assert not differences
		one = hospitals[len(hospitals) // 2][0]
		seconds, (_columns, data) = timed(lambda: execute({"company": company, "customer": one}), args.repeat)
		print(
			f"Consignment Stock, one hospital ({len(data)} rows)       median {seconds:6.2f} s  (target 3 s)"
		)
		seconds, (_columns, data) = timed(lambda: execute({"company": company}), args.repeat)
		print(
			f"Consignment Stock by hospital, all {len(data)} hospitals  median {seconds:6.2f} s  (target 3 s)"
		)
		breakdown(frappe, company, consignment_balance)
		frappe.flags.pop("warehouse_account_map", None)
		reported, invoiced, total = usage_to_invoice(frappe, company, stores, *hospitals[0])
		print(
			f"usage report of {USAGE_ROWS} rows: report {reported:5.2f} s + invoice {invoiced:5.2f} s = {total:5.2f} s  (target 10 s)"
		)
	finally:
		frappe.db.rollback()
		clean_up(frappe)
		frappe.destroy()


def clean_up(frappe):
	"""The generated ledger, its batches and the figures kept of it removed (the hospitals stay for the next run)."""
	from medical_devices.md_hospitals import consignment_balance

	for doctype, pattern in (
		("Stock Ledger Entry", f"{PREFIX}SLE-%"),
		("Serial and Batch Entry", f"{PREFIX}SBE-%"),
		("Serial and Batch Bundle", f"{PREFIX}SB-%"),
		("Bin", f"{PREFIX}BIN-%"),
		("Batch", "BENCH-CS%"),
	):
		frappe.db.sql(f"delete from `tab{doctype}` where name like %s", pattern)
		frappe.db.commit()  # nosemgrep
	consignment_balance.rebuild()
	frappe.db.commit()  # nosemgrep


if __name__ == "__main__":
	main()
