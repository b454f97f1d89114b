"""Forward and backward traces over ERPNext's ledger: two component batches are received, made into a finished
batch, which is sold to three customers; one returns part of it."""

import re

import pytest

import frappe
from frappe.utils import add_days, getdate, today

from medical_devices.traceability import trace_backward, trace_forward
from medical_devices.traceability.api import trace
from medical_devices.traceability.engine import holders
from tests.factories import TRACE_CUSTOMERS as CUSTOMERS
from tests.factories import TRACE_FINISHED as FINISHED
from tests.factories import TRACE_SUPPLIER as SUPPLIER
from tests.factories import company_stores as ctx
from tests.factories import device_recall as recall
from tests.factories import ensure_item, outgoing_email_account, register_item, submit, trace_masters
from tests.factories import trace_story as build_story


@pytest.fixture(scope="module", autouse=True)
def records(frappe_site):
	trace_masters()
	yield


def test_forward_from_a_component_batch_reaches_the_customers_of_the_finished_batch():
	story = build_story()
	nodes = trace_forward(batch=story.lot_a)
	batches = [(n["batch_id"], n["level"]) for n in nodes if n["node"] == "batch"]
	assert batches == [("TRACE-A", 0), ("TRACE-F", 2)]
	kinds = [
		(n["kind"], n["voucher_no"], n["qty"])
		for n in nodes
		if n["node"] == "movement" and n["batch"] == story.lot_a
	]
	assert kinds == [("Goods Receipt", story.receipt.name, 50), ("Consumption", story.made.name, -20)]
	assert {(h["customer"], h["delivered"], h["returned"], h["held"]) for h in holders(nodes)} == {
		(CUSTOMERS[0], 4, 1, 3),
		(CUSTOMERS[1], 3, 0, 3),
		(CUSTOMERS[2], 2, 0, 2),
	}
	finished_node = next(n for n in nodes if n["batch_id"] == "TRACE-F")
	consumption = next(n for n in nodes if n["kind"] == "Consumption")
	assert finished_node["parent"] == consumption["id"]  # made from A in that Stock Entry
	children = [n for n in nodes if n["parent"] == finished_node["id"]]
	assert [c["kind"] for c in children] == [
		"Production",
		"Delivery",
		"Delivery",
		"Delivery",
		"Customer Return",
	]
	assert all(c["level"] == 3 for c in children)
	# lot B was not used by anything else: its trace ends at the same finished batch
	assert [n["batch_id"] for n in trace_forward(batch=story.lot_b) if n["node"] == "batch"] == [
		"TRACE-B",
		"TRACE-F",
	]


def test_backward_from_the_finished_batch_reaches_both_components_and_their_supplier():
	story = build_story()
	nodes = trace_backward(batch=story.finished)
	assert [(n["batch_id"], n["level"]) for n in nodes if n["node"] == "batch"] == [
		("TRACE-F", 0),
		("TRACE-A", 2),
		("TRACE-B", 2),
	]
	receipts = [(n["batch"], n["party"], n["qty"]) for n in nodes if n["kind"] == "Goods Receipt"]
	assert receipts == [(story.lot_a, SUPPLIER, 50), (story.lot_b, SUPPLIER, 30)]
	# backward shows only what came in: deliveries of the finished batch are not part of its origin
	assert not [n for n in nodes if n["kind"] == "Delivery"]


def test_cancelled_documents_are_not_part_of_a_trace():
	story = build_story()
	for document in (story.ret, story.notes[2]):
		document.md_reason = "Entered by mistake"
		document.cancel()
	held = {h["customer"]: h["held"] for h in holders(trace_forward(batch=story.finished))}
	assert held == {CUSTOMERS[0]: 4, CUSTOMERS[1]: 3}


def test_rest_endpoint_and_report_give_the_same_trace():
	from medical_devices.traceability.report.batch_trace.batch_trace import execute

	story = build_story()
	result = trace(batch=story.lot_a, direction="forward")
	assert result["nodes"] == trace_forward(batch=story.lot_a)
	assert len(result["holders"]) == 3
	columns, data = execute({"batch": story.lot_a, "direction": "Forward"})
	assert [row["id"] for row in data] == [n["id"] for n in result["nodes"]]
	assert data[0]["indent"] == 0 and data[0]["title"] == "TRACE-A"
	assert {c["fieldname"] for c in columns} >= {"title", "kind", "party", "qty", "voucher_no"}
	with pytest.raises(frappe.ValidationError, match="Direction: must be one of forward, backward"):
		trace(batch=story.lot_a, direction="sideways")
	with pytest.raises(frappe.ValidationError, match="Give a batch or a serial number"):
		trace_forward()


