"""Consignment at hospitals (medical_devices/md_hospitals): a hospital's consignment warehouse is ours, on its own
stock account; it is replenished by a transfer the GSP guard passes for the hospital; the hospital's usage report
(by UDI scan, the patient pseudonymised) becomes the Sales Invoice that takes the units out, with revenue and cost
of goods sold only then; nothing else takes consignment stock out; a count's differences are posted by a second
person. Every refusal leaves nothing written."""

import pytest

import frappe
from frappe.utils import add_days, flt, today

from medical_devices.gsp.qualification import QualificationError
from medical_devices.inputs import InvalidInputError
from medical_devices.md_hospitals.consignment import ACCOUNT_NAME, hospital_of
from medical_devices.md_hospitals.doctype.consignment_stock_count.consignment_stock_count import (
	CountApprovalError,
)
from medical_devices.md_hospitals.doctype.consignment_usage_report.consignment_usage_report import (
	UsageNotInStockError,
	make_sales_invoice,
)
from medical_devices.md_hospitals.overrides.consignment_stock import ConsignmentStockError
from medical_devices.personal_data import pseudonym
from tests.factories import (
	company_stores,
	consignment_hospital,
	ensure_item,
	ensure_user,
	first_company,
	gl_by_account,
	implant_item,
	named_batch,
	receive_units,
	replenish,
	submit,
	trace_masters,
)
from tests.unit.udi_codes import gs1_element_string, gtin14

HOSPITAL = "_Test MD CS Hospital"
OTHER_HOSPITAL = "_Test MD CS Other Hospital"
UNQUALIFIED = "_Test MD CS Unlicensed Hospital"
IMPLANT = "_Test MD CS Hip Stem"
IMPLANT_DI = gtin14("0697000000051")
COUNTER = "md-cs-counter@example.com"
APPROVER = "md-cs-approver@example.com"


@pytest.fixture(scope="module", autouse=True)
def masters(frappe_site):
	trace_masters()
	implant_item(IMPLANT, IMPLANT_DI)
	consignment_hospital(HOSPITAL)
	consignment_hospital(OTHER_HOSPITAL)
	consignment_hospital(UNQUALIFIED, qualified=False)
	ensure_user(COUNTER, "Stock Manager", "Stock User", "Sales User")
	ensure_user(APPROVER, "Stock Manager", "Stock User")
	frappe.db.commit()  # nosemgrep: the module's masters; each test rolls back its own work
	yield


def warehouse(hospital=HOSPITAL) -> str:
	from medical_devices.md_hospitals.consignment import warehouse_of

	return warehouse_of(first_company(), hospital)


def serials(prefix: str, count: int) -> list[str]:
	tag = frappe.generate_hash(length=5).upper()
	return [f"{prefix}-{tag}-{index}" for index in range(1, count + 1)]


def stocked(count: int = 3, hospital=HOSPITAL):
	"""A batch of implants received into Stores and `count` of them placed at the hospital."""
	batch = named_batch(f"CS-{frappe.generate_hash(length=6)}", IMPLANT)
	numbers = serials("CSSN", count + 1)
	receive_units(IMPLANT, batch, count + 1, numbers)
	replenish(warehouse(hospital), IMPLANT, batch, count, numbers[:count])
	return frappe._dict(batch=batch, serials=numbers, placed=numbers[:count])


def label(batch: str, serial: str) -> str:
	expiry = frappe.db.get_value("Batch", batch, "expiry_date")
	return gs1_element_string(
		IMPLANT_DI, lot=frappe.db.get_value("Batch", batch, "batch_id"), serial=serial, expiry=expiry
	)


def usage_report(rows, hospital=HOSPITAL, submit_it=True):
	doc = frappe.get_doc(
		{
			"doctype": "Consignment Usage Report",
			"company": first_company(),
			"customer": hospital,
			"report_date": today(),
			"items": rows,
		}
	).insert()
	if submit_it:
		doc.submit()
	return doc


def implant_row(batch, serial, record_no="ZY-2026-0815", **fields):
	return {
		"udi": label(batch, serial),
		"surgery_date": add_days(today(), -1),
		"surgeon": "王医生",
		"hospital_record_no": record_no,
		**fields,
	}


def count_of(doctype, **filters) -> int:
	return frappe.db.count(doctype, filters)


