"""The quality loop (medical_devices/md_quality): a nonconformance holds its product until a signed disposition
moves it and posts its cost to the batch; a CAPA's actions are its owners' ToDos, its effectiveness is checked no
earlier than set, and a Quality Manager's signature closes it; a manufactured batch leaves Quarantine only by the
signed release of its batch record by a second QA person. Every refusal leaves nothing written."""

import os

import pytest

import frappe
from frappe.utils import add_days, flt, today
from frappe.utils.password import update_password

from medical_devices.audit import trail
from medical_devices.audit.controlled import ControlledFieldError
from medical_devices.audit.signature import SignatureRequiredError, sign
from medical_devices.gsp.batch_status import change_batch_status
from medical_devices.inputs import InvalidInputError
from medical_devices.md_finance import reconciliation
from medical_devices.md_finance.batch_costs import batch_costs
from medical_devices.md_finance.ledger import (
	BATCH_FIELD,
	QUALITY_COSTS,
	create_finance_accounts,
	finance_account,
)
from medical_devices.md_quality.doctype.capa.capa import alert_overdue, record_effectiveness
from tests.factories import (
	TRACE_SUPPLIER,
	company_stores,
	ensure_item,
	ensure_user,
	first_company,
	manufacture,
	named_batch,
	quality_inspection,
	register_item,
	rejected_warehouse,
	release,
	submit,
	trace_masters,
)

COMPONENT = "_Test MD QL Component"
DEVICE = "_Test MD QL Catheter"
QM = "md-ql-qm@example.com"
REVIEWER = "md-ql-reviewer@example.com"
PREPARER = "md-ql-preparer@example.com"
OWNER = "md-ql-owner@example.com"
PASSWORD = "Md-quality-2026!"
ADMIN_PASSWORD = os.environ.get("MD_ADMIN_PASSWORD", "admin")


@pytest.fixture(scope="module", autouse=True)
def masters(frappe_site):
	trace_masters()
	ensure_item(COMPONENT, None, valuation_rate=4)
	register_item(ensure_item(DEVICE, valuation_rate=20))
	create_finance_accounts(first_company())
	rejected_warehouse()
	for user, roles in (
		(QM, ("Quality Manager", "Stock User", "Stock Manager", "Accounts User")),
		(REVIEWER, ("QA Reviewer", "Stock User")),
		(PREPARER, ("Manufacturing User", "Stock User", "QA Reviewer")),
		(OWNER, ("Stock User",)),
	):
		ensure_user(user, *roles)
		update_password(user, PASSWORD)
	frappe.db.commit()  # nosemgrep: the module's masters; each test rolls back its own work
	yield


@pytest.fixture(autouse=True)
def as_administrator():
	yield
	frappe.set_user("Administrator")


def receive(item: str, qty: float, prefix: str, rate: float = 10) -> str:
	batch = named_batch(f"{prefix}-{frappe.generate_hash(length=5)}", item)
	submit(
		{
			"doctype": "Purchase Receipt",
			"supplier": TRACE_SUPPLIER,
			"items": [
				{
					"item_code": item,
					"qty": qty,
					"rate": rate,
					"warehouse": company_stores().stores,
					"batch_no": batch,
					"use_serial_batch_fields": 1,
				}
			],
		}
	)
	if frappe.db.get_value("Batch", batch, "md_batch_status"):
		release(batch)
	return batch


def nonconformance(batch: str, qty: float, **fields):
	return frappe.get_doc(
		{
			"doctype": "Device Nonconformance",
			"company": first_company(),
			"item_code": frappe.db.get_value("Batch", batch, "item"),
			"batch": batch,
			"qty": qty,
			"description": "Seal not intact 密封不良",
			"warehouse": company_stores().stores,
			**fields,
		}
	).insert()


def dispose(doc, disposition: str, user: str = QM, **fields):
	frappe.set_user(user)
	doc = frappe.get_doc(doc.doctype, doc.name)
	doc.update({"disposition": disposition, **fields})
	doc.md_reason = "Disposition"
	doc.save()
	sign(doc.doctype, doc.name, "Submit", "Approved", PASSWORD)
	doc.submit()
	frappe.set_user("Administrator")
	return doc


