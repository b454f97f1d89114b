"""Issue 19's story, end to end on one site: a hospital's consignment stock replenished; its usage report of two
implants by UDI scan, the patient pseudonymised; the invoice (revenue and cost of goods sold only then, the units
out of the consignment warehouse); a recall that finds the implanted units and the one still on the shelf; a loaner
set back without an instrument, charged; a sale on a third invoice refused naming the chain; a company in observe
mode that records and does not refuse; the readiness report listing the gaps planted."""

import pytest

import frappe
from frappe.utils import add_days, flt, today

from medical_devices.golive import EVENT, OBSERVATION, end_observation
from medical_devices.gsp.qualification import QualificationError
from medical_devices.md_hospitals.doctype.consignment_usage_report.consignment_usage_report import (
	make_sales_invoice,
)
from medical_devices.md_hospitals.doctype.loaner_set.loaner_set import record_sterilisation
from medical_devices.md_hospitals.doctype.loaner_set_loan.loaner_set_loan import record_return
from medical_devices.md_hospitals.two_invoice import TwoInvoiceError
from medical_devices.personal_data import pseudonym
from tests.factories import (
	TRACE_SUPPLIER,
	company_stores,
	consignment_hospital,
	device_recall,
	ensure_item,
	ensure_party,
	first_company,
	gl_by_account,
	implant_item,
	named_batch,
	qualify_party,
	receive_units,
	register_item,
	replenish,
	submit,
	trace_masters,
)
from tests.unit.udi_codes import gs1_element_string, gtin14

HOSPITAL = "_Test MD Story Public Hospital"
CLINIC = "_Test MD Story Unlicensed Clinic"
WHOLESALER = "_Test MD Story Wholesaler"
IMPLANT = "_Test MD Story Spinal Cage"
IMPLANT_DI = gtin14("0697000000419")
DRIVER = "_Test MD Story Inserter"
TEMPLATE = "_Test MD Story Cage Set"


@pytest.fixture(scope="module", autouse=True)
def masters(frappe_site):
	trace_masters()
	implant_item(IMPLANT, IMPLANT_DI)
	ensure_item(DRIVER, "Class I", valuation_rate=300, standard_rate=900)
	register_item(DRIVER, "Class I")
	# the two-invoice rule: the cage is under it, its registrant is our supplier, the hospital buys under it
	certificate = frappe.get_doc("Registration Certificate", f"_Test MD Reg {IMPLANT}")
	if certificate.supplier != TRACE_SUPPLIER:
		certificate.supplier, certificate.md_reason = TRACE_SUPPLIER, "The registrant supplies us"
		certificate.save()
	item = frappe.get_doc("Item", IMPLANT)
	if not item.md_two_invoice_rule:
		item.md_two_invoice_rule, item.md_reason = 1, "High-value consumable"
		item.save()
	if not frappe.db.exists("Customer", HOSPITAL):
		frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": HOSPITAL,
				"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0}),
				"territory": frappe.db.get_value("Territory", {"is_group": 0}),
				"md_two_invoice_rule": "Applies",
			}
		).insert()
	consignment_hospital(HOSPITAL)
	qualify_party("Supplier", ensure_party("Supplier", WHOLESALER))
	ensure_party("Customer", CLINIC)
	if not frappe.db.exists("Loaner Set Template", TEMPLATE):
		frappe.get_doc(
			{
				"doctype": "Loaner Set Template",
				"template_name": TEMPLATE,
				"items": [
					{"item_code": IMPLANT, "component": "Implant", "qty": 1},
					{"item_code": DRIVER, "component": "Instrument", "qty": 1},
				],
			}
		).insert()
	frappe.db.commit()  # nosemgrep: the story's masters; the test rolls back its own work
	yield


def billed(receipt: str):
	from erpnext.stock.doctype.purchase_receipt.purchase_receipt import make_purchase_invoice

	invoice = make_purchase_invoice(receipt)
	invoice.bill_no = f"FP{frappe.generate_hash(length=8)}"
	invoice.insert()
	invoice.submit()
	return invoice


def refused(make, error):
	frappe.db.savepoint("md_story")
	with pytest.raises(error) as refusal:
		make()
	frappe.db.rollback(save_point="md_story")
	return str(refusal.value)


