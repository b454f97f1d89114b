"""Daily expiry job and the Expiry Risk report, on generated batches with stock."""

import pytest

import frappe
from frappe.utils import add_days, getdate, today

from medical_devices.gsp.expiry_alerts import flag_expiring_batches
from tests.factories import (
	company_stores,
	ensure_item,
	ensure_party,
	ensure_user,
	qualify_party,
	register_item,
)

ITEM = "_Test MD Expiry Device"
PARTY = "_Test MD Expiry Party"
REVIEWER = "md-expiry-qa@example.com"
# batch id -> (days to expiry, qty received, rate)
BATCHES = {
	"EXP-PAST": (-3, 4, 10.0),
	"EXP-D20": (20, 5, 12.0),
	"EXP-D75": (75, 6, 8.0),
	"EXP-D150": (150, 7, 10.0),
	"EXP-D400": (400, 8, 10.0),
	"EXP-EMPTY": (10, 0, 10.0),
}


@pytest.fixture(scope="module", autouse=True)
def records(frappe_site):
	ensure_item(ITEM, has_expiry_date=1)
	register_item(ITEM)
	qualify_party("Supplier", ensure_party("Supplier", PARTY))
	ensure_user(REVIEWER, "QA Reviewer")
	frappe.db.commit()  # nosemgrep: shared by this module's tests, each of which rolls back its own work
	yield


def stock_batches():
	"""Receive each batch (the expired one on a date when it was still in date) and return id -> name."""
	ctx = company_stores()
	names = {}
	for batch_id, (days, qty, rate) in BATCHES.items():
		batch = frappe.get_doc(
			{
				"doctype": "Batch",
				"batch_id": batch_id,
				"item": ITEM,
				"expiry_date": add_days(today(), days),
				"use_batchwise_valuation": 1,
			}
		).insert()
		names[batch_id] = batch.name
		if not qty:
			continue
		receipt = frappe.get_doc(
			{
				"doctype": "Purchase Receipt",
				"company": ctx.company,
				"supplier": PARTY,
				"posting_date": add_days(today(), -30),
				"set_posting_time": 1,
				"items": [
					{
						"item_code": ITEM,
						"qty": qty,
						"rate": rate,
						"warehouse": ctx.stores,
						"batch_no": batch.name,
						"use_serial_batch_fields": 1,
					}
				],
			}
		)
		receipt.insert()
		receipt.submit()
	return names


def test_daily_job_expires_flags_and_alerts_once_per_window():
	names = stock_batches()
	result = flag_expiring_batches(today())
	status = {
		bid: frappe.db.get_value("Batch", name, ["md_batch_status", "md_expiry_alert_window"])
		for bid, name in names.items()
	}
	assert status["EXP-PAST"][0] == "Expired"
	assert status["EXP-D20"] == ("Quarantine", 30)
	assert status["EXP-D75"] == ("Quarantine", 90)
	assert status["EXP-D150"] == ("Quarantine", 180)
	assert status["EXP-D400"] == ("Quarantine", 0)
	assert status["EXP-EMPTY"][1] == 0  # nothing in stock: no alert
	assert result["expired"] >= 1
	history = frappe.get_all(
		"Batch Status Change",
		{"batch": names["EXP-PAST"]},
		["to_status", "reason", "batch_id"],
		order_by="name",
	)
	assert (
		history[-1].to_status == "Expired"
		and "daily expiry check" in history[-1].reason
		and history[-1].batch_id == "EXP-PAST"
	)

	subjects = frappe.get_all("Notification Log", {"for_user": REVIEWER}, pluck="subject")
	assert any("expire within 30 days" in s for s in subjects)
	assert any("expire within 90 days" in s for s in subjects)
	assert any("have expired" in s for s in subjects)
	count = len(subjects)
	flag_expiring_batches(today())  # the next run the same day: nothing new to say
	assert len(frappe.get_all("Notification Log", {"for_user": REVIEWER}, pluck="subject")) == count
	# 60 days on, the 75-day batch enters the 30-day window and is announced again
	flag_expiring_batches(add_days(today(), 60))
	assert frappe.db.get_value("Batch", names["EXP-D75"], "md_expiry_alert_window") == 30
	assert len(frappe.get_all("Notification Log", {"for_user": REVIEWER}, pluck="subject")) > count


def test_expiry_risk_report_values_the_stock_at_risk_by_bucket():
	from medical_devices.gsp.report.expiry_risk.expiry_risk import execute

	names = stock_batches()
	_columns, data, _message, chart, summary = execute(
		{"as_on_date": today(), "item_code": ITEM, "only_at_risk": 1}
	)
	rows = {row["batch"]: row for row in data}
	assert set(rows) == {names[b] for b in ("EXP-PAST", "EXP-D20", "EXP-D75", "EXP-D150")}
	assert (rows[names["EXP-PAST"]]["bucket_key"], rows[names["EXP-PAST"]]["days_left"]) == ("Expired", -3)
	assert rows[names["EXP-D20"]]["bucket_key"] == "0-30"
	assert rows[names["EXP-D75"]]["bucket_key"] == "31-90"
	assert rows[names["EXP-D150"]]["bucket_key"] == "91-180"
	assert rows[names["EXP-D20"]]["qty"] == 5 and rows[names["EXP-D20"]]["value"] == 60.0
	assert rows[names["EXP-D75"]]["value"] == 48.0
	values = {item["label"]: item["value"] for item in summary}
	assert values["Expired Stock Value"] == 40.0
	assert values["Expiring within 30 Days"] == 60.0
	assert values["Expiring within 90 Days"] == 108.0
	assert values["Expiring within 180 Days"] == 178.0
	assert chart["data"]["datasets"][0]["values"] == [40.0, 60.0, 48.0, 70.0]
	_c, everything, *_ = execute({"as_on_date": today(), "item_code": ITEM, "only_at_risk": 0})
	assert {row["batch"] for row in everything} == set(rows) | {names["EXP-D400"]}
	# as on a date before the receipts, there was nothing at risk
	assert execute({"as_on_date": add_days(today(), -40), "item_code": ITEM})[1] == []