def stock(batch: str, warehouse: str) -> float:
	from erpnext.stock.doctype.batch.batch import get_batch_qty

	return flt(get_batch_qty(batch, warehouse))


def gl_rows(voucher_no: str) -> int:
	return frappe.db.count("GL Entry", {"voucher_no": voucher_no})


# --- nonconformance ---------------------------------------------------------------------------------------------


def test_a_blocking_nonconformance_blocks_the_batch_and_its_scrap_is_a_quality_cost_equal_to_the_gl():
	batch = receive(DEVICE, 20, "QL-SCRAP")
	nc = nonconformance(batch, 4)
	assert frappe.db.get_value("Batch", batch, "md_batch_status") == "Blocked"
	assert nc.status_before_hold == "Released" and nc.supplier == TRACE_SUPPLIER
	# not by a stock user, and not without a signature
	frappe.set_user(OWNER)
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc(nc.doctype, nc.name).submit()
	frappe.set_user(QM)
	doc = frappe.get_doc(nc.doctype, nc.name)
	doc.disposition, doc.md_reason = "Scrap", "Scrap"
	doc.save()
	with pytest.raises(SignatureRequiredError):
		frappe.get_doc(nc.doctype, nc.name).submit()
	assert frappe.db.get_value(nc.doctype, nc.name, "docstatus") == 0
	frappe.set_user("Administrator")

	nc = dispose(nc, "Scrap")
	assert nc.status == "Dispositioned" and nc.dispositioned_by == QM
	assert stock(batch, company_stores().stores) == 16
	assert nc.scrap_value == 40  # 4 x 10
	account = finance_account(first_company(), QUALITY_COSTS)
	gl = frappe.db.sql(
		f"""select sum(debit - credit) from `tabGL Entry` where voucher_no = %s and account = %s
		and is_cancelled = 0 and {BATCH_FIELD} = %s""",
		(nc.stock_entry, account, batch),
	)[0][0]
	assert flt(gl) == 40
	assert batch_costs(first_company(), today(), [batch])[batch]["quality_costs"] == 40
	# the rest of the batch returns to what it was, and the reconciliation finds the source document
	assert frappe.db.get_value("Batch", batch, "md_batch_status") == "Released"
	lines = [
		line for line in reconciliation.quality_lines(first_company(), today()) if line.get("batch") == batch
	]
	assert lines and all(flt(line["difference"]) == 0 for line in lines)
	# a disposition is final, and its posting is not cancelled alone
	frappe.set_user(QM)
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc(nc.doctype, nc.name).cancel()
	frappe.set_user("Administrator")
	with pytest.raises(frappe.ValidationError):
		frappe.get_doc("Stock Entry", nc.stock_entry).cancel()
	assert frappe.db.get_value("Stock Entry", nc.stock_entry, "docstatus") == 1


def test_a_quantity_moved_to_the_rejected_warehouse_leaves_it_only_by_its_disposition():
	stores, rejected = company_stores().stores, rejected_warehouse()
	batch = receive(DEVICE, 10, "QL-MOVE")
	nc = nonconformance(batch, 3, hold="Move to Rejected Warehouse", rejected_warehouse=rejected)
	assert frappe.db.get_value("Batch", batch, "md_batch_status") == "Released"
	assert (stock(batch, stores), stock(batch, rejected)) == (7, 3)
	hold_entry = nc.hold_entry
	assert frappe.db.get_value("Stock Entry", hold_entry, "md_device_nonconformance") == nc.name
	# nobody ships or moves the held units, and the hold's entry is not cancelled alone
	entries = frappe.db.count("Stock Entry")
	with pytest.raises(frappe.ValidationError, match="held by an open nonconformance"):
		submit(
			{
				"doctype": "Stock Entry",
				"stock_entry_type": "Material Transfer",
				"purpose": "Material Transfer",
				"items": [
					{
						"item_code": DEVICE,
						"qty": 2,
						"s_warehouse": rejected,
						"t_warehouse": stores,
						"batch_no": batch,
						"use_serial_batch_fields": 1,
					}
				],
			}
		)
	assert frappe.db.count("Stock Entry") == entries
	with pytest.raises(frappe.ValidationError):
		frappe.get_doc("Stock Entry", hold_entry).cancel()
	# held-on fields are fixed
	doc = frappe.get_doc(nc.doctype, nc.name)
	doc.qty, doc.md_reason = 1, "Fewer"
	with pytest.raises(frappe.PermissionError):
		doc.save()
	# use as is, with its justification, brings the units back
	with pytest.raises(InvalidInputError):
		dispose(nc, "Use As Is")
	frappe.set_user("Administrator")
	nc = dispose(nc, "Use As Is", justification="Cosmetic mark outside the sterile barrier; risk assessed")
	assert (stock(batch, stores), stock(batch, rejected)) == (10, 0)
	assert (
		frappe.db.get_value(
			"Electronic Signature", {"ref_doctype": nc.doctype, "ref_name": nc.name}, "signer"
		)
		== QM
	)


