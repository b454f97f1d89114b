"""Personal data of patients (PIPL art. 28, GDPR art. 9): a Patient Record is read only by the regulatory and
quality roles, every read is in the Access Log, and the trail and the version history keep keyed hashes of its
values, never their text. The adverse event report that names the patient stays readable to its other users,
printed without the patient's details."""

import json

import pytest

import frappe
from frappe.utils import add_to_date, now_datetime

from tests.factories import adverse_event_report, ensure_item, ensure_user, first_company, register_item

DEVICE = "_Test MD Personal Data Device"
SALES = "md-personal-sales@example.com"
REGULATORY = "md-personal-ra@example.com"
NAME = "李四华"
RECORD_NO = "MRN-2026-77121"


@pytest.fixture(scope="module")
def reported(frappe_site):
	register_item(ensure_item(DEVICE))
	ensure_user(SALES, "Sales User")
	ensure_user(REGULATORY, "Regulatory Affairs Manager")
	patient = frappe.get_doc(
		{
			"doctype": "Patient Record",
			"company": first_company(),
			"patient_name": NAME,
			"patient_age": "67",
			"patient_sex": "Female",
			"medical_record_no": RECORD_NO,
			"intended_treatment": "冠心病 coronary heart disease",
		}
	).insert()
	report = adverse_event_report(
		DEVICE, add_to_date(now_datetime(), hours=-3), patient=patient.name
	).insert()
	frappe.db.commit()  # nosemgrep: shared by this module's tests
	return frappe._dict(patient=patient.name, report=report.name)


def access_logs(user, name, method=None):
	frappe.db.rollback()  # the log is committed on a connection of its own
	filters = {"user": user, "export_from": "Patient Record", "reference_document": name}
	if method:
		filters["method"] = method
	return frappe.get_all("Access Log", filters, ["method", "reference_document"])


def as_user(user):
	frappe.set_user(user)
	frappe.local.md_logged_reads = None


def test_other_roles_read_the_report_but_not_the_patient(reported):
	try:
		as_user(SALES)
		report = frappe.get_doc("Adverse Event Report", reported.report)
		report.check_permission("read")
		assert report.patient == reported.patient  # a reference, no personal data
		assert not frappe.has_permission("Patient Record", "read", reported.patient)
		with pytest.raises(frappe.PermissionError):
			frappe.get_list("Patient Record", filters={"patient_name": ["like", "李%"]})
		with pytest.raises(frappe.PermissionError):
			frappe.get_doc("Patient Record", reported.patient).check_permission("read")
		assert "李四华" not in json.dumps(report.as_dict(), ensure_ascii=False, default=str)
	finally:
		frappe.set_user("Administrator")


def test_each_read_of_a_patient_is_in_the_access_log(reported):
	from frappe.desk.form.load import getdoc

	before = len(access_logs(REGULATORY, reported.patient, "Read"))
	try:
		as_user(REGULATORY)
		getdoc("Patient Record", reported.patient)
		assert frappe.response.docs[0].patient_name == NAME
		as_user(REGULATORY)
		filters = {"company": first_company()}
		frappe.local.form_dict = frappe._dict(
			doctype="Patient Record", filters=json.dumps(filters)
		)  # the request
		frappe.get_list("Patient Record", filters=filters, fields=["name"])
	finally:
		frappe.local.form_dict = frappe._dict()
		frappe.set_user("Administrator")
	assert len(access_logs(REGULATORY, reported.patient, "Read")) == before + 1
	frappe.db.rollback()
	listed = frappe.get_all(
		"Access Log",
		{"user": REGULATORY, "export_from": "Patient Record", "method": "List"},
		["filters"],
		order_by="creation desc",
		limit=1,
	)
	assert listed and first_company() in (listed[0].filters or "")


