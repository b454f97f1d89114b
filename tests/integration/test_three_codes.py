"""Three codes (三码合一, medical_devices/md_hospitals/three_codes.py): a device's charge code at each hospital is
well formed, one per hospital and that hospital's own, refused otherwise with nothing saved; what a hospital
receives prints and exports one row per unit with its UDI, the NHSA code, the charge code, the registration
certificate, the expiry and the sterilisation batch, on the delivery note and on the invoice made from it."""

import csv
import io
import json

import pytest

import frappe
from frappe.utils import add_days, today

from medical_devices.inputs import InvalidInputError
from medical_devices.md_hospitals.three_codes import document_rows
from tests.factories import (
	company_stores,
	consignment_hospital,
	first_company,
	implant_item,
	receive_units,
	submit,
	trace_masters,
)
from tests.outputs import pdf_text
from tests.unit.udi_codes import gtin14

HOSPITAL = "_Test MD 3C Hospital"
OTHER_HOSPITAL = "_Test MD 3C Other Hospital"
SCREW = "_Test MD 3C Bone Screw"
PLATE = "_Test MD 3C Bone Plate"
SCREW_DI = gtin14("0697000000310")
PLATE_DI = gtin14("0697000000327")
NHSA = "C1301010000000310001"


@pytest.fixture(scope="module", autouse=True)
def masters(frappe_site):
	trace_masters()
	for code, di in ((SCREW, SCREW_DI), (PLATE, PLATE_DI)):
		implant_item(code, di)
		item = frappe.get_doc("Item", code)
		if item.md_default_di != di:
			item.md_default_di, item.md_reason = di, "Its label's DI"
			item.save()
	if not frappe.db.get_value("UDI Device Identifier", SCREW_DI, "nhsa_code"):
		identifier = frappe.get_doc("UDI Device Identifier", SCREW_DI)
		identifier.nhsa_code, identifier.md_reason = NHSA, "NHSA code assigned"
		identifier.save()
	for hospital in (HOSPITAL, OTHER_HOSPITAL):
		consignment_hospital(hospital)
	set_charge_codes(SCREW, {HOSPITAL: "HS-1303-001", OTHER_HOSPITAL: "8801"})
	frappe.db.commit()  # nosemgrep: the module's masters; each test rolls back its own work
	yield


def set_charge_codes(item_code, codes: dict):
	item = frappe.get_doc("Item", item_code)
	item.customer_items = []
	for customer, code in codes.items():
		item.append("customer_items", {"customer_name": customer, "ref_code": code})
	item.md_reason = "Hospital charge codes"
	item.save()
	return item


def stored_codes(item_code) -> list:
	return [
		tuple(row)
		for row in frappe.get_all(
			"Item Customer Detail",
			filters={"parent": item_code, "parenttype": "Item"},
			fields=["customer_name", "ref_code"],
			order_by="idx",
			as_list=True,
		)
	]


@pytest.mark.parametrize(
	"codes, message",
	[
		({HOSPITAL: "HS 1303"}, "may hold only"),
		({HOSPITAL: "收费001"}, "may hold only"),
		({HOSPITAL: "X" * 41}, "may hold only"),
		({HOSPITAL: "HS-1303-001"}, "uses the charge code"),  # the screw's code at that hospital
	],
)
def test_a_bad_or_borrowed_charge_code_is_refused_and_nothing_is_saved(codes, message):
	before = stored_codes(PLATE)
	with pytest.raises(InvalidInputError, match=message):
		set_charge_codes(PLATE, codes)
	frappe.db.rollback()
	assert stored_codes(PLATE) == before


def test_one_charge_code_per_hospital_on_every_save_path():
	item = frappe.get_doc("Item", PLATE).as_dict()
	item["customer_items"] = [
		{"customer_name": HOSPITAL, "ref_code": "HS-1303-002"},
		{"customer_name": HOSPITAL, "ref_code": "HS-1303-003"},
	]
	item["md_reason"] = "Hospital charge codes"
	with pytest.raises(InvalidInputError, match="already has a charge code"):
		frappe.call("frappe.client.save", doc=json.dumps(item, default=str))
	frappe.db.rollback()
	assert stored_codes(PLATE) == []
	saved = set_charge_codes(PLATE, {HOSPITAL: " HS-1303-002 "})
	assert [row.ref_code for row in saved.customer_items] == ["HS-1303-002"]  # kept without its spaces