def test_return_to_supplier_prepares_the_purchase_return_and_holds_the_units_until_it_is_made():
	rejected = rejected_warehouse()
	batch = receive(DEVICE, 10, "QL-RET")
	nc = nonconformance(batch, 2, hold="Move to Rejected Warehouse", rejected_warehouse=rejected)
	nc = dispose(nc, "Return to Supplier")
	purchase_return = frappe.get_doc("Purchase Receipt", nc.purchase_return)
	assert purchase_return.is_return and purchase_return.docstatus == 0
	assert purchase_return.supplier == TRACE_SUPPLIER
	assert [(r.item_code, r.batch_no, r.qty, r.warehouse) for r in purchase_return.items] == [
		(DEVICE, batch, -2, rejected)
	]
	from medical_devices.md_quality.doctype.device_nonconformance.device_nonconformance import held_quantity

	assert held_quantity(DEVICE, batch, rejected) == 2
	purchase_return.submit()
	assert held_quantity(DEVICE, batch, rejected) == 0
	assert stock(batch, rejected) == 0


def test_a_rejected_inspection_raises_the_nonconformance_and_rework_sends_the_batch_back_to_quarantine():
	batch = named_batch(f"QL-QI-{frappe.generate_hash(length=5)}", DEVICE)
	entry = submit(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Receipt",
			"purpose": "Material Receipt",
			"items": [
				{
					"item_code": DEVICE,
					"qty": 5,
					"basic_rate": 10,
					"t_warehouse": company_stores().stores,
					"batch_no": batch,
					"use_serial_batch_fields": 1,
				}
			],
		}
	)
	frappe.set_user(QM)
	inspection = quality_inspection(DEVICE, batch, "Rejected", ("Stock Entry", entry.name))
	frappe.set_user("Administrator")
	nc = frappe.get_doc("Device Nonconformance", {"quality_inspection": inspection})
	assert (nc.source, nc.hold, nc.batch) == ("Quality Inspection", "Block Batch", batch)
	assert nc.status_before_hold == "Quarantine"
	assert frappe.db.get_value("Batch", batch, "md_batch_status") == "Blocked"
	credit = frappe.get_cached_value("Company", first_company(), "default_cash_account")
	nc = dispose(nc, "Rework", disposition_cost=25, credit_account=credit)
	assert frappe.db.get_value("Batch", batch, "md_batch_status") == "Quarantine"
	journal = frappe.get_doc("Journal Entry", nc.journal_entry)
	assert journal.md_device_nonconformance == nc.name
	assert sum(flt(row.debit) for row in journal.accounts if row.get(BATCH_FIELD) == batch) == 25
	assert batch_costs(first_company(), today(), [batch])[batch]["quality_costs"] == 25


