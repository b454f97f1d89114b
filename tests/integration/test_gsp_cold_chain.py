"""Cold chain: temperature logs for a batch, a shipment or a warehouse, entered by hand, from a logger's CSV or
through the API; the range comes from the device's storage condition; an excursion quarantines the batches."""

import pytest

import frappe
from frappe.utils import add_days, today

from medical_devices.gsp.cold_chain import record_temperature_readings
from tests.factories import (
	company_stores,
	company_warehouse,
	ensure_item,
	ensure_party,
	ensure_warehouse,
	first_company,
	qualify_party,
	register_item,
	release,
	settings,
)

ITEM = "_Test MD Cold Device"
PARTY = "_Test MD Cold Party"
COLD_ROOM = "_Test MD Cold Room"

LOGGER_CSV = """Logger;LOG-77
Serial;A1B2
时间;温度(℃);湿度(%)
2026-11-20 08:00:00;4,5;55
2026-11-20 08:30:00;9,6;56
2026-11-20 09:00:00;5,0;54
"""


@pytest.fixture(scope="module", autouse=True)
def records(frappe_site):
	ensure_warehouse(COLD_ROOM, company_stores().stores)
	ensure_item(
		ITEM,
		"Class III",
		valuation_rate=30,
		md_requires_cold_chain=1,
		md_storage_condition="2-8 °C",
		md_storage_temperature_min=2,
		md_storage_temperature_max=8,
	)
	register_item(ITEM, "Class III")
	for doctype in ("Supplier", "Customer"):
		qualify_party(doctype, ensure_party(doctype, PARTY))
	frappe.db.commit()  # nosemgrep: shared by this module's tests, each of which rolls back its own work
	# ERPNext keeps the warehouse-account map in request flags; this process is one long "request"
	frappe.flags.pop("warehouse_account_map", None)
	yield


def context():
	"""The test company and this module's cold room."""
	company = first_company()
	return frappe._dict(company=company, cold_room=company_warehouse(COLD_ROOM, company))


def stocked_batch(batch_id, qty=5):
	ctx = context()
	batch = frappe.get_doc({"doctype": "Batch", "batch_id": batch_id, "item": ITEM}).insert()
	receipt = frappe.get_doc(
		{
			"doctype": "Purchase Receipt",
			"company": ctx.company,
			"supplier": PARTY,
			"items": [
				{
					"item_code": ITEM,
					"qty": qty,
					"rate": 30,
					"warehouse": ctx.cold_room,
					"batch_no": batch.name,
					"use_serial_batch_fields": 1,
				}
			],
		}
	)
	receipt.insert()
	receipt.submit()
	release(batch.name)
	return batch.name


def manual_log(reference_type, reference_name, temperatures, submit=True):
	log = frappe.get_doc(
		{
			"doctype": "Temperature Log",
			"reference_type": reference_type,
			"reference_name": reference_name,
			"readings": [
				{"reading_time": f"2026-11-20 {8 + i:02d}:00:00", "temperature": t}
				for i, t in enumerate(temperatures)
			],
		}
	).insert()
	if submit:
		log.submit()
	return log


def test_readings_in_range_change_nothing():
	batch = stocked_batch("COLD-OK")
	log = manual_log("Batch", batch, [3, 5.5, 7.9])
	assert (log.allowed_min, log.allowed_max, log.has_excursion, log.excursion_count) == (2, 8, 0, 0)
	assert (log.lowest_reading, log.highest_reading) == (3, 7.9)
	assert frappe.db.get_value("Batch", batch, "md_batch_status") == "Released"


def test_excursion_on_a_batch_flags_the_readings_and_quarantines_it():
	batch = stocked_batch("COLD-HOT")
	log = manual_log("Batch", batch, [4, 11.2, 1.5, 6])
	assert (log.has_excursion, log.excursion_count) == (1, 2)
	assert [r.is_excursion for r in log.readings] == [0, 1, 1, 0]
	assert str(log.first_excursion_at) == "2026-11-20 09:00:00"
	assert frappe.db.get_value("Batch", batch, "md_batch_status") == "Quarantine"
	change = frappe.get_all(
		"Batch Status Change",
		{"batch": batch, "reference_doctype": "Temperature Log"},
		["reason", "reference_name"],
	)[0]
	assert change.reference_name == log.name and "2 readings outside 2 – 8 °C" in change.reason
	assert frappe.db.get_value("Temperature Log", log.name, "quarantined_batches") == "COLD-HOT"


