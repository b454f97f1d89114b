"""Loaner sets (medical_devices/md_hospitals/loaner_sets.py): a set is a warehouse of its own, filled by transfers;
it goes to a qualified hospital's surgery only complete and sterilised; nothing moves in or out while it is out;
its return bills the implants used with the patient's pseudonym, charges or writes off missing instruments, and
leaves it incomplete or to reprocess until it is refilled and reprocessed. Every refusal leaves nothing written."""

import pytest

import frappe
from frappe.utils import flt, today

from medical_devices.gsp.qualification import QualificationError
from medical_devices.inputs import InvalidInputError
from medical_devices.md_hospitals.doctype.loaner_set.loaner_set import record_sterilisation
from medical_devices.md_hospitals.doctype.loaner_set_loan.loaner_set_loan import (
	LoanNotAllowedError,
	record_return,
)
from medical_devices.md_hospitals.overrides.loaner_stock import LoanerSetStockError
from medical_devices.personal_data import pseudonym
from tests.factories import (
	company_stores,
	ensure_item,
	ensure_party,
	first_company,
	gl_by_account,
	named_batch,
	qualify_party,
	receive_units,
	register_item,
	submit,
	trace_masters,
)

HOSPITAL = "_Test MD LS Hospital"
UNQUALIFIED = "_Test MD LS Unlicensed Hospital"
SCREW = "_Test MD LS Locking Screw"
PLATE = "_Test MD LS Bone Plate"
DRILL = "_Test MD LS Drill Guide"
DRIVER = "_Test MD LS Screwdriver"
TEMPLATE = "_Test MD LS Distal Radius Set"


@pytest.fixture(scope="module", autouse=True)
def masters(frappe_site):
	trace_masters()
	for item, rate in ((SCREW, 300), (PLATE, 1500)):
		ensure_item(item, "Class III", valuation_rate=rate, standard_rate=rate * 2, md_is_implant=1)
		register_item(item, "Class III")
	for item, rate in ((DRILL, 400), (DRIVER, 200)):
		ensure_item(item, "Class I", valuation_rate=rate, standard_rate=rate * 3)
		register_item(item, "Class I")
	qualify_party("Customer", ensure_party("Customer", HOSPITAL))
	ensure_party("Customer", UNQUALIFIED)
	if not frappe.db.exists("Loaner Set Template", TEMPLATE):
		frappe.get_doc(
			{
				"doctype": "Loaner Set Template",
				"template_name": TEMPLATE,
				"items": [
					{"item_code": SCREW, "component": "Implant", "qty": 6},
					{"item_code": PLATE, "component": "Implant", "qty": 1},
					{"item_code": DRILL, "component": "Instrument", "qty": 1},
					{"item_code": DRIVER, "component": "Instrument", "qty": 2},
				],
			}
		).insert()
	frappe.db.commit()  # nosemgrep: the module's masters; each test rolls back its own work
	yield


def stock_in_stores():
	"""Implant batches and instruments in Stores, enough for one set and a refill."""
	batches = {}
	for item, qty, rate in ((SCREW, 12, 300), (PLATE, 2, 1500), (DRILL, 2, 400), (DRIVER, 4, 200)):
		batches[item] = named_batch(f"LS-{frappe.generate_hash(length=6)}", item)
		receive_units(item, batches[item], qty, rate=rate)
	return batches


def transfer(target, rows, source=None):
	source = source or company_stores().stores
	return submit(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Transfer",
			"purpose": "Material Transfer",
			"items": [
				{
					"item_code": item,
					"qty": qty,
					"s_warehouse": source,
					"t_warehouse": target,
					"batch_no": batch,
					"use_serial_batch_fields": 1 if batch else 0,
				}
				for item, qty, batch in rows
			],
		}
	)