def test_the_consignment_warehouse_is_ours_on_its_own_stock_account():
	name = warehouse()
	assert hospital_of(name) == HOSPITAL
	account = frappe.db.get_value("Warehouse", name, "account")
	assert frappe.db.get_value("Account", account, ["account_name", "account_type"]) == (
		ACCOUNT_NAME,
		"Stock",
	)
	# made once per hospital and company
	assert consignment_hospital(HOSPITAL).warehouse == name
	# the hospital of a warehouse is set when it is made, and stays
	doc = frappe.get_doc("Warehouse", name)
	doc.md_consignment_customer = OTHER_HOSPITAL
	with pytest.raises(frappe.PermissionError):
		doc.save()
	frappe.db.rollback()
	assert hospital_of(name) == HOSPITAL


def test_replenishment_passes_the_guard_for_the_hospital_and_moves_stock_between_our_accounts():
	batch = named_batch(f"CS-{frappe.generate_hash(length=6)}", IMPLANT)
	numbers = serials("CSRP", 2)
	receive_units(IMPLANT, batch, 2, numbers)
	before = count_of("Stock Entry", purpose="Material Transfer")
	with pytest.raises(QualificationError, match="first-business"):
		replenish(warehouse(UNQUALIFIED), IMPLANT, batch, 1, numbers[:1])
	assert count_of("Stock Entry", purpose="Material Transfer") == before

	entry = replenish(warehouse(), IMPLANT, batch, 2, numbers)
	gl = gl_by_account("Stock Entry", entry.name)
	consignment_account = frappe.db.get_value("Warehouse", warehouse(), "account")
	stores_account = frappe.db.get_value(
		"Warehouse", company_stores().stores, "account"
	) or frappe.get_cached_value("Company", first_company(), "default_inventory_account")
	assert gl == {consignment_account: 1600.0, stores_account: -1600.0}  # no revenue, no cost of goods sold
	assert {frappe.db.get_value("Serial No", number, "warehouse") for number in numbers} == {warehouse()}


def test_a_usage_report_by_scan_invoices_the_implants_with_revenue_and_cost_only_then():
	stock = stocked(3)
	report = usage_report(
		[implant_row(stock.batch, stock.placed[0]), implant_row(stock.batch, stock.placed[1])]
	)
	assert [(row.item_code, row.batch_no, row.serial_no) for row in report.items] == [
		(IMPLANT, stock.batch, stock.placed[0]),
		(IMPLANT, stock.batch, stock.placed[1]),
	]
	# the patient is a pseudonym on the report; the record number lives only in its Patient Record
	reference = pseudonym(HOSPITAL, "ZY-2026-0815")
	assert {row.patient_reference for row in report.items} == {reference}
	assert (
		frappe.db.get_value("Consignment Usage Item", {"parent": report.name}, "hospital_record_no") is None
	)
	record = frappe.db.get_value(
		"Patient Record", {"patient_reference": reference}, ["medical_record_no", "hospital"], as_dict=True
	)
	assert (record.medical_record_no, record.hospital) == ("ZY-2026-0815", HOSPITAL)
	assert "ZY-2026-0815" not in frappe.as_json(
		frappe.get_all("Version", filters={"docname": report.name}, pluck="data")
	)
	assert report.status == "To Bill"

	invoice = make_sales_invoice(report.name)
	assert invoice.update_stock == 1 and invoice.set_warehouse == warehouse()
	# one row per batch, its serial numbers in it; the surgery and patient shown as both units share them
	assert [
		(row.batch_no, row.serial_no.split("\n"), row.qty, row.md_patient_reference, str(row.md_surgery_date))
		for row in invoice.items
	] == [(stock.batch, stock.placed[:2], 2, reference, add_days(today(), -1))]
	for row in invoice.items:
		row.rate = 2000
	invoice.insert()
	invoice.submit()
	gl = gl_by_account("Sales Invoice", invoice.name)
	consignment_account = frappe.db.get_value("Warehouse", warehouse(), "account")
	company = frappe.get_cached_doc("Company", first_company())
	assert gl[consignment_account] == -1600.0
	assert gl[company.default_income_account] == -4000.0
	assert gl[company.default_expense_account] == 1600.0
	assert {frappe.db.get_value("Serial No", number, "status") for number in stock.placed[:2]} == {
		"Delivered"
	}
	assert frappe.db.get_value("Serial No", stock.placed[2], "warehouse") == warehouse()
	assert frappe.db.get_value("Consignment Usage Report", report.name, ["status", "per_billed"]) == (
		"Billed",
		100,
	)
	# the same use is not billed twice
	with pytest.raises(frappe.ValidationError, match="invoiced already"):
		make_sales_invoice(report.name)
	# cancelling the invoice puts the report back to be billed
	invoice.reload()
	invoice.md_reason = "Wrong price"
	invoice.cancel()
	assert frappe.db.get_value("Consignment Usage Report", report.name, "status") == "To Bill"