def test_junk_nonconformances_are_refused_with_nothing_written():
	batch = receive(DEVICE, 5, "QL-JUNK")
	before = frappe.db.count("Device Nonconformance"), frappe.db.count("Stock Entry")
	base = {
		"doctype": "Device Nonconformance",
		"company": first_company(),
		"item_code": DEVICE,
		"batch": batch,
		"qty": 1,
		"description": "Junk",
		"warehouse": company_stores().stores,
	}
	for fields, error in (
		({"qty": 0}, InvalidInputError),
		({"qty": "abc"}, frappe.ValidationError),
		(
			{"hold": "Move to Rejected Warehouse", "rejected_warehouse": company_stores().stores},
			frappe.ValidationError,
		),
		({"batch": None}, frappe.ValidationError),
		({"source": "Quality Inspection"}, frappe.ValidationError),
		({"item_code": COMPONENT}, InvalidInputError),
	):
		with pytest.raises(error):
			frappe.get_doc({**base, **fields}).insert()
	assert (frappe.db.count("Device Nonconformance"), frappe.db.count("Stock Entry")) == before
	assert frappe.db.get_value("Batch", batch, "md_batch_status") == "Released"


# --- CAPA -------------------------------------------------------------------------------------------------------


def new_capa(**fields):
	return frappe.get_doc(
		{
			"doctype": "CAPA",
			"company": first_company(),
			"title": "Catheter seal failures",
			"responsible": QM,
			"problem": "Three complaints of a leaking seal in a quarter",
			"sources": [{"source_type": "Complaint Trend", "details": "Seal leak 3 per million"}],
			"actions": [
				{
					"description": "Change sealing temperature",
					"assigned_to": OWNER,
					"due_date": add_days(today(), 10),
				},
				{
					"description": "Train operators",
					"assigned_to": PREPARER,
					"due_date": add_days(today(), -1),
				},
			],
			**fields,
		}
	).insert()


def test_a_capa_assigns_its_actions_checks_effectiveness_after_the_period_and_closes_signed():
	capa = new_capa(effectiveness_period_days=30)
	todos = {row.assigned_to: frappe.get_doc("ToDo", row.todo) for row in capa.actions}
	assert {user: (t.status, str(t.date), t.reference_name) for user, t in todos.items()} == {
		OWNER: ("Open", add_days(today(), 10), capa.name),
		PREPARER: ("Open", add_days(today(), -1), capa.name),
	}
	# the overdue action's owner is told, once however often the job runs
	alert_overdue()
	alert_overdue()
	assert frappe.db.count("Notification Log", {"for_user": PREPARER, "document_name": capa.name}) == 1
	assert frappe.db.count("Notification Log", {"for_user": OWNER, "document_name": capa.name}) == 0

	# closing before the work is done is refused, naming what is missing
	frappe.set_user(QM)
	sign("CAPA", capa.name, "Submit", "Approved", PASSWORD)
	with pytest.raises(InvalidInputError, match="root cause"):
		frappe.get_doc("CAPA", capa.name).submit()
	frappe.set_user("Administrator")
	doc = frappe.get_doc("CAPA", capa.name)
	doc.root_cause, doc.why_1 = "Sealing temperature drifts", "The heater is not calibrated"
	for row in doc.actions:
		row.status, row.evidence = "Completed", "Records attached"
	doc.md_reason = "Actions done"
	doc.save()
	assert doc.status == "Effectiveness Check" and str(doc.effectiveness_due) == add_days(today(), 30)
	assert {frappe.db.get_value("ToDo", row.todo, "status") for row in doc.actions} == {"Closed"}
	frappe.set_user(QM)
	with pytest.raises(InvalidInputError, match="too early"):
		record_effectiveness(capa.name, "Effective", "No seal complaint since")
	frappe.set_user("Administrator")
	# the period passes (the ledger of time, not of the CAPA: moved back directly)
	frappe.db.sql(
		"update `tabCAPA Action` set completed_on = %s where parent = %s", (add_days(today(), -30), capa.name)
	)
	frappe.db.set_value("CAPA", capa.name, "effectiveness_due", today())
	doc = frappe.get_doc("CAPA", capa.name)
	# the result is no plain field
	doc.effectiveness_result, doc.md_reason = "Effective", "By hand"
	with pytest.raises(ControlledFieldError):
		doc.save()
	assert frappe.db.get_value("CAPA", capa.name, "effectiveness_result") is None
	frappe.set_user(OWNER)
	with pytest.raises(frappe.PermissionError):
		record_effectiveness(capa.name, "Effective", "No seal complaint since")
	frappe.set_user(QM)
	assert record_effectiveness(capa.name, "Effective", "No seal complaint in 90 days") == "Effective"
	sign("CAPA", capa.name, "Submit", "Approved", PASSWORD)
	frappe.get_doc("CAPA", capa.name).submit()
	frappe.set_user("Administrator")
	closed = frappe.get_doc("CAPA", capa.name)
	assert (closed.status, closed.closed_by, closed.docstatus) == ("Closed", QM, 1)
	assert frappe.db.exists(
		"Electronic Signature", {"ref_doctype": "CAPA", "ref_name": capa.name, "signer": QM}
	)