def ready_set():
	"""A set, filled to its template and reprocessed: Available."""
	batches = stock_in_stores()
	loaner_set = frappe.get_doc(
		{
			"doctype": "Loaner Set",
			"set_no": f"LS-{frappe.generate_hash(length=6).upper()}",
			"template": TEMPLATE,
			"company": first_company(),
		}
	).insert()
	assert loaner_set.status == "Incomplete" and loaner_set.warehouse
	transfer(
		loaner_set.warehouse,
		[(item, qty, batches[item]) for item, qty in ((SCREW, 6), (PLATE, 1), (DRILL, 1), (DRIVER, 2))],
	)
	assert frappe.db.get_value("Loaner Set", loaner_set.name, "status") == "Reprocessing"  # not yet sterile
	assert record_sterilisation(loaner_set.name, "EO-LS-001") == "Available"
	return frappe.get_doc("Loaner Set", loaner_set.name), batches


def lend(loaner_set, hospital=HOSPITAL):
	loan = frappe.get_doc(
		{
			"doctype": "Loaner Set Loan",
			"company": first_company(),
			"loaner_set": loaner_set.name,
			"customer": hospital,
			"surgery_date": today(),
			"surgeon": "李主任",
		}
	).insert()
	loan.submit()
	return loan


def counted(loan, **by_item):
	"""The return rows: by item, (returned, used, resolution); anything not named came back whole."""
	rows = []
	for row in loan.items:
		returned, used, resolution = by_item.get(row.item_code, (row.qty, 0, ""))
		rows.append({"row": row.name, "returned_qty": returned, "used_qty": used, "resolution": resolution})
	return rows


def test_a_set_goes_out_complete_sterile_and_to_a_qualified_hospital_only():
	loaner_set, _batches = ready_set()
	loans = frappe.db.count("Loaner Set Loan", {"docstatus": 1})
	with pytest.raises(QualificationError):
		lend(loaner_set, UNQUALIFIED)
	frappe.db.rollback()
	loaner_set, _batches = ready_set()
	loan = lend(loaner_set)
	assert sorted((row.item_code, row.component, row.qty) for row in loan.items) == sorted(
		[(DRILL, "Instrument", 1), (DRIVER, "Instrument", 2), (PLATE, "Implant", 1), (SCREW, "Implant", 6)]
	)
	assert frappe.db.get_value("Loaner Set", loaner_set.name, ["status", "current_loan"]) == (
		"On Loan",
		loan.name,
	)
	with pytest.raises(LoanNotAllowedError):
		lend(loaner_set)
	with pytest.raises(LoanerSetStockError, match="out on loan"):
		transfer(company_stores().stores, [(DRIVER, 1, _batches[DRIVER])], source=loaner_set.warehouse)
	with pytest.raises(LoanerSetStockError, match="Record Return"):
		submit(
			{
				"doctype": "Sales Invoice",
				"customer": HOSPITAL,
				"update_stock": 1,
				"items": [
					{
						"item_code": DRIVER,
						"qty": 1,
						"rate": 600,
						"warehouse": loaner_set.warehouse,
						"batch_no": _batches[DRIVER],
						"use_serial_batch_fields": 1,
					}
				],
			}
		)
	assert frappe.db.count("Loaner Set Loan", {"docstatus": 1}) == loans + 1