def test_consignment_stock_leaves_only_as_reported_unbilled_use():
	stock = stocked(2)
	placed = warehouse()
	sales = count_of("Sales Invoice")
	notes = count_of("Delivery Note")
	row = {
		"item_code": IMPLANT,
		"qty": 1,
		"rate": 2000,
		"warehouse": placed,
		"batch_no": stock.batch,
		"serial_no": stock.placed[0],
		"use_serial_batch_fields": 1,
	}
	with pytest.raises(ConsignmentStockError, match="only as used"):
		submit({"doctype": "Delivery Note", "customer": HOSPITAL, "items": [row]})
	with pytest.raises(ConsignmentStockError, match="only as used"):
		submit({"doctype": "Sales Invoice", "customer": HOSPITAL, "update_stock": 1, "items": [row]})
	assert (count_of("Sales Invoice"), count_of("Delivery Note")) == (sales, notes)

	report = usage_report([implant_row(stock.batch, stock.placed[0])])
	invoice = make_sales_invoice(report.name)
	invoice.customer = OTHER_HOSPITAL
	with pytest.raises(ConsignmentStockError, match="billed to"):
		invoice.insert()
	invoice = make_sales_invoice(report.name)
	invoice.items[0].serial_no = stock.placed[1]  # another unit than the one used
	with pytest.raises(ConsignmentStockError, match="not these units"):
		invoice.insert()
	invoice = make_sales_invoice(report.name)
	invoice.append("items", dict(invoice.items[0].as_dict(), name=None, idx=2))  # billed twice on one invoice
	with pytest.raises(ConsignmentStockError, match="billed already"):
		invoice.insert()

	stores = company_stores().stores
	for purpose, item in (
		("Material Issue", {"s_warehouse": placed}),
		("Material Receipt", {"t_warehouse": placed, "basic_rate": 800}),
	):
		with pytest.raises(ConsignmentStockError, match="Material Transfer"):
			submit(
				{
					"doctype": "Stock Entry",
					"stock_entry_type": purpose,
					"purpose": purpose,
					"items": [
						{
							"item_code": IMPLANT,
							"qty": 1,
							"batch_no": stock.batch,
							"serial_no": stock.placed[1],
							"use_serial_batch_fields": 1,
							**item,
						}
					],
				}
			)
	with pytest.raises(ConsignmentStockError, match="Consignment Stock Count"):
		submit(
			{
				"doctype": "Stock Reconciliation",
				"purpose": "Stock Reconciliation",
				"items": [
					{
						"item_code": IMPLANT,
						"warehouse": placed,
						"qty": 0,
						"batch_no": stock.batch,
						"use_serial_batch_fields": 1,
					}
				],
			}
		)
	with pytest.raises(ConsignmentStockError, match="own warehouses"):
		submit(
			{
				"doctype": "Purchase Receipt",
				"supplier": "_Test MD Trace Supplier",
				"items": [
					{
						"item_code": IMPLANT,
						"qty": 1,
						"rate": 800,
						"warehouse": placed,
						"batch_no": stock.batch,
						"serial_no": f"CS-PR-{frappe.generate_hash(length=5)}",
						"use_serial_batch_fields": 1,
					}
				],
			}
		)
	# bringing it back is a transfer
	back = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Transfer",
			"purpose": "Material Transfer",
			"company": first_company(),
			"items": [
				{
					"item_code": IMPLANT,
					"qty": 1,
					"s_warehouse": placed,
					"t_warehouse": stores,
					"batch_no": stock.batch,
					"serial_no": stock.placed[1],
					"use_serial_batch_fields": 1,
				}
			],
		}
	).insert()
	back.submit()
	assert frappe.db.get_value("Serial No", stock.placed[1], "warehouse") == stores


