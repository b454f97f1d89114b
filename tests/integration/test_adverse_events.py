"""Adverse event reports: the statutory deadline from awareness and severity, the daily overdue flag, the device
data taken from the batch and the registration certificate."""

import datetime as dt

import pytest

import frappe
from frappe.utils import add_to_date, now_datetime

from medical_devices.nmpa.doctype.adverse_event_report.adverse_event_report import flag_overdue_reports
from tests.factories import adverse_event_report, ensure_item, first_company, new_batch, register_item

DEVICE = "_Test MD Adverse Device"
PLAIN = "_Test MD Adverse Plain Goods"


@pytest.fixture(scope="module", autouse=True)
def items(frappe_site):
	register_item(ensure_item(DEVICE))
	ensure_item(PLAIN, device_class=None)
	frappe.db.commit()  # nosemgrep: shared by this module's tests
	yield


def report(aware_at, severity="Serious Injury", item_code=DEVICE, **fields):
	return adverse_event_report(item_code, aware_at, severity, **fields)


def test_deadline_runs_from_awareness_and_device_data_comes_from_the_batch():
	batch = new_batch(DEVICE, "AE")
	aware = add_to_date(now_datetime(), hours=-2)
	doc = report(aware, "Death", death_at=aware, batch=batch.name).insert()
	expected = dt.datetime.combine(aware.date() + dt.timedelta(days=7), dt.time(23, 59, 59))
	assert frappe.utils.get_datetime(doc.report_due) == expected
	assert not doc.overdue and not doc.group_notice_due
	assert str(doc.expiry_date) == str(batch.expiry_date)
	assert doc.registration_certificate == f"_Test MD Reg {DEVICE}"

	group = report(aware, "Serious Injury", is_group_event=1).insert()
	notice_due = frappe.utils.get_datetime(group.group_notice_due)
	assert abs(notice_due - (aware + dt.timedelta(hours=12))) < dt.timedelta(seconds=1)


def test_a_late_report_is_flagged_daily_and_stays_marked_late_when_filed():
	aware = add_to_date(now_datetime(), days=-25)
	doc = report(aware).insert()  # serious injury: 20 days
	assert doc.overdue == 1
	frappe.db.set_value("Adverse Event Report", doc.name, "overdue", 0)
	assert doc.name in flag_overdue_reports()
	assert frappe.db.get_value("Adverse Event Report", doc.name, "overdue") == 1
	doc.reload()
	doc.submit()
	assert doc.reported_on and doc.overdue == 1

	on_time = report(add_to_date(now_datetime(), days=-3)).insert()
	on_time.submit()
	assert on_time.overdue == 0


def test_bad_reports_are_refused():
	with pytest.raises(frappe.ValidationError, match="not a medical device"):
		report(now_datetime(), item_code=PLAIN).insert()
	other = new_batch(PLAIN, "AE-P", expiry_days=None)
	with pytest.raises(frappe.ValidationError, match="is not of"):
		report(now_datetime(), batch=other.name).insert()
	with pytest.raises(frappe.ValidationError, match="future"):
		report(add_to_date(now_datetime(), days=1)).insert()
	with pytest.raises(frappe.ValidationError, match="time of death"):
		report(now_datetime(), "Death").insert()


def test_a_new_report_has_no_severity_until_the_reporter_chooses_one():
	"""No dangerous default: a report does not start as a death, and one saved without a severity is refused."""
	assert not frappe.new_doc("Adverse Event Report").severity
	with pytest.raises(frappe.MandatoryError):
		report(now_datetime(), severity=None).insert()
	assert report(now_datetime(), severity="Other").insert().severity == "Other"


def test_the_report_prints_as_the_chinese_form():
	from tests.outputs import pdf_text

	batch = new_batch(DEVICE, "AE-PDF")
	aware = add_to_date(now_datetime(), hours=-5)
	patient = frappe.get_doc(
		{"doctype": "Patient Record", "company": first_company(), "patient_name": "张三"}
	).insert()
	doc = report(
		aware,
		"Death",
		death_at=aware,
		batch=batch.name,
		patient=patient.name,
		place_of_use="Medical Institution",
		relatedness="Possibly Related",
		notified_manufacturer=1,
	).insert()
	text = pdf_text(doc, "Adverse Event Report")
	for expected in (
		"可疑医疗器械不良事件报告",
		"A.患者资料",
		"张三",
		"导管断裂",
		"死亡",
		"医疗机构",
		batch.batch_id,
		f"_TestMDReg{DEVICE.replace(' ', '')}",
		"☑已通知生产企业",
		"可能有关",
	):
		assert expected in text, expected