def test_the_return_bills_the_implants_used_and_charges_or_writes_off_missing_instruments():
	loaner_set, batches = ready_set()
	loan = lend(loaner_set)
	rows = counted(
		loan,
		**{
			SCREW: (4, 2, ""),
			PLATE: (0, 1, ""),
			DRILL: (0, 0, "Charge Hospital"),
			DRIVER: (1, 0, "Write Off"),
		},
	)
	with pytest.raises(InvalidInputError, match="hospital record number"):
		record_return(loan.name, rows)
	with pytest.raises(InvalidInputError, match="charge the hospital or write it off"):
		record_return(loan.name, counted(loan, **{DRILL: (0, 0, "")}), "ZY-LS-1")
	posted = record_return(loan.name, rows, "ZY-LS-1")
	loan.reload()
	assert loan.status == "Returned" and loan.received_by == "Administrator"
	invoice = frappe.get_doc("Sales Invoice", posted["sales_invoice"])
	assert invoice.docstatus == 1 and invoice.md_loaner_set_loan == loan.name
	patient = pseudonym(HOSPITAL, "ZY-LS-1")
	assert sorted(
		(row.item_code, row.qty, row.md_patient_reference or "") for row in invoice.items
	) == sorted([(DRILL, 1, ""), (PLATE, 1, patient), (SCREW, 2, patient)])
	company = frappe.get_cached_doc("Company", first_company())
	assert (
		gl_by_account("Sales Invoice", invoice.name)[company.default_expense_account] == 2 * 300 + 1500 + 400
	)
	loss = gl_by_account("Stock Entry", posted["write_off_entry"])
	assert [value for account, value in loss.items() if "Loaner Set Losses" in account] == [200.0]
	# incomplete until refilled, then to reprocess, then available
	status, missing = frappe.db.get_value("Loaner Set", loaner_set.name, ["status", "missing"])
	assert status == "Incomplete" and DRILL in missing and DRIVER in missing and PLATE in missing
	with pytest.raises(LoanNotAllowedError):
		lend(loaner_set)
	transfer(
		loaner_set.warehouse,
		[(item, qty, batches[item]) for item, qty in ((SCREW, 2), (PLATE, 1), (DRILL, 1), (DRIVER, 1))],
	)
	assert frappe.db.get_value("Loaner Set", loaner_set.name, "status") == "Reprocessing"
	assert record_sterilisation(loaner_set.name, "EO-LS-002") == "Available"
	loan.reload()
	assert loan.sterilisation_batch == "EO-LS-002" and loan.turnaround_days is not None
	# a return is recorded once
	with pytest.raises(InvalidInputError):
		record_return(loan.name, rows, "ZY-LS-1")


def test_utilisation_counts_loans_days_out_turnaround_and_what_returns_billed_or_lost():
	from medical_devices.md_hospitals.report.loaner_set_utilisation.loaner_set_utilisation import execute

	loaner_set, _batches = ready_set()
	loan = lend(loaner_set)
	record_return(loan.name, counted(loan, **{SCREW: (5, 1, ""), DRIVER: (1, 0, "Write Off")}), "ZY-LS-2")
	record_sterilisation(loaner_set.name, "EO-LS-003")
	_columns, rows = execute({"company": first_company(), "from_date": today(), "to_date": today()})
	row = next(row for row in rows if row["loaner_set"] == loaner_set.name)
	assert (row["loans"], row["implants_used"], row["instruments_missing"]) == (1, 1, 1)
	assert row["turnaround_days"] is not None and row["days_out"] >= 0


def test_a_loan_takes_out_what_the_set_holds_when_it_goes_and_bad_counts_are_refused():
	loaner_set, batches = ready_set()
	loan = frappe.get_doc(
		{
			"doctype": "Loaner Set Loan",
			"company": first_company(),
			"loaner_set": loaner_set.name,
			"customer": HOSPITAL,
			"surgery_date": today(),
			"surgeon": "李主任",
		}
	).insert()
	transfer(loaner_set.warehouse, [(SCREW, 2, batches[SCREW])])  # added after the draft was saved
	record_sterilisation(loaner_set.name, "EO-LS-004")
	loan.reload()
	loan.submit()
	assert sum(row.qty for row in loan.items if row.item_code == SCREW) == 8
	for rows in ('[{"row": ["x"]}]', '[{"row": {"a": 1}}]', "[1]", '{"row": "x"}'):
		with pytest.raises(InvalidInputError):
			record_return(loan.name, rows, "ZY-LS-3")
	assert frappe.db.get_value("Loaner Set Loan", loan.name, "status") == "On Loan"