def test_two_invoices_of_one_report_at_once_bill_its_units_once():
	"""Two users invoice the same report at the same moment, each from its own connection: one invoice bills the
	unit, the other is refused with the reason, and nothing of it is written."""
	import threading

	from frappe.model.naming import set_new_name

	from tests.frappe_site import site_name, sites_path

	stock = stocked(1)
	report = usage_report([implant_row(stock.batch, stock.placed[0])])
	# the invoices' naming series exists, as on any site that has invoiced before: the first two invoices of a
	# site deadlock on creating it, and one gets a retryable error instead of the refusal tested here
	set_new_name(make_sales_invoice(report.name))
	frappe.db.commit()  # nosemgrep: both connections below must see the report
	both_drafted = threading.Barrier(2, timeout=60)
	outcomes = {}

	def invoice_it(user):
		frappe.init(site=site_name(), sites_path=sites_path())
		frappe.connect()
		try:
			invoice = make_sales_invoice(report.name)  # each reads the report as unbilled
			both_drafted.wait()
			for row in invoice.items:
				row.rate = 2000
			invoice.insert()
			invoice.submit()
			frappe.db.commit()  # nosemgrep
			outcomes[user] = invoice.name
		except Exception as error:
			frappe.db.rollback()
			outcomes[user] = error
		finally:
			frappe.destroy()

	threads = [threading.Thread(target=invoice_it, args=(user,)) for user in ("first", "second")]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join(120)
	frappe.db.rollback()  # this connection reads what the two committed
	invoices = [outcome for outcome in outcomes.values() if isinstance(outcome, str)]
	refusals = [outcome for outcome in outcomes.values() if isinstance(outcome, Exception)]
	assert len(invoices) == 1, outcomes
	assert len(refusals) == 1 and isinstance(refusals[0], ConsignmentStockError), outcomes
	assert "was billed by another document" in str(refusals[0])
	assert (
		frappe.get_all(
			"Sales Invoice Item",
			filters={"md_consignment_usage": report.name, "docstatus": ("<", 2)},
			pluck="parent",
		)
		== invoices
	)
	assert frappe.db.get_value("Consignment Usage Report", report.name, ["status", "billed_qty"]) == (
		"Billed",
		1,
	)
	assert frappe.db.get_value("Serial No", stock.placed[0], "status") == "Delivered"


def test_a_usage_report_names_only_units_at_the_hospital_once_and_an_implant_its_surgery():
	stock = stocked(1)
	before = count_of("Consignment Usage Report")
	with pytest.raises(InvalidInputError, match="implant"):
		usage_report([implant_row(stock.batch, stock.placed[0], surgeon="")], submit_it=False)
	with pytest.raises(InvalidInputError, match="malformed"):
		usage_report([{"udi": "(01)0000000000000(21)X"}], submit_it=False)
	frappe.db.rollback()
	stock = stocked(1)
	with pytest.raises(UsageNotInStockError):
		usage_report([implant_row(stock.batch, stock.serials[-1])])  # still in Stores
	frappe.db.rollback()
	stock = stocked(1)
	usage_report([implant_row(stock.batch, stock.placed[0])])
	with pytest.raises(UsageNotInStockError, match="already reported"):
		usage_report([implant_row(stock.batch, stock.placed[0])])
	frappe.db.rollback()
	assert count_of("Consignment Usage Report") == before
	# a reference is not taken from the client: it comes from the hospital's own Patient Record
	stock = stocked(1)
	other = usage_report(
		[implant_row(stock.batch, stock.placed[0], record_no="OTHER-1")], hospital=HOSPITAL, submit_it=False
	)
	forged = {
		"doctype": "Consignment Usage Report",
		"company": first_company(),
		"customer": OTHER_HOSPITAL,
		"items": [
			{
				**implant_row(stock.batch, stock.placed[0], record_no=None),
				"patient_record": other.items[0].patient_record,
			}
		],
	}
	with pytest.raises(InvalidInputError, match="not a patient of"):
		frappe.get_doc(forged).insert()


