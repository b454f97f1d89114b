"""Complaint Trend over 100,000 complaints and a million stock ledger rows.

Run from the bench's sites folder with the bench's Python:
    ../env/bin/python /path/to/checkout/tests/perf/bench_complaints.py --site md-test.localhost [--complaints 100000]

It bulk-inserts, into the site's first company, what the report reads: --sle delivery rows of the Stock Ledger (200
device items, over a year), --bundles outward Serial and Batch Bundles of five batch entries each (20,000 batches),
and --complaints Device Complaints on those items and batches with 30 failure modes. It times the report, median
of --rounds, by item, by batch and by failure mode over the year, rolls everything back, and exits 1 when any
takes 5 s or more.
"""

import argparse
import datetime
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

LIMIT = 5.0
CHUNK = 10_000


def insert_rows(frappe, doctype: str, fields: list[str], rows):
	columns = ", ".join(f"`{field}`" for field in fields)
	placeholders = ", ".join(["%s"] * len(fields))
	with frappe.db._conn.cursor() as cursor:
		for start in range(0, len(rows), CHUNK):
			cursor.executemany(
				f"insert into `tab{doctype}` ({columns}) values ({placeholders})", rows[start : start + CHUNK]
			)


def generate(frappe, company: str, args, rng: random.Random):
	today = datetime.date.today()
	items = [f"_BENCH-CMP-ITEM-{i:03d}" for i in range(200)]
	batches = [(f"_BENCH-CMP-B{i:05d}", items[i % len(items)]) for i in range(20_000)]
	modes = [f"Failure mode {i:02d}" for i in range(30)]
	stamp = datetime.datetime.now()

	def day():
		return today - datetime.timedelta(days=rng.randrange(365))

	insert_rows(
		frappe,
		"Stock Ledger Entry",
		[
			"name",
			"company",
			"item_code",
			"voucher_type",
			"voucher_no",
			"posting_date",
			"actual_qty",
			"is_cancelled",
			"docstatus",
			"creation",
			"modified",
		],
		[
			(
				f"_BENCH-CMP-SLE-{i:07d}",
				company,
				items[i % len(items)],
				"Delivery Note",
				f"_BENCH-DN-{i // 10:06d}",
				day(),
				-rng.randint(1, 10),
				0,
				1,
				stamp,
				stamp,
			)
			for i in range(args.sle)
		],
	)
	bundles = [(f"_BENCH-CMP-SABB-{i:06d}", batches[(i * 5) % len(batches)][1]) for i in range(args.bundles)]
	insert_rows(
		frappe,
		"Serial and Batch Bundle",
		[
			"name",
			"company",
			"item_code",
			"voucher_type",
			"type_of_transaction",
			"posting_date",
			"is_cancelled",
			"docstatus",
			"creation",
			"modified",
		],
		[
			(name, company, item, "Delivery Note", "Outward", day(), 0, 1, stamp, stamp)
			for name, item in bundles
		],
	)
	insert_rows(
		frappe,
		"Serial and Batch Entry",
		["name", "parent", "parenttype", "parentfield", "batch_no", "qty", "creation", "modified"],
		[
			(
				f"{name}-{j}",
				name,
				"Serial and Batch Bundle",
				"entries",
				batches[(i * 5 + j) % len(batches)][0],
				-rng.randint(1, 5),
				stamp,
				stamp,
			)
			for i, (name, _item) in enumerate(bundles)
			for j in range(5)
		],
	)
	insert_rows(
		frappe,
		"Device Complaint",
		[
			"name",
			"company",
			"status",
			"complainant_type",
			"received_on",
			"item_code",
			"batch",
			"failure_mode",
			"reportability",
			"description",
			"creation",
			"modified",
		],
		[
			(
				f"_BENCH-CMP-{i:06d}",
				company,
				"Open",
				"Hospital",
				datetime.datetime.combine(day(), datetime.time(9, 0)),
				batches[i % len(batches)][1],
				batches[i % len(batches)][0],
				modes[rng.randrange(len(modes))],
				"Reportable" if i % 50 == 0 else "Not Reportable",
				"generated",
				stamp,
				stamp,
			)
			for i in range(args.complaints)
		],
	)


def main():
	parser = argparse.ArgumentParser(description=__doc__)
	parser.add_argument("--site", required=True)
	parser.add_argument("--complaints", type=int, default=100_000)
	parser.add_argument("--sle", type=int, default=1_000_000)
	parser.add_argument("--bundles", type=int, default=200_000)
	parser.add_argument("--rounds", type=int, default=3)
	parser.add_argument("--seed", type=int, default=20261202)
	args = parser.parse_args()

	import frappe

	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	from medical_devices.md_quality.report.complaint_trend.complaint_trend import execute

	company = frappe.get_all("Company", pluck="name", order_by="creation", limit=1)[0]
	try:
		started = time.perf_counter()
		generate(frappe, company, args, random.Random(args.seed))
		print(
			f"generated in {time.perf_counter() - started:.1f} s: {args.complaints} complaints, {args.sle} ledger rows, {args.bundles * 5} batch entries"
		)
		filters = {
			"company": company,
			"from_date": datetime.date.today() - datetime.timedelta(days=365),
			"to_date": datetime.date.today(),
		}
		medians = {}
		for group_by in ("Item", "Batch", "Failure Mode"):
			samples = []
			for _ in range(args.rounds):
				start = time.perf_counter()
				_columns, data, _message, _chart = execute(
					{**filters, "group_by": group_by, "alert_ppm": 1000}
				)
				samples.append(time.perf_counter() - start)
			medians[group_by] = statistics.median(samples)
			print(
				f"by {group_by:13s} {medians[group_by]:6.2f} s  ({len(data)} groups, {sum(row['complaints'] for row in data)} complaints)"
			)
	finally:
		frappe.db.rollback()
		frappe.destroy()
	sys.exit(0 if max(medians.values()) < LIMIT else 1)


if __name__ == "__main__":
	main()