def test_the_trail_and_the_version_history_keep_hashes_not_the_text(reported):
	from medical_devices.audit.trail import entries_of
	from medical_devices.audit.verify import verify_audit
	from medical_devices.personal_data import mask

	patient = frappe.get_doc("Patient Record", reported.patient)
	patient.medical_record_no = "MRN-2026-99000"
	patient.md_reason = "Hospital corrected the record number"
	patient.save()
	frappe.db.commit()  # nosemgrep: the trail is chained at the commit
	entries = entries_of("Patient Record", reported.patient)
	stored = json.dumps([entry.changes for entry in entries], ensure_ascii=False)
	versions = json.dumps(
		frappe.get_all(
			"Version", {"ref_doctype": "Patient Record", "docname": reported.patient}, pluck="data"
		),
		ensure_ascii=False,
	)
	for text in (NAME, RECORD_NO, "MRN-2026-99000", "冠心病"):
		assert text not in stored and text not in versions, text
	changed = entries[-1].changes["changed"]
	assert [
		"medical_record_no",
		mask("Patient Record", reported.patient, "medical_record_no", RECORD_NO),
		mask("Patient Record", reported.patient, "medical_record_no", "MRN-2026-99000"),
	] in changed
	assert versions.count("hmac:") >= 2
	assert entries[0].changes["created"]["patient_name"] == mask(
		"Patient Record", reported.patient, "patient_name", NAME
	)
	# the same value in another record has another hash: guessing by comparison is no use
	assert (
		mask("Patient Record", "PAT-OTHER", "patient_name", NAME)
		!= entries[0].changes["created"]["patient_name"]
	)
	result = verify_audit(documents=[("Patient Record", reported.patient)])
	assert result.ok, result.document_problems + result.chain_problems


def test_a_change_of_a_patient_outside_the_app_is_still_caught(reported):
	from medical_devices.audit.verify import verify_audit

	frappe.db.sql("update `tabPatient Record` set patient_age = '68' where name = %s", reported.patient)
	frappe.db.commit()  # nosemgrep: as someone with database access would
	try:
		result = verify_audit(documents=[("Patient Record", reported.patient)])
		assert not result.ok and any(reported.patient in problem for problem in result.document_problems)
	finally:
		frappe.db.sql("update `tabPatient Record` set patient_age = '67' where name = %s", reported.patient)
		frappe.db.commit()  # nosemgrep


def test_the_printed_report_shows_the_patient_only_to_those_who_may_read_it(reported):
	from frappe.www.printview import get_rendered_template

	def printed(user):
		try:
			as_user(user)
			doc = frappe.get_doc("Adverse Event Report", reported.report)
			return get_rendered_template(
				doc, print_format=frappe.get_doc("Print Format", "Adverse Event Report")
			)
		finally:
			frappe.set_user("Administrator")

	assert NAME not in printed(SALES) and "受限" in printed(SALES)
	html = printed(REGULATORY)
	assert NAME in html and "冠心病" in html
	assert access_logs(REGULATORY, reported.patient)


def test_the_upgrade_moves_the_reports_patient_details_into_a_patient_record(reported):
	"""A site of the version before kept the patient's details in the report's own columns."""
	from medical_devices.audit.verify import verify_audit
	from medical_devices.patches.v0_3 import patient_records

	report = adverse_event_report(DEVICE, add_to_date(now_datetime(), hours=-2)).insert()
	frappe.get_doc(
		{
			"doctype": "Version",
			"ref_doctype": "Adverse Event Report",
			"docname": report.name,
			"data": json.dumps({"changed": [["patient_name", None, "赵六"], ["severity", "Other", "Death"]]}),
		}
	).db_insert()
	frappe.db.commit()  # nosemgrep: chained at the commit
	for column in patient_records.OLD_FIELDS:
		frappe.db.sql_ddl(f"alter table `tabAdverse Event Report` add column `{column}` varchar(140)")
	try:
		frappe.db.sql(
			"""update `tabAdverse Event Report` set patient_name = '赵六', medical_record_no = 'MRN-OLD-1'
			where name = %s""",
			report.name,
		)
		frappe.db.commit()  # nosemgrep: as the old version stored it
		patient_records.execute()
		frappe.db.rollback()
		patient = frappe.db.get_value("Adverse Event Report", report.name, "patient")
		assert frappe.db.get_value("Patient Record", patient, ["patient_name", "medical_record_no"]) == (
			"赵六",
			"MRN-OLD-1",
		)
		assert frappe.db.sql(
			"select patient_name, medical_record_no from `tabAdverse Event Report` where name = %s",
			report.name,
		) == ((None, None),)
		data = frappe.db.get_value(
			"Version", {"docname": report.name, "ref_doctype": "Adverse Event Report"}, "data"
		)
		assert "赵六" not in data and "hmac:" in data and "Death" in data
		assert verify_audit(documents=[("Adverse Event Report", report.name), ("Patient Record", patient)]).ok
	finally:
		for column in patient_records.OLD_FIELDS:
			frappe.db.sql_ddl(f"alter table `tabAdverse Event Report` drop column `{column}`")
