"""Device Complaint (medical_devices/md_quality): a scanned label names the device, the trace finds the delivery,
and the reportability decision, by the quality and regulatory roles only, opens the Adverse Event Report whose
clock the complaint keeps showing. Every refusal leaves nothing written."""

import datetime

import pytest

import frappe
from frappe.utils import add_days, add_to_date, get_datetime, getdate, now_datetime, today

from medical_devices.audit import trail
from medical_devices.audit.controlled import ControlledFieldError
from medical_devices.inputs import InvalidInputError
from medical_devices.md_quality.doctype.device_complaint.device_complaint import (
	close_complaint,
	decide_reportability,
)
from tests.factories import (
	TRACE_CUSTOMERS,
	TRACE_FINISHED,
	ensure_device_identifier,
	ensure_user,
	first_company,
	trace_masters,
	trace_story,
)

DI = "06970000005210"  # a device identifier no other test module uses
REGULATORY = "md-complaint-ra@example.com"
SALES = "md-complaint-sales@example.com"


@pytest.fixture(scope="module", autouse=True)
def masters(frappe_site):
	trace_masters()
	ensure_device_identifier(DI, TRACE_FINISHED)
	ensure_user(REGULATORY, "Regulatory Affairs Manager", "Sales User")
	ensure_user(SALES, "Sales User")
	frappe.db.commit()  # nosemgrep: the module's masters; each test rolls back its own work
	yield


@pytest.fixture(autouse=True)
def as_administrator():
	yield
	frappe.set_user("Administrator")


@pytest.fixture
def story():
	return trace_story()


def label(lot: str) -> str:
	expiry = getdate(add_days(today(), 700))
	return f"(01){DI}(17){expiry:%y%m%d}(10){lot}"


def complaint(**fields):
	return frappe.get_doc(
		{
			"doctype": "Device Complaint",
			"company": first_company(),
			"complainant_type": "Hospital",
			"received_on": add_to_date(now_datetime(), hours=-2),
			"description": "导管断裂 Catheter tip fractured during insertion",
			**fields,
		}
	).insert()


def end_of_day(day) -> datetime.datetime:
	return datetime.datetime.combine(getdate(day), datetime.time(23, 59, 59))


def count(doctype: str) -> int:
	return frappe.db.count(doctype)


def test_a_scanned_label_names_the_device_and_the_trace_finds_the_customers_delivery(story):
	doc = complaint(udi=label("TRACE-F"), customer=TRACE_CUSTOMERS[1])
	assert (doc.item_code, doc.batch) == (TRACE_FINISHED, story.finished)
	assert (doc.delivery_doctype, doc.delivery) == ("Delivery Note", story.notes[1].name)
	assert doc.status == "Open" and not doc.reportability


def test_the_trace_names_the_customer_when_the_batch_went_to_one(story):
	# a complaint on a component lot: no customer received it directly, so nothing is guessed
	doc = complaint(item_code=story.receipt.items[0].item_code, batch=story.lot_a)
	assert not doc.customer and not doc.delivery


def test_a_label_of_an_unknown_lot_or_another_item_is_refused_and_nothing_is_written(story):
	before = count("Device Complaint")
	with pytest.raises(InvalidInputError):
		complaint(udi=label("NO-SUCH-LOT"))
	with pytest.raises(InvalidInputError):
		complaint(udi=label("TRACE-F"), item_code=story.receipt.items[0].item_code)
	with pytest.raises(InvalidInputError):
		complaint(udi="(01)123")
	with pytest.raises(InvalidInputError):  # junk a REST client may send
		complaint(udi=12345)
	assert count("Device Complaint") == before


