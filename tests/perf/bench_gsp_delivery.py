"""What the GSP checks add to submitting a 50-row Delivery Note of device batches.

Run from the bench's sites folder with the bench's Python:
    ../env/bin/python /path/to/checkout/tests/perf/bench_gsp_delivery.py --site md-test.localhost [--rounds 7]

It makes 10 device items with 5 released batches each (1,000 units per batch, received by one Purchase Receipt),
a qualified customer, and then, alternating, submits a Delivery Note of 50 rows (one per batch, typed batch
numbers, bundles made by ERPNext on submit) with the controls on and with them off (`enable_controls` = 0, the
hooks still run and return at once). Insert + submit is timed. Everything is rolled back at the end. Exits 1 when
the median with checks is more than 10 % above the median without.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

from tests.factories import first_company

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

ITEMS = [f"_Bench MD GSP Item {n:02d}" for n in range(10)]
PARTY = "_Bench MD GSP Party"


def make_records(frappe):
	from frappe.utils import add_days, today

	from tests.factories import ensure_item, ensure_party, qualify_party, register_item, release

	company = first_company()
	warehouse = frappe.db.get_value(
		"Warehouse", {"company": company, "is_group": 0, "warehouse_name": "Stores"}
	)
	for code in ITEMS:
		register_item(ensure_item(code, has_expiry_date=1, md_min_remaining_shelf_life_days=90))
	for doctype in ("Supplier", "Customer"):
		qualify_party(doctype, ensure_party(doctype, PARTY))
	rows = []
	for code in ITEMS:
		for n in range(5):
			batch = frappe.get_doc(
				{
					"doctype": "Batch",
					"batch_id": f"BENCH-{code[-2:]}-{n}-{frappe.generate_hash(length=5)}",
					"item": code,
					"expiry_date": add_days(today(), 400 + n),
				}
			).insert()
			rows.append({"item_code": code, "batch_no": batch.name})
	receipt = frappe.get_doc(
		{
			"doctype": "Purchase Receipt",
			"company": company,
			"supplier": PARTY,
			"items": [
				{**row, "qty": 1000, "rate": 10, "warehouse": warehouse, "use_serial_batch_fields": 1}
				for row in rows
			],
		}
	)
	receipt.insert()
	receipt.submit()
	for row in rows:
		release(row["batch_no"])
	return company, warehouse, rows


def submit_delivery(frappe, company, warehouse, rows) -> float:
	start = time.perf_counter()
	note = frappe.get_doc(
		{
			"doctype": "Delivery Note",
			"company": company,
			"customer": PARTY,
			"items": [
				{**row, "qty": 1, "rate": 20, "warehouse": warehouse, "use_serial_batch_fields": 1}
				for row in rows
			],
		}
	)
	note.insert()
	note.submit()
	return time.perf_counter() - start


def set_controls(frappe, on: bool):
	from tests.factories import set_settings

	set_settings(enable_controls=1 if on else 0)


def main():
	parser = argparse.ArgumentParser(description=__doc__)
	parser.add_argument("--site", required=True)
	parser.add_argument("--rounds", type=int, default=7)
	args = parser.parse_args()

	import frappe

	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		company, warehouse, rows = make_records(frappe)
		submit_delivery(frappe, company, warehouse, rows)  # warm caches, as a running server has them
		timings = {True: [], False: []}
		for round_no in range(args.rounds):
			order = (True, False) if round_no % 2 == 0 else (False, True)
			for on in order:
				set_controls(frappe, on)
				timings[on].append(submit_delivery(frappe, company, warehouse, rows))
		set_controls(frappe, True)
	finally:
		frappe.db.rollback()
	on, off = statistics.median(timings[True]), statistics.median(timings[False])
	overhead = (on - off) / off * 100
	print(f"site {args.site}: 50-row Delivery Note insert + submit, {args.rounds} rounds each, alternating")
	print(
		f"checks on   median {on * 1000:7.1f} ms  (min {min(timings[True]) * 1000:.1f}, max {max(timings[True]) * 1000:.1f})"
	)
	print(
		f"checks off  median {off * 1000:7.1f} ms  (min {min(timings[False]) * 1000:.1f}, max {max(timings[False]) * 1000:.1f})"
	)
	print(f"overhead    {overhead:+.1f} % (target under 10 %)")
	frappe.destroy()
	sys.exit(0 if overhead < 10 else 1)


if __name__ == "__main__":
	main()
