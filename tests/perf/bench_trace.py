"""Trace speed on a stock ledger of a million rows.

Run from the bench's sites folder with the bench's Python, on a site of its own (the data is committed):
    ../env/bin/python /path/to/checkout/tests/perf/bench_trace.py --site md-perf.localhost --generate
    ../env/bin/python /path/to/checkout/tests/perf/bench_trace.py --site md-perf.localhost

--generate bulk-inserts what ERPNext itself writes for these movements (Stock Ledger Entry, one Serial and Batch
Bundle with one Serial and Batch Entry per ledger row, the vouchers' header rows, batches, customers): 100,000
device batches, each received once and delivered in 9 rows spread over 5,000 customers (1,000,000 ledger rows);
100 manufacturing chains three levels deep (each batch made from two of the level below in a Repack entry); and one
batch delivered in 10,000 rows. Without --generate it measures, median of --repeat runs:
forward trace of one ordinary batch (target under 5 ms), backward trace of a level-3 batch (under 20 ms), the
recall scope of the 10,000-row batch as a recall computes it (`engine.scope`: the batches reached and the holders
per customer, under 50 ms), and for comparison the same holders from the whole forward trace's nodes.
"""

import argparse
import datetime
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.factories import first_company
from tests.ledger_rows import LedgerWriter

BATCHES = 100_000
CUSTOMERS = 5_000
DELIVERIES_PER_BATCH = 9
ROWS_PER_NOTE = 10
CHAINS = 100
HOT_ROWS = 10_000
ITEMS = [f"_Bench MD Trace Item {n:02d}" for n in range(50)]
CHUNK = 5_000