def test_a_reportable_decision_opens_the_adverse_event_report_and_the_complaint_keeps_its_clock(story):
	doc = complaint(udi=label("TRACE-F"), customer=TRACE_CUSTOMERS[0], patient_involved=1)
	frappe.set_user(REGULATORY)
	result = decide_reportability(
		doc.name, 1, "Serious injury possible: the tip may stay in the vessel", "Serious Injury"
	)
	frappe.set_user("Administrator")
	doc.reload()
	report = frappe.get_doc("Adverse Event Report", result["adverse_event_report"])
	assert (doc.reportability, doc.status, doc.decided_by) == ("Reportable", "Investigating", REGULATORY)
	assert get_datetime(doc.decided_on) <= now_datetime()
	assert doc.reportability_reason == "Serious injury possible: the tip may stay in the vessel"
	assert report.docstatus == 0 and report.device_complaint == doc.name
	assert get_datetime(report.aware_at) == get_datetime(
		doc.received_on
	)  # the clock starts when we learned of it
	assert (report.item_code, report.batch, report.severity) == (
		TRACE_FINISHED,
		story.finished,
		"Serious Injury",
	)
	assert get_datetime(report.report_due) == end_of_day(add_days(doc.received_on, 20))  # Order 1 Art. 25
	assert get_datetime(doc.report_due) == get_datetime(report.report_due)

	# the reporter learns of a death: the report's deadline shortens, and the complaint shows it
	report.severity = "Death"
	report.death_at = add_to_date(now_datetime(), hours=-1)
	report.md_reason = "The patient died"
	report.save()
	doc.reload()
	assert get_datetime(doc.report_due) == end_of_day(add_days(doc.received_on, 7))
	trail.flush()
	reasons = [entry.reason for entry in trail.entries_of("Device Complaint", doc.name)]
	assert f"The deadline of Adverse Event Report {report.name}" in reasons

	with pytest.raises(InvalidInputError):  # a reportable complaint stays reportable
		decide_reportability(doc.name, 0, "changed my mind")

	# what the decision rests on stays as it was decided; the report cannot start its clock later
	for values in ({"received_on": add_to_date(now_datetime(), hours=-1)}, {"batch": story.lot_a}):
		fresh = frappe.get_doc("Device Complaint", doc.name)
		fresh.update({**values, "md_reason": "Correcting the complaint"})
		with pytest.raises(frappe.PermissionError):
			fresh.save()
	report.reload()
	report.aware_at = add_to_date(doc.received_on, hours=1)
	report.md_reason = "Learned of it later"
	with pytest.raises(frappe.ValidationError):
		report.save()

	# closed only once investigated and the report is filed
	doc.reload()
	doc.investigation = "Second case on the lot; retained samples fail the tensile test."
	doc.md_reason = "Investigation recorded"
	doc.save()
	with pytest.raises(InvalidInputError):
		close_complaint(doc.name, "report still a draft")
	report.reload()
	report.submit()
	assert close_complaint(doc.name, "Lot defect confirmed; recall considered") == "Closed"
	closed = frappe.get_doc("Device Complaint", doc.name)
	closed.investigation = "rewritten afterwards"
	closed.md_reason = "tidying up"
	with pytest.raises(frappe.PermissionError):
		closed.save()


def test_only_the_quality_and_regulatory_roles_decide_and_a_refusal_writes_nothing(story):
	doc = complaint(udi=label("TRACE-F"))
	reports = count("Adverse Event Report")
	frappe.set_user(SALES)
	with pytest.raises(frappe.PermissionError):
		decide_reportability(doc.name, 1, "I think so", "Other")
	with pytest.raises(frappe.PermissionError):
		close_complaint(doc.name, "done")
	frappe.set_user("Administrator")
	with pytest.raises(InvalidInputError):
		decide_reportability(doc.name, "maybe", "unsure", "Other")
	with pytest.raises(InvalidInputError):
		decide_reportability(doc.name, 1, "reportable", "Catastrophic")
	with pytest.raises(frappe.ValidationError):  # a death needs its time (the report's own rule)
		decide_reportability(doc.name, 1, "patient died", "Death")
	assert count("Adverse Event Report") == reports
	doc.reload()
	assert (doc.reportability, doc.status, doc.adverse_event_report) == (None, "Open", None)