def test_the_hospital_story():
	company = frappe.get_cached_doc("Company", first_company())
	warehouse = consignment_hospital(HOSPITAL).warehouse
	consignment_account = frappe.db.get_value("Warehouse", warehouse, "account")

	# replenish: a move between our two stock accounts, no revenue, no cost of goods sold
	batch = named_batch(f"ST-{frappe.generate_hash(length=6)}", IMPLANT)
	serials = [f"STSN-{frappe.generate_hash(length=5).upper()}-{n}" for n in range(4)]
	purchase = billed(receive_units(IMPLANT, batch, 4, serials))
	transfer = replenish(warehouse, IMPLANT, batch, 3, serials[:3])
	moved = gl_by_account("Stock Entry", transfer.name)
	assert moved[consignment_account] == 3 * 800 and sum(moved.values()) == 0
	assert company.default_income_account not in moved and company.default_expense_account not in moved

	# the usage report by UDI scan: two implants, the patient a pseudonym
	lot, expiry = frappe.db.get_value("Batch", batch, ["batch_id", "expiry_date"])
	report = frappe.get_doc(
		{
			"doctype": "Consignment Usage Report",
			"company": company.name,
			"customer": HOSPITAL,
			"items": [
				{
					"udi": gs1_element_string(IMPLANT_DI, lot=lot, serial=serial, expiry=expiry),
					"surgery_date": add_days(today(), -1),
					"surgeon": "王主任",
					"hospital_record_no": "ZY-STORY-1",
				}
				for serial in serials[:2]
			],
		}
	).insert()
	report.submit()
	patient = pseudonym(HOSPITAL, "ZY-STORY-1")
	assert [row.patient_reference for row in report.items] == [patient, patient]
	assert "ZY-STORY-1" not in frappe.as_json(report.as_dict())

	# the invoice: revenue and cost of goods sold now, out of the consignment warehouse, on the two-invoice chain
	invoice = make_sales_invoice(report.name)
	for row in invoice.items:
		row.rate = 2000
	invoice.insert()
	invoice.submit()
	posted = gl_by_account("Sales Invoice", invoice.name)
	assert posted[company.default_income_account] == -4000
	assert posted[company.default_expense_account] == 1600 and posted[consignment_account] == -1600
	assert {row.md_purchase_invoices for row in invoice.items} == {purchase.name}

	# the recall: the implanted units per hospital, the one still on the shelf
	recall = device_recall([batch], is_mock=1).insert()
	hospital_row = next(row for row in recall.customers if row.customer == HOSPITAL)
	assert (hospital_row.implanted_qty, hospital_row.consignment_qty) == (2, 1)
	assert sorted((row.customer, row.serial_no, row.patient_reference) for row in recall.implants) == sorted(
		(HOSPITAL, serial, patient) for serial in serials[:2]
	)  # both implanted units, in whatever order the recall lists them

	# a loaner set back without its instrument: the instrument is charged
	set_batch = named_batch(f"ST-{frappe.generate_hash(length=6)}", IMPLANT)
	set_serial = f"STSN-{frappe.generate_hash(length=5).upper()}-S"
	billed(receive_units(IMPLANT, set_batch, 1, [set_serial]))
	driver_batch = named_batch(f"ST-{frappe.generate_hash(length=6)}", DRIVER)
	receive_units(DRIVER, driver_batch, 1, rate=300)
	loaner_set = frappe.get_doc(
		{
			"doctype": "Loaner Set",
			"set_no": f"ST-{frappe.generate_hash(length=5)}",
			"template": TEMPLATE,
			"company": company.name,
		}
	).insert()
	submit(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Transfer",
			"purpose": "Material Transfer",
			"items": [
				{
					"item_code": IMPLANT,
					"qty": 1,
					"s_warehouse": company_stores().stores,
					"t_warehouse": loaner_set.warehouse,
					"batch_no": set_batch,
					"serial_no": set_serial,
					"use_serial_batch_fields": 1,
				},
				{
					"item_code": DRIVER,
					"qty": 1,
					"s_warehouse": company_stores().stores,
					"t_warehouse": loaner_set.warehouse,
					"batch_no": driver_batch,
					"use_serial_batch_fields": 1,
				},
			],
		}
	)
	assert record_sterilisation(loaner_set.name, "EO-STORY-1") == "Available"
	loan = frappe.get_doc(
		{
			"doctype": "Loaner Set Loan",
			"company": company.name,
			"loaner_set": loaner_set.name,
			"customer": HOSPITAL,
			"surgery_date": today(),
			"surgeon": "王主任",
		}
	).insert()
	loan.submit()
	rows = [
		{
			"row": row.name,
			"returned_qty": row.qty if row.item_code == IMPLANT else 0,
			"used_qty": 0,
			"resolution": "" if row.item_code == IMPLANT else "Charge Hospital",
		}
		for row in loan.items
	]
	charge = frappe.get_doc("Sales Invoice", record_return(loan.name, rows)["sales_invoice"])
	assert [(row.item_code, row.qty) for row in charge.items] == [(DRIVER, 1)]
	assert gl_by_account("Sales Invoice", charge.name)[company.default_expense_account] == 300

	# a sale on a third invoice is refused, the chain named
	third = named_batch(f"ST-{frappe.generate_hash(length=6)}", IMPLANT)
	third_serial = f"STSN-{frappe.generate_hash(length=5).upper()}-W"
	receipt = submit(
		{
			"doctype": "Purchase Receipt",
			"supplier": WHOLESALER,
			"items": [
				{
					"item_code": IMPLANT,
					"qty": 1,
					"rate": 900,
					"warehouse": company_stores().stores,
					"batch_no": third,
					"serial_no": third_serial,
					"use_serial_batch_fields": 1,
				}
			],
		}
	)
	from tests.factories import release

	release(third)
	from_wholesaler = billed(receipt.name)
	note = frappe.get_doc(
		{
			"doctype": "Delivery Note",
			"company": company.name,
			"customer": HOSPITAL,
			"items": [
				{
					"item_code": IMPLANT,
					"qty": 1,
					"rate": 2000,
					"warehouse": company_stores().stores,
					"batch_no": third,
					"serial_no": third_serial,
					"use_serial_batch_fields": 1,
				}
			],
		}
	).insert()
	message = refused(note.submit, TwoInvoiceError)
	assert WHOLESALER in message and from_wholesaler.name in message and HOSPITAL in message
	assert frappe.db.get_value("Delivery Note", note.name, "docstatus") == 0

	# observe mode: the clinic without licences is recorded, not refused; then the controls refuse again
	def to_clinic():
		return frappe.get_doc(
			{
				"doctype": "Delivery Note",
				"company": company.name,
				"customer": CLINIC,
				"items": [
					{
						"item_code": DRIVER,
						"qty": 1,
						"rate": 900,
						"warehouse": company_stores().stores,
						"batch_no": receive_driver(),
						"use_serial_batch_fields": 1,
					}
				],
			}
		).insert()

	refused(to_clinic, QualificationError)
	observation = frappe.get_doc({"doctype": OBSERVATION, "company": company.name}).insert()
	observed = to_clinic()
	observed.submit()
	assert frappe.db.get_value(
		EVENT, {"observation": observation.name, "reference_name": observed.name}, "user"
	) == ("Administrator")
	end_observation(observation.name)
	refused(to_clinic, QualificationError)

	# the readiness report lists the gaps planted: the clinic, and a device item without DI or certificate
	from medical_devices.medical_devices.report.go_live_readiness.go_live_readiness import execute

	gaps = ensure_item(f"_Test MD Story Gaps {frappe.generate_hash(length=4)}", "Class III")
	_columns, found = execute({"company": company.name})
	listed = {(row["reference_name"], row["problem"]) for row in found}
	assert {
		(gaps, "no UDI device identifier (DI)"),
		(gaps, "no registration or filing certificate valid today"),
		(gaps, "not approved for first business"),
		(CLINIC, "not approved for first business"),
	} <= listed
	assert not [problem for name, problem in listed if name in (IMPLANT, HOSPITAL)]


def receive_driver() -> str:
	batch = named_batch(f"ST-{frappe.generate_hash(length=6)}", DRIVER)
	receive_units(DRIVER, batch, 1, rate=300)
	return batch