def test_only_a_quality_manager_closes_a_capa_and_its_sources_name_it():
	batch = receive(DEVICE, 5, "QL-CAPA")
	nc = nonconformance(batch, 1)
	capa = new_capa(sources=[{"source_type": "Device Nonconformance", "reference_name": nc.name}])
	assert frappe.db.get_value("Device Nonconformance", nc.name, "capa") == capa.name
	trail.flush()
	assert trail.entries_of("Device Nonconformance", nc.name)
	frappe.set_user(REVIEWER)
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc("CAPA", capa.name).submit()
	frappe.set_user("Administrator")
	assert frappe.db.get_value("CAPA", capa.name, "docstatus") == 0


# --- batch record and release -----------------------------------------------------------------------------------


def make_batch(qty=10):
	component = receive(COMPONENT, 100, "QL-COMP", rate=4)
	made = manufacture(DEVICE, qty, [(COMPONENT, component, qty * 2)])
	return made, component


def test_a_manufactured_batch_is_released_only_by_its_batch_record_signed_by_a_second_qa_person():
	made, component = make_batch()
	assert frappe.db.get_value("Batch", made.batch, "md_batch_status") == "Quarantine"
	# neither the Release button nor an accepted inspection releases it
	frappe.set_user(QM)
	with pytest.raises(frappe.ValidationError, match="Device Batch Record"):
		change_batch_status(made.batch, "Released", "Looks fine")
	quality_inspection(DEVICE, made.batch, "Accepted", ("Stock Entry", made.entry))
	frappe.set_user("Administrator")
	assert frappe.db.get_value("Batch", made.batch, "md_batch_status") == "Quarantine"

	frappe.set_user(PREPARER)
	record = frappe.get_doc(
		{
			"doctype": "Device Batch Record",
			"batch": made.batch,
			"labels_issued": 12,
			"labels_used": 10,
			"labels_destroyed": 2,
		}
	).insert()
	assert (record.work_order, record.qty_produced, record.item_code) == (made.work_order, 10, DEVICE)
	assert [(r.item_code, r.batch, r.qty, r.supplier) for r in record.inputs] == [
		(COMPONENT, component, 20, TRACE_SUPPLIER)
	]
	assert [r.status for r in record.inspections] == ["Accepted"] and record.prepared_by == PREPARER
	# the preparer cannot release it, even signed
	with pytest.raises(frappe.PermissionError, match="different QA person"):
		sign("Device Batch Record", record.name, "Submit", "Released", PASSWORD)
		frappe.get_doc("Device Batch Record", record.name).submit()
	frappe.set_user(REVIEWER)
	with pytest.raises(SignatureRequiredError):
		frappe.get_doc("Device Batch Record", record.name).submit()
	sign("Device Batch Record", record.name, "Submit", "Released", PASSWORD)
	frappe.get_doc("Device Batch Record", record.name).submit()
	frappe.set_user("Administrator")
	released = frappe.get_doc("Device Batch Record", record.name)
	assert (released.status, released.released_by) == ("Released", REVIEWER)
	assert frappe.db.get_value("Batch", made.batch, "md_batch_status") == "Released"
	history = frappe.get_all(
		"Batch Status Change",
		filters={"batch": made.batch},
		fields=["to_status", "reference_doctype", "reference_name"],
		order_by="changed_on desc, name desc",
		limit=1,
	)
	assert history[0] == {
		"to_status": "Released",
		"reference_doctype": "Device Batch Record",
		"reference_name": record.name,
	}


