"""Nothing regulated changes without an entry: each write the app makes itself (the daily expiry job, batch status
changes, certificate and licence jobs and reminders, recall totals and progress, the overdue flags, a scan's
correction of a new batch, a patch) leaves an entry naming the function, with the old and the new value, and the
records it touched still verify."""

import pytest

import frappe
from frappe.utils import add_days, add_to_date, now_datetime, today

from medical_devices.audit.trail import entries_of, flush
from medical_devices.audit.verify import verify_audit
from tests.factories import (
	add_licence,
	adverse_event_report,
	ensure_item,
	ensure_party,
	first_company,
	material_receipt,
	new_batch,
	register_item,
	release,
	settings,
)

DEVICE = "_Test MD App Writes Device"
PARTY = "_Test MD App Writes Supplier"


@pytest.fixture(scope="module", autouse=True)
def records(frappe_site):
	register_item(ensure_item(DEVICE, has_expiry_date=1, valuation_rate=10))
	ensure_party("Supplier", PARTY)
	frappe.db.commit()  # nosemgrep: shared by this module's tests, each of which rolls back its own work
	yield


def last_entry(doctype, name):
	flush()
	return entries_of(doctype, str(name))[-1]


def changed(entry) -> dict:
	return {field: (old, new) for field, old, new in entry.changes.get("changed", [])}


def verifies(*documents):
	flush()
	report = verify_audit(documents=list(documents))
	return report.document_problems == [] and report.chain_problems == []


def test_batch_status_changes_leave_entries_on_the_batch_and_its_history():
	batch = new_batch(DEVICE, "APPW")
	release(batch.name, "COA checked")
	entry = last_entry("Batch", batch.name)
	assert entry.changes["by"] == {"function": "medical_devices.gsp.batch_status.set_batch_status"}
	assert changed(entry)["md_batch_status"] == ("Quarantine", "Released") and entry.reason == "COA checked"
	history = frappe.get_all("Batch Status Change", {"batch": batch.name}, pluck="name", order_by="name asc")
	assert [last_entry("Batch Status Change", name).action for name in history] == ["Insert", "Insert"]
	assert verifies(("Batch", batch.name), *[("Batch Status Change", name) for name in history])


def test_the_daily_expiry_job_leaves_an_entry_for_each_batch_it_expires_or_flags():
	from medical_devices.gsp.expiry_alerts import flag_expiring_batches

	expiring = new_batch(DEVICE, "APPW-EXP", expiry_days=5)
	release(expiring.name)
	material_receipt(expiring, 3)
	near = new_batch(DEVICE, "APPW-NEAR", expiry_days=20)
	release(near.name)
	material_receipt(near, 3)
	flush()
	flag_expiring_batches(add_days(today(), 6))

	entry = last_entry("Batch", expiring.name)
	assert entry.changes["by"] == {"function": "medical_devices.gsp.expiry_alerts.mark_expired"}
	assert changed(entry)["md_batch_status"] == ("Released", "Expired")
	history = frappe.get_all(
		"Batch Status Change", {"batch": expiring.name}, pluck="name", order_by="name desc"
	)[0]
	assert last_entry("Batch Status Change", history).changes["by"]["function"].endswith("mark_expired")
	flagged = last_entry("Batch", near.name)
	assert flagged.changes["by"] == {"function": "medical_devices.gsp.expiry_alerts.flag_expiring_batches"}
	assert changed(flagged)["md_expiry_alert_window"][1] == 30
	assert verifies(("Batch", expiring.name), ("Batch", near.name), ("Batch Status Change", history))