def test_a_count_posts_its_differences_when_a_second_person_approves():
	stock = stocked(3)
	usage_report([implant_row(stock.batch, stock.placed[0])])  # used, not billed yet: not a difference
	frappe.set_user(COUNTER)
	count = {
		"doctype": "Consignment Stock Count",
		"company": first_company(),
		"customer": HOSPITAL,
		"count_date": today(),
		"explanation": "One stem missing from the shelf",
		"items": [{"item_code": IMPLANT, "batch_no": stock.batch, "counted_qty": 1}],
	}
	with pytest.raises(InvalidInputError, match="name their serial numbers"):
		frappe.get_doc(count).insert()
	count["items"][0]["serial_no"] = stock.placed[2]
	count = frappe.get_doc(count).insert()
	row = count.items[0]
	assert (row.book_qty, row.used_qty, row.expected_qty, row.difference_qty) == (3, 1, 2, -1)
	assert row.difference_amount == -800
	with pytest.raises(CountApprovalError):
		count.submit()
	frappe.set_user(APPROVER)
	count = frappe.get_doc("Consignment Stock Count", count.name)
	count.submit()
	gl = gl_by_account("Stock Entry", count.issue_entry)
	assert gl[count.difference_account] == 800.0
	assert gl[frappe.db.get_value("Warehouse", warehouse(), "account")] == -800.0
	assert frappe.db.get_value("Serial No", stock.placed[2], "warehouse") is None
	# the count's posting is reversed by cancelling the count, not alone
	entry = frappe.get_doc("Stock Entry", count.issue_entry)
	with pytest.raises(frappe.ValidationError, match="cancel that entry instead"):
		entry.cancel()


def test_a_count_of_batch_stock_posts_the_shortfall_to_the_difference_account():
	from tests.factories import register_item

	item = ensure_item("_Test MD CS Bone Screw", "Class III", valuation_rate=50)
	register_item(item, "Class III")
	batch = named_batch(f"CSB-{frappe.generate_hash(length=6)}", item)
	receive_units(item, batch, 10, rate=50)
	replenish(warehouse(), item, batch, 6)
	frappe.set_user(COUNTER)
	count = frappe.get_doc(
		{
			"doctype": "Consignment Stock Count",
			"company": first_company(),
			"customer": HOSPITAL,
			"explanation": "Two screws lost in theatre",
			"items": [{"item_code": item, "batch_no": batch, "counted_qty": 4}],
		}
	).insert()
	frappe.set_user(APPROVER)
	count = frappe.get_doc("Consignment Stock Count", count.name)
	count.submit()
	assert count.approved_by == APPROVER and count.issue_entry and not count.receipt_entry
	gl = gl_by_account("Stock Entry", count.issue_entry)
	assert gl[count.difference_account] == 100.0
	assert gl[frappe.db.get_value("Warehouse", warehouse(), "account")] == -100.0
	assert frappe.db.get_value("Stock Entry Detail", {"parent": count.issue_entry}, "md_batch") == batch


def test_a_recall_finds_the_units_at_hospitals_and_in_patients():
	from tests.factories import device_recall

	stock = stocked(3)
	report = usage_report(
		[
			implant_row(stock.batch, stock.placed[0]),
			implant_row(stock.batch, stock.placed[1], record_no="ZY-77"),
		]
	)
	invoice = make_sales_invoice(report.name)
	invoice.insert()
	invoice.submit()
	recall = device_recall([stock.batch], is_mock=1).insert()
	hospital_row = next(row for row in recall.customers if row.customer == HOSPITAL)
	assert (
		hospital_row.delivered_qty,
		hospital_row.implanted_qty,
		hospital_row.consignment_qty,
		hospital_row.held_qty,
	) == (
		2,
		2,
		1,
		3,
	)
	assert [(row.customer, row.serial_no, row.patient_reference) for row in recall.implants] == [
		(HOSPITAL, stock.placed[0], pseudonym(HOSPITAL, "ZY-2026-0815")),
		(HOSPITAL, stock.placed[1], pseudonym(HOSPITAL, "ZY-77")),
	]
	assert {row.patient_record for row in recall.implants} == {item.patient_record for item in report.items}
	assert "ZY-77" not in frappe.as_json(recall.as_dict())