def test_warehouse_log_from_a_logger_csv_through_the_api_quarantines_stock_there():
	ctx = context()
	first, second = stocked_batch("COLD-WH1"), stocked_batch("COLD-WH2")
	result = record_temperature_readings(
		"Warehouse", ctx.cold_room, csv_content=LOGGER_CSV, logger_id="LOG-77"
	)
	log = frappe.get_doc("Temperature Log", result["name"])
	assert (result["has_excursion"], result["excursion_count"], log.source, log.docstatus) == (
		1,
		1,
		"CSV Import",
		1,
	)
	assert [r.humidity for r in log.readings] == [55, 56, 54] and log.highest_reading == 9.6
	assert ITEM in log.range_basis
	assert {frappe.db.get_value("Batch", b, "md_batch_status") for b in (first, second)} == {"Quarantine"}

	from medical_devices.gsp.report.temperature_excursions.temperature_excursions import execute

	_columns, data = execute({"reference_type": "Warehouse", "reference_name": ctx.cold_room})
	assert [row.name for row in data] == [log.name]
	assert data[0].quarantined_batches == "COLD-WH1\nCOLD-WH2"


def test_warehouse_own_range_wins_and_json_readings_work():
	ctx = context()
	frappe.db.set_value("Warehouse", ctx.cold_room, {"md_temperature_min": 2, "md_temperature_max": 6})
	result = record_temperature_readings(
		"Warehouse",
		ctx.cold_room,
		readings=[{"reading_time": "2026-11-21 10:00:00", "temperature": 7}],
		submit=0,
	)
	log = frappe.get_doc("Temperature Log", result["name"])
	assert (log.allowed_max, log.has_excursion, log.docstatus, log.source) == (6, 1, 0, "API")


def test_shipment_log_uses_the_cold_chain_items_on_the_delivery_note():
	ctx = context()
	batch = stocked_batch("COLD-SHIP")
	note = frappe.get_doc(
		{
			"doctype": "Delivery Note",
			"company": ctx.company,
			"customer": PARTY,
			"items": [
				{
					"item_code": ITEM,
					"qty": 1,
					"rate": 50,
					"warehouse": ctx.cold_room,
					"batch_no": batch,
					"use_serial_batch_fields": 1,
				}
			],
		}
	).insert()
	note.submit()
	log = manual_log("Delivery Note", note.name, [5, 8.5])
	assert log.has_excursion and frappe.db.get_value("Batch", batch, "md_batch_status") == "Quarantine"


def test_no_range_and_bad_files_are_refused_with_a_clear_message():
	ctx = context()
	stores = frappe.db.get_value(
		"Warehouse", {"company": ctx.company, "is_group": 0, "warehouse_name": "Finished Goods"}
	)
	with pytest.raises(frappe.ValidationError, match="has no storage temperature range"):
		manual_log("Warehouse", stores, [5])
	with pytest.raises(frappe.ValidationError, match="Line 6: 'warm' is not a temperature"):
		record_temperature_readings("Warehouse", ctx.cold_room, csv_content=LOGGER_CSV.replace("5,0", "warm"))
	assert not frappe.db.exists(
		"Temperature Log", {"reference_name": ctx.cold_room, "docstatus": 0, "source": "CSV Import"}
	)


def test_excursion_setting_off_only_flags():
	batch = stocked_batch("COLD-NOQ")
	with settings(quarantine_on_excursion=0):
		log = manual_log("Batch", batch, [12])
	assert log.has_excursion and frappe.db.get_value("Batch", batch, "md_batch_status") == "Released"
	draft = manual_log("Batch", batch, [5], submit=False)
	with pytest.raises(frappe.ValidationError, match="kept"):
		frappe.delete_doc("Temperature Log", draft.name)
