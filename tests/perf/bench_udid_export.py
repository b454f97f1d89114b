"""The NMPA UDID export of a catalogue of 10,000 devices (minimum-sales-unit DIs), as its background job runs it.

Run from the bench's sites folder with the bench's Python:
    ../env/bin/python /path/to/checkout/tests/perf/bench_udid_export.py --site md-test.localhost [--devices 10000]

It inserts in bulk the device items (complete UDID master data), one minimum-sales-unit DI each, a case DI for
every second one, and one registration certificate per ten items, then times, median of --rounds: reading the
catalogue into device records, checking every record, writing the XML, and writing the Excel template; and the
whole job (`run_export` of a Device Data Export: records, checks, XML file saved as a private attachment).
Peak memory of the Python process is reported. Everything is rolled back at the end. Exits 1 when the whole
job takes 10 s or more.
"""

import argparse
import datetime
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

GROUP = "_Bench MD UDID"
PREFIX = "_BENCH-UDID-"


def gtin(n: int, indicator: str) -> str:
	from medical_devices.udi.parser.identifiers import gtin_check_digit

	payload = f"{indicator}697{n:09d}"
	return payload + gtin_check_digit(payload)


def make_catalogue(frappe, count: int):
	if not frappe.db.exists("Item Group", GROUP):
		frappe.get_doc(
			{"doctype": "Item Group", "item_group_name": GROUP, "parent_item_group": "All Item Groups"}
		).insert()
	now = datetime.datetime.now()
	meta = ["creation", "modified", "owner", "modified_by"]
	stamp = [now, now, "Administrator", "Administrator"]
	items, identifiers, certificates, covered = [], [], [], []
	for n in range(count):
		code = f"{PREFIX}{n:06d}"
		items.append(
			(
				code,
				code,
				f"一次性使用无菌注射器 {n}",
				GROUP,
				"Nos",
				1,
				1,
				"Class II",
				f"{n % 50 + 1}ml",
				"Consumable",
				"Medical Device",
				"14-01-02",
				"No MR Labelling",
				1,
				f"<p>一次性使用无菌注射器，规格 {n % 50 + 1}ml</p>",
				"常温",
				*stamp,
			)
		)
		sales_unit = gtin(n, "0")
		identifiers.append(
			(
				sales_unit,
				sales_unit,
				"GS1",
				code,
				"Minimum Sales Unit",
				1,
				None,
				1,
				1,
				1,
				1,
				0,
				1,
				"Active",
				*stamp,
			)
		)
		if n % 2 == 0:
			case = gtin(n, "1")
			identifiers.append(
				(case, case, "GS1", code, "Case", 100, None, 1, 1, 1, 1, 0, 1, "Active", *stamp)
			)
			# the sales unit names its case as parent
			identifiers[-2] = (*identifiers[-2][:6], case, *identifiers[-2][7:])
		if n % 10 == 0:
			number = f"苏械注准2025214{n // 10:05d}"
			certificates.append(
				(
					number,
					number,
					"Registration Certificate",
					"Class II",
					"Valid",
					"江苏华康医疗用品有限公司",
					"一次性使用无菌注射器",
					datetime.date(2025, 1, 1),
					datetime.date(2030, 1, 1),
					"91320000MA1XK0001A",
					*stamp,
				)
			)
		covered.append(
			(
				f"{PREFIX}RCI-{n:06d}",
				f"苏械注准2025214{n // 10:05d}",
				"Registration Certificate",
				"items",
				1,
				code,
				*stamp,
			)
		)
	batches = 10000
	for start in range(0, len(items), batches):
		frappe.db.bulk_insert(
			"Item",
			[
				"name",
				"item_code",
				"item_name",
				"item_group",
				"stock_uom",
				"is_stock_item",
				"md_is_medical_device",
				"md_device_class",
				"md_model",
				"md_product_category",
				"md_device_type",
				"md_classification_code",
				"md_mr_safety",
				"md_single_use",
				"description",
				"md_storage_condition",
				*meta,
			],
			items[start : start + batches],
		)
	for start in range(0, len(identifiers), batches):
		frappe.db.bulk_insert(
			"UDI Device Identifier",
			[
				"name",
				"di",
				"issuing_agency",
				"item",
				"package_level",
				"base_quantity",
				"parent_di",
				"pi_has_batch",
				"pi_has_expiry_date",
				"pi_has_manufacturing_date",
				"carrier_1d",
				"carrier_2d",
				"use_units",
				"status",
				*meta,
			],
			identifiers[start : start + batches],
		)
	frappe.db.bulk_insert(
		"Registration Certificate",
		[
			"name",
			"certificate_number",
			"certificate_type",
			"device_class",
			"status",
			"holder",
			"product_name",
			"approval_date",
			"expiry_date",
			"holder_credit_code",
			*meta,
		],
		certificates,
	)
	for start in range(0, len(covered), batches):
		frappe.db.bulk_insert(
			"Registration Certificate Item",
			["name", "parent", "parenttype", "parentfield", "idx", "item", *meta],
			covered[start : start + batches],
		)
	return len(identifiers)


