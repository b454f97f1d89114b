"""Device Data Export: the demo catalogue exported to the NMPA UDI database (XML and Excel), FDA GUDID and EU
EUDAMED, compared with reviewed golden files; broken master data listed as problems instead of a file; the
export runs as a background job."""

import datetime
from xml.etree import ElementTree

import pytest

import frappe
from frappe.utils.background_jobs import is_job_enqueued

from medical_devices.demo import DEVICE_MASTER, create_demo_data
from medical_devices.nmpa import udid
from medical_devices.nmpa.device_master import device_records
from medical_devices.nmpa.doctype.device_data_export.device_data_export import run_export
from medical_devices.nmpa.workbook import read_workbook, sheets_as_text
from tests.factories import ensure_device_identifier, ensure_item, register_item
from tests.outputs import matches_golden

CREATED = datetime.datetime(2026, 11, 28, 9, 30, 0)
DEMO_ITEMS = sorted(DEVICE_MASTER)
BROKEN_GROUP = "_Test MD UDID Broken"


@pytest.fixture(autouse=True)
def demo_data_stays_uncommitted(monkeypatch):
	"""The job commits as a worker does; here that would leave the demo company behind as the site's newest
	company, which other modules' tests take for theirs. Everything rolls back after each test instead."""
	monkeypatch.setattr(frappe.db, "commit", lambda *args, **kwargs: None)


def file_content(file_url: str) -> bytes:
	content = frappe.get_doc("File", {"file_url": file_url}).get_content()
	return content.encode("utf-8") if isinstance(content, str) else content


def new_export(regulator="NMPA UDID", file_format="XML", **filters):
	return frappe.get_doc(
		{"doctype": "Device Data Export", "regulator": regulator, "file_format": file_format, **filters}
	).insert()


def test_demo_catalogue_as_udid_xml_matches_the_reviewed_file():
	create_demo_data()
	records = device_records(items=DEMO_ITEMS, on_date=CREATED.date())
	assert [r.item_code for r in records] == [
		"MD-I-MASK",
		"MD-II-SYRINGE",
		"MD-II-THERMO",
		"MD-III-IVD",
		"MD-III-STENT",
	]
	assert [p for r in records for p in udid.check(r)] == []
	stent = records[-1]
	# the expired certificate is left out, its renewal is exported
	assert stent.certificate_numbers == ("国械注准20253130888",)
	mask = records[0]
	assert [(p.di, p.level, p.quantity, p.contains_di) for p in mask.packages] == [
		("16901234100010", "Case", 1000, "06901234100013")
	]
	matches_golden("udid_demo.xml", udid.to_xml(records, CREATED).decode("utf-8"))


def test_export_job_writes_the_udid_excel_template_for_one_item_and_the_golden_sheets_match():
	create_demo_data()
	export = new_export(file_format="Excel Workbook", item="MD-III-IVD")
	export.generate()
	assert export.status == "Queued"
	frappe.db.after_commit.run()  # what the commit would run: the job is enqueued only once the status is saved
	assert is_job_enqueued(f"md-device-export::{export.name}")

	run_export(export.name, created=CREATED)  # what the worker runs
	export.reload()
	assert (export.status, export.device_count, export.problem_count) == ("Completed", 1, 0)
	assert export.export_file.endswith(f"UDID_20261128_093000_{export.name}.xlsx")
	sheets = read_workbook(file_content(export.export_file))
	assert sheets["储存或操作条件"][1] == [["06901234100044", "温度", "2", "8", "℃"]]
	matches_golden("udid_demo_ivd.tsv", sheets_as_text(sheets))


def test_gudid_export_of_chinese_master_data_lists_every_problem_and_writes_no_file():
	create_demo_data()
	export = new_export("FDA GUDID", "Excel Workbook", item="MD-III-STENT")
	run_export(export.name, created=CREATED)
	export.reload()
	assert export.status == "Failed Validation"
	assert not export.export_file
	problems = sorted((row.di, row.field_label, row.message) for row in export.problems)
	assert problems == [
		("MA.156.M0.100761.21234561", "GMDN Code", "GMDN Code is missing."),
		(
			"MA.156.M0.100761.21234561",
			"Issuing Agency",
			"FDA GUDID does not accept MA codes; it accepts GS1, HIBCC, ICCBBA.",
		),
		("MA.156.M0.100761.21234561", "Registrant DUNS Number", "Registrant DUNS Number is missing."),
	]
	csv_text = file_content(export.problem_file).decode("utf-8-sig")
	assert "FDA GUDID does not accept MA codes" in csv_text and csv_text.count("\n") == 4


def test_eudamed_sheets_for_a_completed_master_record():
	create_demo_data()
	item = frappe.get_doc("Item", "MD-II-SYRINGE")
	item.update(
		{"md_basic_udi_di": "6901234SYR5ML8K", "md_emdn_code": "A02010101", "md_eu_risk_class": "Class IIa"}
	)
	item.md_reason = "EU registration data received"
	item.save()
	certificate = frappe.get_doc("Registration Certificate", "苏械注准20232140123")
	certificate.holder_srn = "CN-MF-000012345"
	certificate.md_reason = "EU actor registration number received"
	certificate.save()
	export = new_export("EU EUDAMED", "Excel Workbook", item="MD-II-SYRINGE")
	run_export(export.name, created=CREATED)
	export.reload()
	assert export.status == "Completed", [row.message for row in export.problems]
	matches_golden(
		"eudamed_demo_syringe.tsv", sheets_as_text(read_workbook(file_content(export.export_file)))
	)


def test_broken_master_data_is_reported_per_device_and_field():
	if not frappe.db.exists("Item Group", BROKEN_GROUP):
		frappe.get_doc(
			{"doctype": "Item Group", "item_group_name": BROKEN_GROUP, "parent_item_group": "All Item Groups"}
		).insert()
	code = ensure_item("_Test MD UDID Broken Device", item_group=BROKEN_GROUP)
	register_item(code)
	ensure_device_identifier("06970000000017", code, use_units=10)
	export = new_export(item_group=BROKEN_GROUP)
	run_export(export.name, created=CREATED)
	export.reload()
	assert export.status == "Failed Validation" and not export.export_file
	fields = sorted(row.field_label for row in export.problems)
	assert fields == [
		"Classification Code",
		"MR Safety",
		"Product Category",
		"Registrant Unified Social Credit Code",
		"Specification / Model",
		"Unit-of-Use DI",
	]
	assert export.problem_count == len(fields)


def test_an_xml_export_is_only_for_the_nmpa():
	try:
		new_export("FDA GUDID", "XML")
	except frappe.ValidationError as error:
		assert "XML is the NMPA UDID data-exchange file" in str(error)
	else:
		raise AssertionError("a GUDID XML export was accepted")


def test_xml_parses_and_counts_the_devices_of_an_export(tmp_path):
	create_demo_data()
	export = new_export(item="MD-I-MASK")
	run_export(export.name, created=CREATED)
	export.reload()
	root = ElementTree.fromstring(file_content(export.export_file))
	assert root.findtext("header/totalCount") == "1"
	assert root.findtext("devices/device/zxxsdycpbs") == "06901234100013"
