"""The daily expiry job on 100,000 device batches.

Run from the bench's sites folder with the bench's Python:
    ../env/bin/python /path/to/checkout/tests/perf/bench_expiry_job.py --site md-test.localhost [--batches 100000]

It inserts the batches in bulk (20 device items; expiry spread from 60 days ago to 2 years ahead; 80 % with
stock, as `batch_qty`), then times `flag_expiring_batches` twice, each with the audit trail's work at the commit
(chaining one entry per batch changed and per history row): the first run, which marks every expired batch Expired
(with its history row), flags every batch in stock inside a window and sends the alerts, and the next day's run,
which finds little to change. The process's peak memory is reported. Everything is rolled back at the end. Exits 1
when the first run takes 10 s or more.
"""

import argparse
import datetime
import os
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

ITEMS = [f"_Bench MD Expiry Item {n:02d}" for n in range(20)]


def make_batches(frappe, count: int, rng: random.Random):
	from tests.factories import ensure_item

	for code in ITEMS:
		ensure_item(code)
	today = datetime.date.today()
	now = datetime.datetime.now()
	values = []
	for n in range(count):
		name = f"BENCH-EXP-{n:07d}"
		values.append(
			(
				name,
				name,
				rng.choice(ITEMS),
				today + datetime.timedelta(days=rng.randint(-60, 730)),
				rng.randint(1, 500) if rng.random() < 0.8 else 0,
				"Released",
				0,
				now,
				now,
				"Administrator",
				"Administrator",
			)
		)
	fields = [
		"name",
		"batch_id",
		"item",
		"expiry_date",
		"batch_qty",
		"md_batch_status",
		"md_expiry_alert_window",
		"creation",
		"modified",
		"owner",
		"modified_by",
	]
	for start in range(0, count, 10000):
		frappe.db.bulk_insert("Batch", fields, values[start : start + 10000])


def main():
	parser = argparse.ArgumentParser(description=__doc__)
	parser.add_argument("--site", required=True)
	parser.add_argument("--batches", type=int, default=100_000)
	parser.add_argument("--seed", type=int, default=20261128)
	args = parser.parse_args()

	import frappe

	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	from medical_devices.audit.trail import flush
	from medical_devices.gsp.expiry_alerts import flag_expiring_batches

	def job(on_date):
		started = time.perf_counter()
		result = flag_expiring_batches(on_date)
		flush()  # what the job's commit runs: chain every staged entry
		return result, time.perf_counter() - started

	try:
		started = time.perf_counter()
		make_batches(frappe, args.batches, random.Random(args.seed))
		flush()
		generated = time.perf_counter() - started
		today = datetime.date.today()
		entries = frappe.db.count("Audit Trail Entry")
		if os.environ.get("MD_PROFILE"):
			import cProfile

			cProfile.runctx("job(today)", globals(), locals(), sort="cumulative")
			frappe.db.rollback()
			return
		first, first_seconds = job(today)
		chained = frappe.db.count("Audit Trail Entry") - entries
		second, second_seconds = job(today + datetime.timedelta(days=1))
	finally:
		frappe.db.rollback()
	print(f"site {args.site}: {args.batches:,} device batches generated in {generated:.1f} s")
	print(
		f"first run   {first_seconds:6.2f} s  expired {first['expired']:,}, flagged {first['flagged']:,}, "
		f"alerts {first['alerted']}, audit entries chained {chained:,}"
	)
	print(
		f"next day    {second_seconds:6.2f} s  expired {second['expired']:,}, flagged {second['flagged']:,}"
	)
	print(f"max RSS of the process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
	frappe.destroy()
	sys.exit(0 if first_seconds < 10 else 1)


if __name__ == "__main__":
	main()
