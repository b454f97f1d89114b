"""Issue 18's story, end to end on a real site: components from an approved supplier, a batch made by Work Order and
released by its batch record signed by a second QA person, shipped to a hospital, a complaint from a scanned label
that the reportability decision turns into an Adverse Event Report with its deadline, a CAPA carried through to its
signed closure, the returned units scrapped with the cost on the batch equal to the GL rows, and the supplier's
score falling until a purchase from it after its disqualification is refused. Every refusal leaves no ledger row."""

import datetime
import os

import pytest

import frappe
from frappe.utils import add_days, add_to_date, flt, get_datetime, getdate, now_datetime, today
from frappe.utils.password import update_password

from medical_devices.audit.signature import sign
from medical_devices.gsp.qualification import QualificationError
from medical_devices.md_finance.batch_costs import batch_costs
from medical_devices.md_finance.ledger import BATCH_FIELD, create_finance_accounts
from medical_devices.md_quality.doctype.capa.capa import make_capa, record_effectiveness
from medical_devices.md_quality.doctype.device_complaint.device_complaint import decide_reportability
from medical_devices.md_quality.suppliers import supplier_scores
from tests.factories import (
	approved_supplier,
	company_stores,
	ensure_device_identifier,
	ensure_item,
	ensure_party,
	ensure_user,
	first_company,
	manufacture,
	named_batch,
	qualify_party,
	quality_inspection,
	register_item,
	rejected_warehouse,
	submit,
	supplier_audit,
)

COMPONENT = "_Test MD Story Balloon Tube"
DEVICE = "_Test MD Story Balloon Catheter"
DI = "06970000005418"  # a device identifier no other test module uses
SUPPLIER = "_Test MD Story Tube Supplier"
HOSPITAL = "_Test MD Story Hospital"
PREPARER = "md-story-preparer@example.com"
RELEASER = "md-story-qa@example.com"
QM = "md-story-qm@example.com"
ENGINEER = "md-story-engineer@example.com"
PASSWORD = "Md-story-2026!"


@pytest.fixture(scope="module", autouse=True)
def masters(frappe_site):
	ensure_item(COMPONENT, None, valuation_rate=5, md_approved_suppliers_only=1)
	register_item(ensure_item(DEVICE, "Class III", valuation_rate=50))
	ensure_device_identifier(DI, DEVICE)
	qualify_party("Supplier", ensure_party("Supplier", SUPPLIER))
	qualify_party("Customer", ensure_party("Customer", HOSPITAL))
	create_finance_accounts(first_company())
	rejected_warehouse()
	for user, roles in (
		(PREPARER, ("Manufacturing User", "Stock User", "QA Reviewer")),
		(RELEASER, ("QA Reviewer", "Stock User")),
		(QM, ("Quality Manager", "Regulatory Affairs Manager", "Stock User", "Stock Manager")),
		(ENGINEER, ("Stock User", "Manufacturing User")),
	):
		ensure_user(user, *roles)
		update_password(user, PASSWORD)
	frappe.db.commit()  # nosemgrep: the module's masters; the story rolls back its own work
	yield


@pytest.fixture(autouse=True)
def as_administrator():
	yield
	frappe.set_user("Administrator")


def ledger_rows() -> tuple[int, int]:
	return frappe.db.count("GL Entry"), frappe.db.count("Stock Ledger Entry")


def as_user(user: str):
	frappe.set_user(user)


def signed_submit(doctype: str, name: str, user: str, meaning: str = "Approved", reason: str = "Signed"):
	frappe.set_user(user)
	sign(doctype, name, "Submit", meaning, PASSWORD)
	doc = frappe.get_doc(doctype, name)
	doc.md_reason = reason
	doc.submit()
	frappe.set_user("Administrator")
	return frappe.get_doc(doctype, name)


def purchase_order(qty: float):
	return frappe.get_doc(
		{
			"doctype": "Purchase Order",
			"company": first_company(),
			"supplier": SUPPLIER,
			"schedule_date": add_days(today(), 7),
			"items": [
				{
					"item_code": COMPONENT,
					"qty": qty,
					"rate": 5,
					"schedule_date": add_days(today(), 7),
					"warehouse": company_stores().stores,
				}
			],
		}
	)