def timed(function, rounds: int):
	timings, result = [], None
	for _ in range(rounds):
		started = time.perf_counter()
		result = function()
		timings.append(time.perf_counter() - started)
	return statistics.median(timings), result


def main():
	parser = argparse.ArgumentParser(description=__doc__)
	parser.add_argument("--site", required=True)
	parser.add_argument("--devices", type=int, default=10_000)
	parser.add_argument("--rounds", type=int, default=5)
	args = parser.parse_args()

	import frappe

	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	from medical_devices.nmpa import udid
	from medical_devices.nmpa.device_master import device_records
	from medical_devices.nmpa.doctype.device_data_export.device_data_export import run_export
	from medical_devices.nmpa.workbook import write_workbook

	try:
		frappe.db.commit = lambda *a, **k: None  # keep the job's commits inside this rolled-back transaction
		started = time.perf_counter()
		di_rows = make_catalogue(frappe, args.devices)
		generated = time.perf_counter() - started
		on = datetime.date(2026, 11, 28)
		read_s, records = timed(lambda: device_records(item_group=GROUP, on_date=on), args.rounds)
		assert len(records) == args.devices, len(records)
		check_s, problems = timed(lambda: [p for r in records for p in udid.check(r)], args.rounds)
		assert not problems, problems[:3]
		xml_s, xml = timed(lambda: udid.to_xml(records, datetime.datetime(2026, 11, 28, 9, 30)), args.rounds)
		excel_s, workbook = timed(lambda: write_workbook(udid.to_sheets(records)), max(1, args.rounds // 2))

		def job():
			export = frappe.get_doc(
				{
					"doctype": "Device Data Export",
					"regulator": "NMPA UDID",
					"file_format": "XML",
					"item_group": GROUP,
				}
			).insert()
			run_export(export.name)
			export.reload()
			assert export.status == "Completed" and export.device_count == args.devices, export.status
			return export

		job_s, _export = timed(job, 3)
		tracemalloc.start()  # a run of its own: tracing slows Python down several times
		job()
		_current, peak = tracemalloc.get_traced_memory()
		tracemalloc.stop()
	finally:
		written = frappe.get_all("File", filters={"attached_to_doctype": "Device Data Export"}, pluck="name")
		paths = [frappe.get_doc("File", name).get_full_path() for name in written]
		frappe.db.rollback()
		for path in paths:  # the rolled-back job's files on disk
			if not frappe.db.exists("File", {"file_url": ("like", f"%{Path(path).name}")}):
				Path(path).unlink(missing_ok=True)
	print(f"site {args.site}: {args.devices:,} devices ({di_rows:,} DI rows) generated in {generated:.1f} s")
	print(f"read device records  {read_s:6.2f} s")
	print(f"check (NMPA UDID)    {check_s:6.2f} s")
	print(f"write XML            {xml_s:6.2f} s  {len(xml) / 2**20:.1f} MiB")
	print(f"write Excel template {excel_s:6.2f} s  {len(workbook) / 2**20:.1f} MiB")
	print(
		f"whole export job     {job_s:6.2f} s  (median of 3; records, checks, XML, saved as a private file)"
	)
	print(f"peak traced Python memory in the job: {peak / 2**20:.1f} MiB")
	print(f"max RSS of the process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
	frappe.destroy()
	sys.exit(0 if job_s < 10 else 1)


if __name__ == "__main__":
	main()
