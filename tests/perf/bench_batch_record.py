"""Batch record assembly of a batch made of 200 input batches.

Run from the bench's sites folder with the bench's Python:
    ../env/bin/python /path/to/checkout/tests/perf/bench_batch_record.py --site md-test.localhost [--inputs 200]

Through the document API, in the site's first company: a Material Receipt of --inputs component batches (four
component items), a Manufacture entry consuming all of them into one device batch, and --inspections accepted
Quality Inspections of it. It times the assembly of its Device Batch Record (ledger rows, suppliers, inspections,
nonconformances, label text) and the record's full insert, median of --rounds, rolls everything back, and exits 1
when assembly takes 1 s or more.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

LIMIT = 1.0


def build(frappe, inputs: int, inspections: int):
	from tests.factories import company_stores, ensure_item, quality_inspection, register_item

	stores = company_stores().stores
	components = [ensure_item(f"_BENCH-DBR-COMP-{i}", None, valuation_rate=2) for i in range(4)]
	device = ensure_item("_BENCH-DBR-DEVICE", "Class II", valuation_rate=50)
	register_item(device)
	tag = frappe.generate_hash(length=5)
	batches = [
		frappe.get_doc(
			{"doctype": "Batch", "item": components[i % 4], "batch_id": f"_BENCH-DBR-{tag}-{i:04d}"}
		)
		.insert()
		.name
		for i in range(inputs)
	]
	receipt = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Receipt",
			"purpose": "Material Receipt",
			"items": [
				{
					"item_code": components[i % 4],
					"qty": 10,
					"basic_rate": 2,
					"t_warehouse": stores,
					"batch_no": batch,
					"use_serial_batch_fields": 1,
				}
				for i, batch in enumerate(batches)
			],
		}
	).insert()
	receipt.submit()
	finished = frappe.get_doc(
		{"doctype": "Batch", "item": device, "batch_id": f"_BENCH-DBR-{tag}-F"}
	).insert()
	entry = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Manufacture",
			"purpose": "Manufacture",
			"fg_completed_qty": 100,
			"items": [
				*(
					{
						"item_code": components[i % 4],
						"qty": 5,
						"s_warehouse": stores,
						"batch_no": batch,
						"use_serial_batch_fields": 1,
					}
					for i, batch in enumerate(batches)
				),
				{
					"item_code": device,
					"qty": 100,
					"t_warehouse": stores,
					"batch_no": finished.name,
					"use_serial_batch_fields": 1,
					"is_finished_item": 1,
				},
			],
		}
	).insert()
	entry.submit()
	for _ in range(inspections):
		quality_inspection(device, finished.name, "Accepted", ("Stock Entry", entry.name))
	return finished.name


def main():
	parser = argparse.ArgumentParser(description=__doc__)
	parser.add_argument("--site", required=True)
	parser.add_argument("--inputs", type=int, default=200)
	parser.add_argument("--inspections", type=int, default=5)
	parser.add_argument("--rounds", type=int, default=5)
	args = parser.parse_args()

	import frappe

	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		started = time.perf_counter()
		batch = build(frappe, args.inputs, args.inspections)
		print(
			f"built in {time.perf_counter() - started:.1f} s: {args.inputs} input batches, one Manufacture entry"
		)
		assembly, inserts = [], []
		for _ in range(args.rounds):
			record = frappe.new_doc("Device Batch Record")
			record.batch = batch
			start = time.perf_counter()
			record.assemble()
			assembly.append(time.perf_counter() - start)
			assert len(record.inputs) == args.inputs, len(record.inputs)
		for _ in range(args.rounds):
			frappe.db.savepoint("bench_dbr")
			start = time.perf_counter()
			frappe.get_doc({"doctype": "Device Batch Record", "batch": batch}).insert()
			inserts.append(time.perf_counter() - start)
			frappe.db.rollback(save_point="bench_dbr")
		median = statistics.median(assembly)
		print(f"assembly     {median:6.3f} s  ({args.inputs} inputs, median of {args.rounds})")
		print(f"record insert {statistics.median(inserts):6.3f} s  (assembly, checks and trail entry)")
	finally:
		frappe.db.rollback()
		frappe.destroy()
	sys.exit(0 if median < LIMIT else 1)


if __name__ == "__main__":
	main()