def test_a_serial_number_is_traced_through_its_receipt_and_delivery():
	stores = ctx().stores
	code = ensure_item("_Test MD Trace Serial", has_batch_no=0, has_serial_no=1)
	register_item(code)
	receipt = submit(
		{
			"doctype": "Purchase Receipt",
			"supplier": SUPPLIER,
			"items": [
				{
					"item_code": code,
					"qty": 2,
					"rate": 900,
					"warehouse": stores,
					"serial_no": "TRACE-SN-1\nTRACE-SN-2",
					"use_serial_batch_fields": 1,
				}
			],
		}
	)
	note = submit(
		{
			"doctype": "Delivery Note",
			"customer": CUSTOMERS[1],
			"items": [
				{
					"item_code": code,
					"qty": 1,
					"rate": 1500,
					"warehouse": stores,
					"serial_no": "TRACE-SN-2",
					"use_serial_batch_fields": 1,
				}
			],
		}
	)
	nodes = trace_forward(serial_no="TRACE-SN-2")
	assert nodes[0]["kind"] == "Serial No" and nodes[0]["serial_no"] == "TRACE-SN-2"
	assert [(n["kind"], n["voucher_no"], n["party"], n["qty"]) for n in nodes[1:]] == [
		("Goods Receipt", receipt.name, SUPPLIER, 1),
		("Delivery", note.name, CUSTOMERS[1], -1),
	]
	assert [n["kind"] for n in trace_forward(serial_no="TRACE-SN-1")[1:]] == ["Goods Receipt"]
	with pytest.raises(frappe.ValidationError, match="does not exist"):
		trace_forward(serial_no="NO-SUCH-SERIAL")


# --- recall scope ---------------------------------------------------------------------------------------------


def test_a_recall_of_a_component_batch_finds_the_finished_batch_and_its_customers():
	story = build_story()
	doc = recall([story.lot_a]).insert()
	assert doc.affected_batches.split("\n") == ["TRACE-A", "TRACE-F"]
	assert {(c.customer, c.batch, c.delivered_qty, c.returned_qty, c.held_qty) for c in doc.customers} == {
		(CUSTOMERS[0], story.finished, 4, 1, 3),
		(CUSTOMERS[1], story.finished, 3, 0, 3),
		(CUSTOMERS[2], story.finished, 2, 0, 2),
	}
	assert (doc.customers_affected, doc.total_shipped, doc.total_returned) == (3, 9, 1)
	assert doc.recovery_rate == round(100 / 9, 2)
	# still in our warehouse: 30 of lot A and 2 of the finished batch (10 made, 9 shipped, 1 back)
	assert {(s.batch, s.qty) for s in doc.stock} == {(story.lot_a, 30), (story.finished, 2)}
	assert (str(doc.notify_by), str(doc.plan_due)) == ("2026-11-28", "2026-12-04")
	assert recall([story.lot_b], "Class III Recall").insert().notify_by == getdate("2026-12-04")

	doc.submit()
	for batch in (story.lot_a, story.finished):
		assert frappe.db.get_value("Batch", batch, "md_batch_status") == "Recalled"
	assert frappe.db.get_value("Batch", story.lot_b, "md_batch_status") == "Released"
	change = frappe.get_all(
		"Batch Status Change",
		{"batch": story.finished, "to_status": "Recalled"},
		["reference_name", "reason"],
	)[0]
	assert change.reference_name == doc.name and doc.name in change.reason
	# the GSP guard now refuses the recalled finished batch
	from medical_devices.gsp.stock_guard import BatchNotAllowedError

	with pytest.raises(BatchNotAllowedError, match="is Recalled"):
		submit(
			{
				"doctype": "Delivery Note",
				"customer": CUSTOMERS[1],
				"items": [
					{
						"item_code": FINISHED,
						"qty": 1,
						"rate": 50,
						"warehouse": ctx().stores,
						"batch_no": story.finished,
						"use_serial_batch_fields": 1,
					}
				],
			}
		)
	with pytest.raises(frappe.ValidationError, match="cannot be cancelled"):
		doc.cancel()
	assert frappe.db.get_value("Device Recall", doc.name, "status") == "Open"

	# customer B sends its 3 units back against the recall: the recall's progress follows the return
	from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_return

	back = make_sales_return(story.notes[1].name)
	back.md_device_recall = doc.name
	back.insert()
	back.submit()
	progress = frappe.get_doc("Device Recall", doc.name)
	assert (progress.total_returned, progress.recovery_rate, progress.customers_affected) == (
		4,
		round(400 / 9, 2),
		2,
	)
	assert {(c.customer, c.held_qty) for c in progress.customers} == {
		(CUSTOMERS[0], 3),
		(CUSTOMERS[1], 0),
		(CUSTOMERS[2], 2),
	}
	assert progress.last_progress_update
	back.md_reason = "Return booked twice"
	back.cancel()
	assert frappe.db.get_value("Device Recall", doc.name, "total_returned") == 1

	from medical_devices.recall.doctype.device_recall.device_recall import close_recall

	with pytest.raises(frappe.ValidationError, match="effectiveness check"):
		close_recall(doc.name, " ")
	assert (
		close_recall(doc.name, "All three customers confirmed in writing; 9 of 9 units accounted for.")
		== "Closed"
	)
	closed = frappe.get_doc("Device Recall", doc.name)
	assert (closed.status, str(closed.closed_on)) == ("Closed", today())
	with pytest.raises(frappe.ValidationError, match="Only an open"):
		close_recall(doc.name, "again")