def test_certificate_and_licence_jobs_and_reminders_leave_entries():
	from medical_devices.gsp.doctype.qualification_certificate.qualification_certificate import (
		update_qualification_statuses,
	)
	from medical_devices.gsp.expiry_alerts import remind_expiring_certificates
	from medical_devices.udi.doctype.registration_certificate.registration_certificate import (
		update_certificate_statuses,
	)

	licence = add_licence(
		"Supplier",
		PARTY,
		"Business Licence",
		f"APPW-{frappe.generate_hash(length=5)}",
		valid_to=add_days(today(), 100),
	)
	certificate = frappe.get_doc(
		{
			"doctype": "Registration Certificate",
			"certificate_number": f"APPW-REG-{frappe.generate_hash(length=5)}",
			"certificate_type": "Registration Certificate",
			"device_class": "Class II",
			"holder": "Test Registrant",
			"product_name": DEVICE,
			"approval_date": add_days(today(), -300),
			"expiry_date": add_days(today(), 100),
			"items": [{"item": DEVICE}],
		}
	).insert()
	assert (licence.status, certificate.status) == ("Valid", "Valid")
	flush()
	with settings(near_expiry_days=120, certificate_reminder_days="120, 30"):
		update_certificate_statuses()
		update_qualification_statuses()
		remind_expiring_certificates(today())
	flush()

	prefix = "medical_devices.gsp.doctype.qualification_certificate.qualification_certificate"
	by_function = {
		row.changes.get("by", {}).get("function"): changed(row)
		for row in entries_of("Qualification Certificate", licence.name)
	}
	assert by_function[f"{prefix}.update_qualification_statuses"] == {"status": ("Valid", "Expiring Soon")}
	assert by_function["medical_devices.gsp.expiry_alerts.remind_expiring_certificates"] == {
		"last_reminder_days": (0, 120)
	}
	prefix = "medical_devices.udi.doctype.registration_certificate.registration_certificate"
	by_function = {
		row.changes.get("by", {}).get("function"): changed(row)
		for row in entries_of("Registration Certificate", certificate.name)
	}
	assert by_function[f"{prefix}.update_certificate_statuses"] == {"status": ("Valid", "Expiring Soon")}
	assert verifies(
		("Qualification Certificate", licence.name), ("Registration Certificate", certificate.name)
	)


def test_recall_progress_and_the_overdue_flag_of_a_report_leave_entries(monkeypatch):
	from medical_devices.nmpa.doctype.adverse_event_report import adverse_event_report as report_module
	from medical_devices.recall.doctype.device_recall.device_recall import refresh_progress

	batch = new_batch(DEVICE, "APPW-RCL")
	release(batch.name)
	material_receipt(batch, 4)
	recall = frappe.get_doc(
		{
			"doctype": "Device Recall",
			"company": first_company(),
			"recall_class": "Class I Recall",
			"start_date": add_days(today(), -5),
			"reason": "Sterility breach",
			"batches": [{"batch": batch.name}],
		}
	).insert()
	recall.submit()
	flush()
	refresh_progress(recall.name)
	entry = last_entry("Device Recall", recall.name)
	assert entry.changes["by"] == {
		"function": "medical_devices.recall.doctype.device_recall.device_recall.refresh_progress"
	}
	assert "last_progress_update" in changed(entry)

	report = adverse_event_report(DEVICE, add_to_date(now_datetime(), days=-2)).insert()
	assert not report.overdue
	flush()
	later = add_to_date(now_datetime(), days=30)
	monkeypatch.setattr(report_module, "now_datetime", lambda: later)  # the job, a month on
	report_module.flag_overdue_reports()
	entry = last_entry("Adverse Event Report", report.name)
	assert changed(entry) == {"overdue": (0, 1)}
	assert entry.changes["by"]["function"].endswith("adverse_event_report.flag_overdue_reports")
	assert verifies(("Device Recall", recall.name), ("Adverse Event Report", report.name))


def test_a_scan_that_creates_a_batch_records_its_correction():
	"""A label without a production date: the new batch's defaulted manufacturing date is cleared, in the trail."""
	from medical_devices.udi.parser import parse_udi
	from medical_devices.udi.scanning import find_or_create_batch

	lot = f"APPW{frappe.generate_hash(length=6).upper()}"
	name = find_or_create_batch(DEVICE, parse_udi("0106901234888881" + "17" + "301231" + "10" + lot))
	entry = last_entry("Batch", name)
	assert entry.changes["by"] == {"function": "medical_devices.udi.scanning.scan_barcode"}
	assert changed(entry)["manufacturing_date"][1] is None
	assert verifies(("Batch", name))


def test_a_patch_that_rewrites_records_leaves_an_entry_naming_it():
	from medical_devices.patches.v0_1 import device_class_names

	frappe.db.sql("update tabItem set md_device_class = 'II' where name = %s", DEVICE)  # data of version 0.0
	device_class_names.execute()
	entry = last_entry("Item", DEVICE)
	assert entry.changes["by"] == {"function": "medical_devices.patches.v0_1.device_class_names.execute"}
	assert changed(entry) == {"md_device_class": ("II", "Class II")}
	assert verifies(("Item", DEVICE))