def test_a_batch_record_refuses_release_with_an_open_nonconformance_or_no_accepted_inspection():
	made, _component = make_batch(5)
	frappe.set_user(PREPARER)
	record = frappe.get_doc({"doctype": "Device Batch Record", "batch": made.batch}).insert()
	frappe.set_user(REVIEWER)
	sign("Device Batch Record", record.name, "Submit", "Released", PASSWORD)
	with pytest.raises(InvalidInputError, match="no accepted Quality Inspection"):
		frappe.get_doc("Device Batch Record", record.name).submit()
	frappe.set_user("Administrator")
	assert frappe.db.get_value("Batch", made.batch, "md_batch_status") == "Quarantine"
	assert frappe.db.get_value("Device Batch Record", record.name, "docstatus") == 0
	# the assembled record is the ledger's, not the client's
	doc = frappe.get_doc("Device Batch Record", record.name)
	doc.qty_produced, doc.md_reason = 999, "More"
	with pytest.raises(ControlledFieldError):
		doc.save()
	assert frappe.db.get_value("Device Batch Record", record.name, "qty_produced") == 5
	# a batch not made by a Manufacture entry has no batch record
	other = receive(DEVICE, 2, "QL-NOREC")
	with pytest.raises(InvalidInputError):
		frappe.get_doc({"doctype": "Device Batch Record", "batch": other}).insert()


def test_the_cost_of_poor_quality_parts_add_up_to_the_quality_cost_in_batch_cost_and_product_line_margin():
	from medical_devices.md_finance.report.batch_cost import batch_cost
	from medical_devices.md_finance.report.product_line_margin import product_line_margin

	batch = receive(DEVICE, 20, "QL-COPQ")
	scrapped = dispose(nonconformance(batch, 2), "Scrap")  # 2 x 10
	capa = new_capa(item_code=DEVICE, batch=batch)
	for cost_type, amount, record in (
		("CAPA", 30, ("CAPA", capa.name)),
		("Complaint Handling", 15, (None, None)),
	):
		submit(
			{
				"doctype": "Quality Cost Entry",
				"batch": batch,
				"cost_type": cost_type,
				"amount": amount,
				"description": cost_type,
				"posting_date": today(),
				"quality_record_type": record[0],
				"quality_record": record[1],
			}
		)
	assert frappe.db.get_value("CAPA", capa.name, "cost") == 0  # read on its next save
	doc = frappe.get_doc("CAPA", capa.name)
	doc.md_reason = "Cost"
	doc.save()
	assert doc.cost == 30
	assert scrapped.scrap_value == 20

	_columns, data, *_rest = batch_cost.execute(
		{"company": first_company(), "to_date": today(), "batch": batch}
	)
	(row,) = data
	assert (row["quality_costs"], row["nonconformances"], row["capa"], row["complaints"]) == (65, 20, 30, 15)
	assert row["supplier_returns"] == row["other_quality"] == 0
	_columns, lines, *_rest = product_line_margin.execute(
		{"company": first_company(), "from_date": today(), "to_date": today(), "group_by": "Item"}
	)
	(line,) = [line for line in lines if line["group"] == DEVICE]
	assert line["quality_costs"] == sum(
		line[part] for part in ("complaints", "nonconformances", "capa", "supplier_returns", "other_quality")
	)
	assert (line["nonconformances"], line["capa"], line["complaints"]) == (20, 30, 15)


# --- what an insider tries ----------------------------------------------------------------------------------------


def held(qty_in=10, held_qty=3):
	batch = receive(DEVICE, qty_in, "QL-HELD")
	return batch, nonconformance(
		batch, held_qty, hold="Move to Rejected Warehouse", rejected_warehouse=rejected_warehouse()
	)


