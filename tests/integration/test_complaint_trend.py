"""Complaint Trend (medical_devices/md_quality/report/complaint_trend): complaints per million units shipped, by
product, batch and failure mode, checked against the story's deliveries (9 units of the finished batch shipped,
1 returned) and its complaints."""

import pytest

import frappe
from frappe.utils import add_days, add_to_date, now_datetime, today

from medical_devices.md_quality.report.complaint_trend.complaint_trend import execute
from tests.factories import TRACE_FINISHED, first_company, trace_masters, trace_story


@pytest.fixture(scope="module", autouse=True)
def masters(frappe_site):
	trace_masters()
	yield


def complain(batch: str, failure_mode: str, **fields):
	return frappe.get_doc(
		{
			"doctype": "Device Complaint",
			"company": first_company(),
			"complainant_type": "Hospital",
			"received_on": add_to_date(now_datetime(), hours=-1),
			"item_code": TRACE_FINISHED,
			"batch": batch,
			"failure_mode": failure_mode,
			"description": f"{failure_mode} reported by the ward",
			**fields,
		}
	).insert()


def report(group_by: str, **filters):
	columns, data, _message, chart = execute(
		{
			"company": first_company(),
			"from_date": add_days(today(), -30),
			"to_date": today(),
			"group_by": group_by,
			"item_code": TRACE_FINISHED,
			**filters,
		}
	)
	return columns, {row["group"]: row for row in data}, chart


def test_complaints_per_million_units_shipped_by_item_batch_and_failure_mode():
	story = trace_story()
	for mode in ("Balloon burst", "Balloon burst", "Kinked shaft"):
		complain(story.finished, mode)
	shipped = 4 + 3 + 2 - 1  # the story's deliveries, net of the return

	_columns, by_item, chart = report("Item")
	assert by_item[TRACE_FINISHED]["complaints"] == 3
	assert by_item[TRACE_FINISHED]["units_shipped"] == shipped
	assert by_item[TRACE_FINISHED]["per_million"] == round(3 * 1_000_000 / shipped, 1)
	assert chart["data"]["datasets"][0]["values"] == [by_item[TRACE_FINISHED]["per_million"]]

	_columns, by_batch, _chart = report("Batch")
	assert by_batch[story.finished]["units_shipped"] == shipped
	assert by_batch[story.finished]["complaints"] == 3

	_columns, by_mode, _chart = report("Failure Mode", alert_ppm=300_000)
	assert by_mode["Balloon burst"]["complaints"] == 2 and by_mode["Kinked shaft"]["complaints"] == 1
	assert by_mode["Balloon burst"]["per_million"] == round(2 * 1_000_000 / shipped, 1)  # 250,000
	assert by_mode["Balloon burst"]["above_alert"] == 0 and by_mode["Kinked shaft"]["above_alert"] == 0
	_columns, by_mode, _chart = report("Failure Mode", alert_ppm=200_000)
	assert by_mode["Balloon burst"]["above_alert"] == 1 and by_mode["Kinked shaft"]["above_alert"] == 0


def test_a_complaint_outside_the_period_or_company_is_not_counted():
	story = trace_story()
	complain(story.finished, "Kinked shaft", received_on=add_days(now_datetime(), -60))
	_columns, by_item, _chart = report("Item")
	assert TRACE_FINISHED not in by_item


def test_the_report_refuses_a_company_the_user_may_not_read_and_junk_filters():
	from medical_devices.inputs import InvalidInputError

	with pytest.raises(InvalidInputError):
		report("Colour")
	with pytest.raises(InvalidInputError):
		report("Item", from_date="not a date")
	with pytest.raises((frappe.PermissionError, frappe.DoesNotExistError, InvalidInputError)):
		report("Item", company="No Such Company Ltd")


def test_the_daily_alert_tells_the_alert_roles_of_a_product_above_the_rate_once_a_day():
	from medical_devices.md_quality.alerts import LINK, alert_complaint_trends
	from tests.factories import settings

	story = trace_story()
	complain(story.finished, "Balloon burst")  # 1 in 8 shipped: 125,000 per million
	with settings(complaint_alert_ppm=0):
		assert alert_complaint_trends() == []
	with settings(complaint_alert_ppm=200_000, complaint_trend_days=30):
		assert [row["group"] for row in alert_complaint_trends() if row["group"] == TRACE_FINISHED] == []
	with settings(complaint_alert_ppm=100_000, complaint_trend_days=30):
		alerted = [row for row in alert_complaint_trends() if row["group"] == TRACE_FINISHED]
		assert [row["per_million"] for row in alerted] == [125_000]
		sent = frappe.db.count("Notification Log", {"document_name": TRACE_FINISHED, "link": LINK})
		assert sent >= 1
		assert [row for row in alert_complaint_trends() if row["group"] == TRACE_FINISHED] == []  # once a day
		assert frappe.db.count("Notification Log", {"document_name": TRACE_FINISHED, "link": LINK}) == sent