def delivered(qty=2):
	batch = (
		frappe.get_doc(
			{
				"doctype": "Batch",
				"batch_id": f"3C-{frappe.generate_hash(length=6)}",
				"item": SCREW,
				"expiry_date": add_days(today(), 700),
				"md_sterilisation_batch": "EO-20261201-07",
			}
		)
		.insert()
		.name
	)
	serials = [f"3CSN-{frappe.generate_hash(length=5).upper()}-{n}" for n in range(qty)]
	receive_units(SCREW, batch, qty, serials)
	note = submit(
		{
			"doctype": "Delivery Note",
			"customer": HOSPITAL,
			"items": [
				{
					"item_code": SCREW,
					"qty": qty,
					"rate": 680,
					"warehouse": company_stores().stores,
					"batch_no": batch,
					"serial_no": "\n".join(serials),
					"use_serial_batch_fields": 1,
				}
			],
		}
	)
	return note, batch, serials


def test_a_delivery_and_its_invoice_carry_the_three_codes_of_each_unit():
	from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_invoice

	note, batch, serials = delivered()
	batch_id, expiry, made = frappe.db.get_value(
		"Batch", batch, ["batch_id", "expiry_date", "manufacturing_date"]
	)
	made = f"(11){made.strftime('%y%m%d')}" if made else ""
	rows = document_rows(note)
	assert [row.serial_no for row in rows] == serials
	for row, serial in zip(rows, serials, strict=True):
		assert row.udi == f"(01){SCREW_DI}{made}(17){expiry.strftime('%y%m%d')}(10){batch_id}(21){serial}"
		assert (row.di, row.nhsa_code, row.charge_code) == (SCREW_DI, NHSA, "HS-1303-001")
		assert (row.batch_id, row.expiry_date, row.sterilisation_batch) == (
			batch_id,
			expiry,
			"EO-20261201-07",
		)
		assert row.certificate_number == f"_Test MD Reg {SCREW}" and row.qty == 1
	invoice = make_sales_invoice(note.name)
	invoice.insert()
	invoice.submit()
	assert [(row.udi, row.charge_code) for row in document_rows(invoice)] == [
		(row.udi, row.charge_code) for row in rows
	]
	printed = pdf_text(note, "Hospital Delivery (Three Codes)")
	for word in (
		NHSA,
		"HS-1303-001",
		"EO-20261201-07",
		f"(01){SCREW_DI}",
		f"(21){serials[0]}",
		"医院收费编码",
	):
		assert word in printed
	assert NHSA in pdf_text(invoice, "Hospital Invoice (Three Codes)")


def test_the_spd_export_is_a_csv_of_the_same_rows_for_that_hospital_only():
	from frappe.desk.query_report import export_query

	note, _batch, serials = delivered(1)
	frappe.local.form_dict = frappe._dict(
		report_name="Hospital Codes",
		file_format_type="CSV",
		filters=json.dumps(
			{
				"company": first_company(),
				"customer": HOSPITAL,
				"from_date": add_days(today(), -1),
				"to_date": today(),
			}
		),
		visible_idx="[]",
		include_indentation=0,
	)
	export_query()
	content = frappe.response["filecontent"]
	table = list(csv.reader(io.StringIO(content.decode() if isinstance(content, bytes) else content)))
	header, *lines = table
	ours = [line for line in lines if note.name in line]
	assert len(ours) == 1
	row = dict(zip(header, ours[0], strict=False))
	assert row["NHSA Consumables Code"] == NHSA and row["Hospital Charge Code"] == "HS-1303-001"
	assert serials[0] in row["UDI (DI and PI)"]
	assert not [line for line in lines if OTHER_HOSPITAL in line]