def test_held_stock_does_not_leave_by_a_count_a_purchase_return_a_split_bundle_or_an_unticked_warehouse():
	from erpnext.controllers.sales_and_purchase_return import make_return_doc

	from medical_devices.md_quality.overrides.held_stock import HeldProductError

	stores, rejected = company_stores().stores, rejected_warehouse()
	batch, nc = held()
	before = ledger = frappe.db.count("Stock Ledger Entry")
	# a count of the rejected warehouse down to nothing
	with pytest.raises(HeldProductError):
		submit(
			{
				"doctype": "Stock Reconciliation",
				"purpose": "Stock Reconciliation",
				"items": [
					{
						"item_code": DEVICE,
						"warehouse": rejected,
						"qty": 0,
						"valuation_rate": 10,
						"batch_no": batch,
						"use_serial_batch_fields": 1,
					}
				],
			}
		)
	# a purchase return the buyer makes by hand
	frappe.set_user(OWNER)
	purchase_return = make_return_doc("Purchase Receipt", nc.purchase_receipt)
	purchase_return.items = purchase_return.items[:1]
	purchase_return.items[0].update(
		{
			"qty": -3,
			"received_qty": -3,
			"stock_qty": -3,
			"warehouse": rejected,
			"batch_no": batch,
			"use_serial_batch_fields": 1,
			"serial_and_batch_bundle": None,
		}
	)
	with pytest.raises(HeldProductError):
		purchase_return.insert()
	frappe.set_user("Administrator")
	# two rows, one by batch and one by bundle, each within what is free but together not
	submit(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Transfer",
			"purpose": "Material Transfer",
			"items": [
				{
					"item_code": DEVICE,
					"qty": 2,
					"s_warehouse": stores,
					"t_warehouse": rejected,
					"batch_no": batch,
					"use_serial_batch_fields": 1,
				}
			],
		}
	)  # 5 in the rejected warehouse now: 3 held, 2 free
	bundle = frappe.get_doc(
		{
			"doctype": "Serial and Batch Bundle",
			"item_code": DEVICE,
			"warehouse": rejected,
			"type_of_transaction": "Outward",
			"voucher_type": "Stock Entry",
			"has_batch_no": 1,
			"entries": [{"batch_no": batch, "qty": -2}],
		}
	).insert()
	entry = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Transfer",
			"purpose": "Material Transfer",
			"company": first_company(),
			"items": [
				{
					"item_code": DEVICE,
					"qty": 2,
					"s_warehouse": rejected,
					"t_warehouse": stores,
					"batch_no": batch,
					"use_serial_batch_fields": 1,
				},
				{
					"item_code": DEVICE,
					"qty": 2,
					"s_warehouse": rejected,
					"t_warehouse": stores,
					"serial_and_batch_bundle": bundle.name,
				},
			],
		}
	)
	with pytest.raises(HeldProductError):
		entry.insert()
	ledger = frappe.db.count("Stock Ledger Entry")
	# the warehouse stays a rejected warehouse while it holds product
	warehouse = frappe.get_doc("Warehouse", rejected)
	warehouse.is_rejected_warehouse = 0
	with pytest.raises(HeldProductError):
		warehouse.save()
	assert frappe.db.get_value("Warehouse", rejected, "is_rejected_warehouse") == 1
	assert stock(batch, rejected) == 5 and ledger == before + 2  # only the transfer in above moved stock


def test_a_held_field_does_not_change_by_db_set_or_a_save_that_skips_validation():
	from medical_devices.audit.controlled import ControlledFieldError

	_batch, nc = held()
	doc = frappe.get_doc("Device Nonconformance", nc.name)
	frappe.db.savepoint("held_field")
	with pytest.raises(ControlledFieldError):
		doc.db_set("rejected_warehouse", company_stores().stores)
	frappe.db.rollback(save_point="held_field")  # as the request that tried it rolls back
	doc = frappe.get_doc("Device Nonconformance", nc.name)
	doc.qty, doc.md_reason = 1, "Less"
	doc.flags.ignore_validate = True
	with pytest.raises(ControlledFieldError):
		doc.save()
	assert frappe.db.get_value("Device Nonconformance", nc.name, ["qty", "rejected_warehouse"]) == (
		3,
		rejected_warehouse(),
	)