def test_the_decision_and_the_reports_link_cannot_be_written_by_hand(story):
	doc = complaint(udi=label("TRACE-F"))
	for values in (
		{"reportability": "Not Reportable"},
		{"status": "Closed"},
		{"decided_by": SALES},
		{"report_due": "2030-01-01 00:00:00"},
		{"delivery": story.notes[2].name, "delivery_doctype": "Delivery Note"},
	):
		fresh = frappe.get_doc("Device Complaint", doc.name)
		fresh.update({**values, "md_reason": "An insider tries"})
		with pytest.raises(ControlledFieldError):
			fresh.save()
	report = frappe.get_doc(
		{
			"doctype": "Adverse Event Report",
			"company": first_company(),
			"aware_at": add_to_date(now_datetime(), hours=-1),
			"severity": "Other",
			"event_manifestation": "posing as the complaint's report",
			"item_code": TRACE_FINISHED,
			"device_complaint": doc.name,
		}
	)
	report.insert()  # on insert a controlled field holds its initial value, whatever the client sent
	assert not report.device_complaint
	doc.reload()
	assert (doc.reportability, doc.status, doc.report_due) == (None, "Open", None)


def test_a_complaint_not_reportable_is_closed_once_investigated(story):
	doc = complaint(udi=label("TRACE-F"), customer=TRACE_CUSTOMERS[2])
	with pytest.raises(InvalidInputError):
		close_complaint(doc.name, "closed early")
	decide_reportability(doc.name, 0, "Cosmetic scratch on the pouch; no harm possible")
	with pytest.raises(InvalidInputError):
		close_complaint(doc.name, "nothing investigated")
	doc.reload()
	doc.investigation = "Pouch scratched in transit; seal intact (dye test)."
	doc.md_reason = "Investigation recorded"
	doc.save()
	assert close_complaint(doc.name, "Transport damage, no device defect") == "Closed"
	doc.reload()
	assert (doc.status, doc.closed_by, doc.reportability) == ("Closed", "Administrator", "Not Reportable")
	assert not frappe.db.exists("Adverse Event Report", {"device_complaint": doc.name})
	with pytest.raises(InvalidInputError):
		decide_reportability(doc.name, 1, "too late", "Other")


def test_the_amendment_of_a_cancelled_report_stays_the_complaints_report_and_sales_cannot_move_its_clock(
	story,
):
	doc = complaint(item_code=TRACE_FINISHED, batch=story.finished)
	frappe.set_user(REGULATORY)
	decide_reportability(doc.name, 1, "Serious injury possible", "Serious Injury")
	report = frappe.get_doc(
		"Adverse Event Report", frappe.db.get_value("Device Complaint", doc.name, "adverse_event_report")
	)
	# a sales user may not lower the severity (and so push the deadline) of the saved report
	frappe.set_user(SALES)
	draft = frappe.get_doc("Adverse Event Report", report.name)
	draft.severity, draft.md_reason = "Other", "Not that bad"
	with pytest.raises(frappe.PermissionError, match="Severity"):
		draft.save()
	assert frappe.db.get_value("Adverse Event Report", report.name, "severity") == "Serious Injury"
	frappe.set_user("Administrator")
	report.reload()
	report.md_reason = "Reported"
	report.submit()
	report.reload()
	report.md_reason = "Wrong patient outcome reported"
	report.cancel()
	amended = frappe.copy_doc(report)
	amended.amended_from, amended.md_reason = report.name, "Patient outcome corrected"
	amended.insert()
	assert amended.device_complaint == doc.name
	assert frappe.db.get_value("Device Complaint", doc.name, "adverse_event_report") == amended.name
	trail.flush()
	reasons = [entry.reason for entry in trail.entries_of("Device Complaint", doc.name)]
	assert f"Adverse Event Report {report.name} cancelled and amended as {amended.name}" in reasons