def test_a_recalls_scope_read_grouped_is_the_holders_of_its_forward_trace():
	from medical_devices.traceability.engine import scope, trace_batches

	story = build_story()
	for batches in (
		[story.lot_a],
		[story.lot_b],
		[story.lot_a, story.lot_b],
		[story.finished],
		[story.finished, story.lot_a],
	):
		nodes = trace_batches(batches, "forward")
		affected, held = scope(batches)
		assert affected == [n["batch"] for n in nodes if n["node"] == "batch"]
		assert held == holders(nodes)
	# both components of the finished batch recalled: its nine units reach their customers once, not twice
	doc = recall([story.lot_a, story.lot_b]).insert()
	assert (doc.total_shipped, doc.total_returned, doc.customers_affected) == (9, 1, 3)
	assert sorted(row.held_qty for row in doc.customers) == [2, 3, 3]


def test_a_mock_recall_traces_and_times_but_changes_nothing():
	story = build_story()
	doc = recall([story.lot_a], is_mock=1).insert()
	doc.submit()
	assert doc.trace_seconds > 0 and doc.customers_affected == 3
	assert frappe.db.get_value("Batch", story.finished, "md_batch_status") == "Released"
	doc.md_reason = "Mock recall exercise finished"
	doc.cancel()
	with pytest.raises(frappe.ValidationError, match="listed twice"):
		recall([story.lot_a, story.lot_a]).insert()


def test_notices_are_e_mailed_recorded_and_printable_and_overdue_ones_are_flagged():
	from frappe.www.printview import get_rendered_template

	from medical_devices.recall.doctype.device_recall.device_recall import flag_overdue_recalls, send_notices

	outgoing_email_account()
	story = build_story()
	for customer, email in (
		(CUSTOMERS[0], "qa@hospital-a.example"),
		(CUSTOMERS[1], "buyer@hospital-b.example"),
	):
		frappe.db.set_value("Customer", customer, "email_id", email)
	doc = recall([story.finished], start_date=add_days(today(), -5)).insert()
	doc.submit()
	assert doc.notification_overdue == 1  # already late when submitted: nobody has been told
	frappe.db.set_value("Device Recall", doc.name, "notification_overdue", 0)
	flag_overdue_recalls()
	assert frappe.db.get_value("Device Recall", doc.name, "notification_overdue") == 1

	result = send_notices(doc.name)
	assert (sorted(result["sent"]), result["without_email"]) == (sorted(CUSTOMERS[:2]), [CUSTOMERS[2]])
	doc.reload()
	notified = {row.customer: row.notified_on for row in doc.customers}
	assert notified[CUSTOMERS[0]] and notified[CUSTOMERS[1]] and not notified[CUSTOMERS[2]]
	assert doc.notification_overdue == 1  # the distributor without e-mail still waits for its letter
	queued = frappe.get_all(
		"Email Queue", {"reference_doctype": "Device Recall", "reference_name": doc.name}, pluck="name"
	)
	assert len(queued) == 2
	assert send_notices(doc.name)["sent"] == []  # nobody is notified twice

	html = get_rendered_template(doc, print_format=frappe.get_doc("Print Format", "Recall Notice"))
	assert html.count("page-break-after") == 2  # three letters
	for customer in CUSTOMERS:
		assert customer in html
	assert "TRACE-F" in html and doc.reason in html
	assert not re.search(r">\s*\d+\.0+\s*<", html)  # whole units print as 6, not 6.0

	# a progress refresh keeps who was notified
	from medical_devices.recall.doctype.device_recall.device_recall import refresh_progress

	refresh_progress(doc.name)
	assert {
		row.customer: row.notified_on for row in frappe.get_doc("Device Recall", doc.name).customers
	} == notified