def test_the_consignment_stock_report_shows_each_hospitals_stock_age_expiry_and_unbilled_use():
	from medical_devices.md_hospitals.report.consignment_stock.consignment_stock import execute

	stock = stocked(3)
	usage_report([implant_row(stock.batch, stock.placed[0])])
	_columns, rows = execute({"company": first_company(), "customer": HOSPITAL})
	row = next(row for row in rows if row["batch"] == stock.batch)
	assert (row["customer"], row["warehouse"], row["qty"], row["used_qty"], row["value"]) == (
		HOSPITAL,
		warehouse(),
		3,
		1,
		2400,
	)
	assert (str(row["arrived_on"]), row["age_days"], row["ageing"]) == (today(), 0, "0-90")
	assert row["expiry_date"] == frappe.db.get_value("Batch", stock.batch, "expiry_date")
	assert all(row["customer"] == HOSPITAL for row in rows)
	_columns, expiring = execute({"company": first_company(), "customer": HOSPITAL, "expiring_within": 30})
	assert stock.batch not in {row["batch"] for row in expiring}
	with pytest.raises(InvalidInputError):
		execute({"company": first_company(), "expiring_within": "abc"})
	# without a hospital: one row per hospital, its units by age (first in, first out) and expiry
	_columns, by_hospital = execute({"company": first_company()})
	mine = next(row for row in by_hospital if row["customer"] == HOSPITAL)
	held = sum(row["qty"] for row in rows)
	assert (mine["qty"], mine["age_0"], mine["age_3"], mine["used_qty"]) == (
		held,
		held,
		0,
		sum(r["used_qty"] for r in rows),
	)
	assert mine["value"] == round(sum(row["value"] for row in rows), 2)


def test_opening_stock_is_for_a_consignment_warehouse_without_a_ledger_only():
	stock = stocked(2)
	entries = frappe.db.count("Stock Ledger Entry", {"warehouse": warehouse()})
	opening = frappe.db.get_value(
		"Account", {"company": first_company(), "account_type": "Temporary", "is_group": 0}, "name"
	)
	with pytest.raises(ConsignmentStockError, match="Consignment Stock Count"):
		submit(
			{
				"doctype": "Stock Reconciliation",
				"purpose": "Opening Stock",
				"expense_account": opening,
				"items": [
					{
						"item_code": IMPLANT,
						"warehouse": warehouse(),
						"qty": 0,
						"valuation_rate": 800,
						"batch_no": stock.batch,
						"use_serial_batch_fields": 1,
					}
				],
			}
		)
	assert frappe.db.count("Stock Ledger Entry", {"warehouse": warehouse()}) == entries


def test_no_other_document_moves_consignment_stock():
	from medical_devices.md_hospitals.overrides.consignment_stock import refuse_unchecked_movements

	stock = stocked(1)
	placed = warehouse()
	bins = frappe.db.get_value("Bin", {"item_code": IMPLANT, "warehouse": placed}, "actual_qty")
	# a product bundle's packed item posted from the consignment warehouse, to any customer
	kit = ensure_item("_Test MD CS Kit", None, is_stock_item=0, has_batch_no=0)
	if not frappe.db.exists("Product Bundle", kit):
		frappe.get_doc(
			{"doctype": "Product Bundle", "new_item_code": kit, "items": [{"item_code": IMPLANT, "qty": 1}]}
		).insert()
	invoices = count_of("Sales Invoice")
	for doctype in ("Sales Invoice", "Delivery Note"):
		with pytest.raises(ConsignmentStockError, match="product bundle"):
			submit(
				{
					"doctype": doctype,
					"customer": OTHER_HOSPITAL,
					"update_stock": 1,
					"items": [{"item_code": kit, "qty": 1, "rate": 50, "warehouse": company_stores().stores}],
					"packed_items": [
						{
							"parent_item": kit,
							"item_code": IMPLANT,
							"qty": 1,
							"warehouse": placed,
							"batch_no": stock.batch,
							"serial_no": stock.placed[0],
							"use_serial_batch_fields": 1,
						}
					],
				}
			)
	assert count_of("Sales Invoice") == invoices
	assert frappe.db.get_value("Bin", {"item_code": IMPLANT, "warehouse": placed}, "actual_qty") == bins
	# any posting at the consignment warehouse by a document whose rules do not check it there
	entry = frappe.get_doc(
		{
			"doctype": "Stock Ledger Entry",
			"item_code": IMPLANT,
			"warehouse": placed,
			"actual_qty": -1,
			"voucher_type": "Asset Capitalization",
			"voucher_no": "ACC-CAP-TEST",
			"company": first_company(),
			"posting_date": today(),
		}
	)
	with pytest.raises(ConsignmentStockError, match="Asset Capitalization"):
		entry.run_method("before_submit")  # the hook every submitted ledger entry passes
	entry.voucher_type = "Stock Entry"
	refuse_unchecked_movements(entry)  # checked by the Stock Entry's own rules
	entry.update({"voucher_type": "Asset Capitalization", "is_cancelled": 1})
	refuse_unchecked_movements(entry)  # a cancel's reversal
	entry.update({"is_cancelled": 0, "warehouse": company_stores().stores})
	refuse_unchecked_movements(entry)  # not a hospital's stock