def test_rework_of_moved_units_needs_their_inspection_first():
	batch, nc = held()
	with pytest.raises(InvalidInputError, match="accepted Quality Inspection"):
		dispose(nc, "Rework")
	frappe.set_user("Administrator")
	assert frappe.db.get_value("Device Nonconformance", nc.name, "docstatus") == 0
	receipt = frappe.db.get_value("Purchase Receipt Item", {"batch_no": batch}, "parent")
	frappe.db.set_value("Item", DEVICE, "inspection_required_before_purchase", 1)
	frappe.set_user(QM)
	quality_inspection(DEVICE, batch, "Accepted", ("Purchase Receipt", receipt))
	frappe.set_user("Administrator")
	frappe.db.set_value("Item", DEVICE, "inspection_required_before_purchase", 0)
	assert dispose(nc, "Rework").docstatus == 1
	assert stock(batch, rejected_warehouse()) == 0


def test_a_manufactured_batch_is_not_released_by_way_of_blocked_nor_made_into_a_released_batch():
	made, component = make_batch(4)
	frappe.set_user(QM)
	change_batch_status(made.batch, "Blocked", "Investigate")
	with pytest.raises(frappe.ValidationError, match="Device Batch Record"):
		change_batch_status(made.batch, "Released", "Looks fine now")
	frappe.set_user("Administrator")
	assert frappe.db.get_value("Batch", made.batch, "md_batch_status") == "Blocked"
	# new units made into a batch that is already released would be released without their record
	released = receive(DEVICE, 5, "QL-MADE-INTO")
	entries = frappe.db.count("Stock Entry")
	with pytest.raises(frappe.ValidationError, match="Manufacture entry makes a new batch"):
		manufacture_into(released, component)
	assert frappe.db.count("Stock Entry") == entries


def manufacture_into(batch, component):
	submit(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Manufacture",
			"purpose": "Manufacture",
			"fg_completed_qty": 1,
			"items": [
				{
					"item_code": COMPONENT,
					"qty": 2,
					"s_warehouse": company_stores().stores,
					"batch_no": component,
					"use_serial_batch_fields": 1,
				},
				{
					"item_code": DEVICE,
					"qty": 1,
					"t_warehouse": company_stores().stores,
					"batch_no": batch,
					"use_serial_batch_fields": 1,
					"is_finished_item": 1,
				},
			],
		}
	)


def test_a_capa_completion_date_is_the_day_it_was_marked_and_its_period_is_fixed():
	from medical_devices.audit.controlled import ControlledFieldError

	capa = new_capa(effectiveness_period_days=90)
	doc = frappe.get_doc("CAPA", capa.name)
	for row in doc.actions:
		row.status, row.evidence, row.completed_on = "Completed", "Done", add_days(today(), -400)
	doc.md_reason = "Backdated"
	doc.save()
	assert {str(row.completed_on) for row in doc.actions} == {today()}
	assert str(doc.effectiveness_due) == add_days(today(), 90)
	# backdating through a save that skips validation is refused too
	doc = frappe.get_doc("CAPA", capa.name)
	doc.actions[0].completed_on, doc.md_reason = add_days(today(), -400), "Backdated"
	doc.flags.ignore_validate = True
	with pytest.raises(frappe.PermissionError, match="completion date"):
		doc.save()
	# nor is the wait shortened
	doc = frappe.get_doc("CAPA", capa.name)
	doc.effectiveness_period_days, doc.md_reason = 0, "Shorter"
	with pytest.raises(ControlledFieldError):
		doc.save()
	assert frappe.db.get_value("CAPA", capa.name, "effectiveness_period_days") == 90


def test_objects_and_lists_where_one_value_belongs_are_refused_not_a_server_error():
	batch = receive(DEVICE, 2, "QL-OBJ")
	count = frappe.db.count("Device Nonconformance"), frappe.db.count("CAPA")
	for values in ({"description": {"a": 1}}, {"serial_nos": ["a"]}):
		with pytest.raises(InvalidInputError):
			frappe.get_doc(
				{
					"doctype": "Device Nonconformance",
					"company": first_company(),
					"item_code": DEVICE,
					"batch": batch,
					"qty": 1,
					"description": "x",
					**values,
				}
			).insert()
	with pytest.raises(InvalidInputError):
		new_capa(batch={"a": 1})
	with pytest.raises(InvalidInputError):
		new_capa(sources=[{"source_type": "Other", "details": ["d"]}])
	assert (frappe.db.count("Device Nonconformance"), frappe.db.count("CAPA")) == count