def generate(frappe, rng: random.Random):
	if not first_company():
		from medical_devices.testing import before_tests

		before_tests()  # ERPNext's own test setup: a company, UOMs, groups
	company = first_company()
	warehouse = frappe.db.get_value(
		"Warehouse", {"company": company, "is_group": 0, "warehouse_name": "Stores"}
	)
	from tests.factories import ensure_item

	for code in ITEMS:
		ensure_item(code)
	now = datetime.datetime.now()
	today = datetime.date.today()
	customer_group = frappe.db.get_value("Customer Group", {"is_group": 0})
	territory = frappe.db.get_value("Territory", {"is_group": 0})
	customers = [f"BENCH-CUST-{n:05d}" for n in range(CUSTOMERS)]
	for start in range(0, CUSTOMERS, CHUNK):
		frappe.db.bulk_insert(
			"Customer",
			[
				"name",
				"customer_name",
				"customer_type",
				"customer_group",
				"territory",
				"creation",
				"modified",
				"owner",
				"modified_by",
			],
			[
				(c, c, "Company", customer_group, territory, now, now, "Administrator", "Administrator")
				for c in customers[start : start + CHUNK]
			],
		)
	supplier = "BENCH-SUPPLIER"
	frappe.db.bulk_insert(
		"Supplier",
		["name", "supplier_name", "supplier_group", "creation", "modified", "owner", "modified_by"],
		[
			(
				supplier,
				supplier,
				frappe.db.get_value("Supplier Group", {"is_group": 0}),
				now,
				now,
				"Administrator",
				"Administrator",
			)
		],
	)
	batches = [(f"BENCH-B{n:06d}", rng.choice(ITEMS)) for n in range(BATCHES)]
	chain_batches = [
		(f"BENCH-M{c:03d}-{level}-{k}", ITEMS[0])
		for c in range(CHAINS)
		for level in (1, 2, 3)
		for k in range(2 ** (3 - level))
	]
	hot = ("BENCH-HOT", ITEMS[1])
	all_batches = [*batches, *chain_batches, hot]
	for start in range(0, len(all_batches), CHUNK):
		frappe.db.bulk_insert(
			"Batch",
			[
				"name",
				"batch_id",
				"item",
				"expiry_date",
				"md_batch_status",
				"batch_qty",
				"creation",
				"modified",
				"owner",
				"modified_by",
			],
			[
				(
					b,
					b,
					item,
					today + datetime.timedelta(days=700),
					"Released",
					1,
					now,
					now,
					"Administrator",
					"Administrator",
				)
				for b, item in all_batches[start : start + CHUNK]
			],
		)
	frappe.db.commit()

	writer = LedgerWriter(frappe, company)
	receipts, notes, entries = [], [], []
	day0 = today - datetime.timedelta(days=300)
	# receipts: 10 batches per Purchase Receipt (incl. the raw batches of the chains and the hot batch)
	raw = [*batches, *[b for b in chain_batches if b[0].endswith(tuple(f"-1-{k}" for k in range(4)))], hot]
	for index in range(0, len(raw), 10):
		name = f"BENCH-PR-{index // 10:06d}"
		receipts.append((name, supplier, company, day0, 1))
		for batch, item in raw[index : index + 10]:
			writer.move(
				"Purchase Receipt", name, item, batch, warehouse, HOT_ROWS if batch == hot[0] else 10, day0
			)
	# deliveries: 9 rows per batch, 10 rows per Delivery Note, to random customers
	pending = []
	for batch, item in batches:
		pending += [(batch, item)] * DELIVERIES_PER_BATCH
	rng.shuffle(pending)
	pending += [hot] * HOT_ROWS
	for index in range(0, len(pending), ROWS_PER_NOTE):
		name = f"BENCH-DN-{index // ROWS_PER_NOTE:06d}"
		day = day0 + datetime.timedelta(days=1 + (index // ROWS_PER_NOTE) % 250)
		notes.append((name, rng.choice(customers), company, day, 1))
		for batch, item in pending[index : index + ROWS_PER_NOTE]:
			writer.move("Delivery Note", name, item, batch, warehouse, -1, day)
	# manufacturing chains: level L batch k made from level L-1 batches 2k and 2k+1
	for c in range(CHAINS):
		for level in (2, 3):
			for k in range(2 ** (3 - level)):
				name = f"BENCH-SE-{c:03d}-{level}-{k}"
				day = day0 + datetime.timedelta(days=level)
				entries.append((name, "Repack", "Repack", company, day, 1))
				for source in (2 * k, 2 * k + 1):
					source_batch = f"BENCH-M{c:03d}-{level - 1}-{source}"
					writer.move("Stock Entry", name, ITEMS[0], source_batch, warehouse, -5, day)
				writer.move("Stock Entry", name, ITEMS[0], f"BENCH-M{c:03d}-{level}-{k}", warehouse, 10, day)
	writer.flush()
	for doctype, fields, rows in (
		("Purchase Receipt", ["name", "supplier", "company", "posting_date", "docstatus"], receipts),
		("Delivery Note", ["name", "customer", "company", "posting_date", "docstatus"], notes),
		(
			"Stock Entry",
			["name", "purpose", "stock_entry_type", "company", "posting_date", "docstatus"],
			entries,
		),
	):
		for start in range(0, len(rows), CHUNK):
			frappe.db.bulk_insert(doctype, fields, rows[start : start + CHUNK])
	frappe.db.commit()
	return writer.count


def timed(function, repeat):
	times = []
	result = None
	for _ in range(repeat):
		start = time.perf_counter()
		result = function()
		times.append(time.perf_counter() - start)
	return statistics.median(times), result


def main():
	parser = argparse.ArgumentParser(description=__doc__)
	parser.add_argument("--site", required=True)
	parser.add_argument("--generate", action="store_true")
	parser.add_argument("--repeat", type=int, default=7)
	parser.add_argument("--seed", type=int, default=20261128)
	args = parser.parse_args()

	import frappe

	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	if args.generate:
		started = time.perf_counter()
		rows = generate(frappe, random.Random(args.seed))
		print(f"generated {rows:,} ledger rows in {time.perf_counter() - started:.0f} s")
	from medical_devices.traceability.engine import holders, scope, trace_backward, trace_forward

	sle = frappe.db.sql("select count(*) from `tabStock Ledger Entry`")[0][0]
	batches = frappe.db.sql("select count(*) from `tabBatch`")[0][0]
	print(f"site {args.site}: {sle:,} Stock Ledger Entries, {batches:,} batches")
	rng = random.Random(args.seed)
	ordinary = [f"BENCH-B{rng.randrange(BATCHES):06d}" for _ in range(args.repeat)]
	times = []
	for batch in ordinary:
		start = time.perf_counter()
		nodes = trace_forward(batch=batch)
		times.append(time.perf_counter() - start)
	print(
		f"forward trace, one batch ({len(nodes)} nodes)     median {statistics.median(times) * 1000:7.1f} ms  (target 5 ms)"
	)
	seconds, nodes = timed(lambda: trace_backward(batch="BENCH-M007-3-0"), args.repeat)
	levels = max(n["level"] for n in nodes)
	batches_found = sum(1 for n in nodes if n["node"] == "batch")
	print(
		f"backward trace, 3 levels ({batches_found} batches, depth {levels})  median {seconds * 1000:7.1f} ms  (target 20 ms)"
	)

	seconds, (_affected, held) = timed(lambda: scope(["BENCH-HOT"]), args.repeat)
	print(
		f"recall scope, 10,000 delivery rows ({len(held)} customers)  median {seconds * 1000:7.1f} ms  (target 50 ms)"
	)
	seconds, traced = timed(lambda: holders(trace_forward(batch="BENCH-HOT")), args.repeat)
	assert traced == held, "the grouped scope differs from the trace's holders"
	print(
		f"the same holders from the whole forward trace ({len(traced)} customers)  median {seconds * 1000:7.1f} ms"
	)
	frappe.destroy()


if __name__ == "__main__":
	main()