def test_the_quality_loop_from_supplier_to_capa_and_back():
	stores = company_stores().stores
	# 1. the supplier is audited and approved for the component: its receipt passes
	approved_supplier(SUPPLIER, item_code=COMPONENT)
	supplier_audit(SUPPLIER, score=92)
	lot = named_batch(f"TUBE-{frappe.generate_hash(length=5)}", COMPONENT)
	receipt = submit(
		{
			"doctype": "Purchase Receipt",
			"supplier": SUPPLIER,
			"items": [
				{
					"item_code": COMPONENT,
					"qty": 100,
					"rate": 5,
					"warehouse": stores,
					"batch_no": lot,
					"use_serial_batch_fields": 1,
				}
			],
		}
	)
	score_before = supplier_scores([SUPPLIER])[SUPPLIER]["score"]

	# 2. a batch is made by Work Order; nothing but its batch record releases it
	made = manufacture(DEVICE, 10, [(COMPONENT, lot, 20)])
	assert frappe.db.get_value("Batch", made.batch, "md_batch_status") == "Quarantine"
	as_user(QM)
	quality_inspection(DEVICE, made.batch, "Accepted", ("Stock Entry", made.entry))
	as_user(PREPARER)
	record = frappe.get_doc(
		{"doctype": "Device Batch Record", "batch": made.batch, "labels_issued": 10, "labels_used": 10}
	).insert()
	assert [(row.batch, row.supplier) for row in record.inputs] == [(lot, SUPPLIER)]
	assert record.work_order == made.work_order
	frappe.set_user("Administrator")
	released = signed_submit("Device Batch Record", record.name, RELEASER, "Released", "Record complete")
	assert (released.released_by, frappe.db.get_value("Batch", made.batch, "md_batch_status")) == (
		RELEASER,
		"Released",
	)
	assert (
		frappe.db.get_value(
			"Electronic Signature",
			{"ref_doctype": "Device Batch Record", "ref_name": record.name, "signer": RELEASER},
			"meaning",
		)
		== "Released"
	)

	# 3. shipped to the hospital
	batch_id = frappe.db.get_value("Batch", made.batch, "batch_id")
	note = submit(
		{
			"doctype": "Delivery Note",
			"customer": HOSPITAL,
			"items": [
				{
					"item_code": DEVICE,
					"qty": 6,
					"rate": 300,
					"warehouse": stores,
					"batch_no": made.batch,
					"use_serial_batch_fields": 1,
				}
			],
		}
	)

	# 4. the hospital complains, the label scanned; the decision opens the report with Order 1's deadline
	expiry = getdate(frappe.db.get_value("Batch", made.batch, "expiry_date"))
	complaint = frappe.get_doc(
		{
			"doctype": "Device Complaint",
			"company": first_company(),
			"complainant_type": "Hospital",
			"received_on": add_to_date(now_datetime(), hours=-3),
			"udi": f"(01){DI}(17){expiry:%y%m%d}(10){batch_id}",
			"qty": 2,
			"description": "球囊扩张时破裂 Balloon burst on inflation",
			"failure_mode": "Balloon burst",
			"patient_involved": 1,
		}
	).insert()
	assert (complaint.item_code, complaint.batch, complaint.customer, complaint.delivery) == (
		DEVICE,
		made.batch,
		HOSPITAL,
		note.name,
	)
	as_user(QM)
	decision = decide_reportability(
		complaint.name, 1, "Possible serious injury", "Serious Injury", "Manufacturer"
	)
	frappe.set_user("Administrator")
	report = frappe.get_doc("Adverse Event Report", decision["adverse_event_report"])
	deadline = datetime.datetime.combine(
		getdate(add_days(complaint.received_on, 20)), datetime.time(23, 59, 59)
	)
	assert get_datetime(report.report_due) == deadline  # Order 1 Art. 25: serious injury, 20 days
	assert get_datetime(frappe.db.get_value("Device Complaint", complaint.name, "report_due")) == deadline

	# 5. the returned units are nonconforming: held in the rejected warehouse, scrapped, the cost on the batch
	from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_return

	returned = make_sales_return(note.name)
	returned.items[0].qty = -2
	returned.insert()
	returned.submit()
	nonconformance = frappe.get_doc(
		{
			"doctype": "Device Nonconformance",
			"company": first_company(),
			"source": "Device Complaint",
			"device_complaint": complaint.name,
			"item_code": DEVICE,
			"batch": made.batch,
			"qty": 2,
			"hold": "Move to Rejected Warehouse",
			"warehouse": stores,
			"rejected_warehouse": rejected_warehouse(),
			"description": "Returned units of the complaint",
		}
	).insert()
	as_user(QM)
	doc = frappe.get_doc("Device Nonconformance", nonconformance.name)
	doc.disposition, doc.md_reason = "Scrap", "Burst balloons cannot be reworked"
	doc.save()
	frappe.set_user("Administrator")
	scrapped = signed_submit("Device Nonconformance", nonconformance.name, QM, reason="Scrap")
	gl = frappe.get_all(
		"GL Entry",
		filters={
			"voucher_no": scrapped.stock_entry,
			"is_cancelled": 0,
			BATCH_FIELD: made.batch,
			"debit": (">", 0),
		},
		fields=["debit"],
	)
	assert scrapped.scrap_value > 0
	assert flt(sum(row.debit for row in gl), 2) == scrapped.scrap_value
	assert (
		batch_costs(first_company(), today(), [made.batch])[made.batch]["quality_costs"]
		== scrapped.scrap_value
	)

	# 6. a CAPA from the complaint: actions done, effectiveness checked, closed with a signature
	values = make_capa("Device Complaint", complaint.name)
	capa = frappe.get_doc(
		{
			**values,
			"effectiveness_period_days": 0,
			"root_cause": "Tube wall below specification from the supplier's lot",
			"why_1": "The balloon burst below its rated pressure",
			"actions": [
				{
					"description": "Incoming wall-thickness check",
					"assigned_to": ENGINEER,
					"due_date": add_days(today(), 5),
				}
			],
		}
	).insert()
	assert frappe.db.get_value("Device Complaint", complaint.name, "capa") == capa.name
	todo = frappe.get_doc("ToDo", capa.actions[0].todo)
	assert (todo.allocated_to, todo.status) == (ENGINEER, "Open")
	capa.actions[0].status, capa.actions[0].evidence, capa.md_reason = (
		"Completed",
		"Procedure QI-07 rev 2",
		"Done",
	)
	capa.save()
	as_user(QM)
	record_effectiveness(capa.name, "Effective", "No burst in the next 3 batches")
	frappe.set_user("Administrator")
	closed = signed_submit("CAPA", capa.name, QM, reason="Effective")
	assert (closed.status, closed.closed_by) == ("Closed", QM)

	# 7. the supplier's lot was the cause: a nonconformance on it lowers its score; an audit disqualifies it
	component_nc = frappe.get_doc(
		{
			"doctype": "Device Nonconformance",
			"company": first_company(),
			"item_code": COMPONENT,
			"batch": lot,
			"qty": 30,
			"hold": "Block Batch",
			"warehouse": stores,
			"description": "Wall thickness below specification",
		}
	).insert()
	assert (component_nc.supplier, component_nc.purchase_receipt) == (SUPPLIER, receipt.name)
	assert supplier_scores([SUPPLIER])[SUPPLIER]["score"] < score_before
	supplier_audit(SUPPLIER, score=40, result="Disqualified", audit_type="For Cause")
	assert frappe.db.get_value(
		"Approved Supplier", {"supplier": SUPPLIER, "item_code": COMPONENT}, "status"
	) == ("Disqualified")
	before = ledger_rows(), frappe.db.count("Purchase Order")
	with pytest.raises(QualificationError, match="disqualified"):
		purchase_order(50).insert()
	with pytest.raises(QualificationError, match="disqualified"):
		submit(
			{
				"doctype": "Purchase Receipt",
				"supplier": SUPPLIER,
				"items": [{"item_code": COMPONENT, "qty": 5, "rate": 5, "warehouse": stores}],
			}
		)
	assert (ledger_rows(), frappe.db.count("Purchase Order")) == before
