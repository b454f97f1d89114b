"""The trace as a picture on a real site (medical_devices/traceability/graph.py): the story's receipt, manufacture,
sales and return drawn as edges with their units; a hospital's consignment stock and the implants it reported used,
each patient by pseudonym only; a whole recall in one graph, over REST as in the Batch Trace report; and a user whose
User Permissions leave out the hospital sees its places withheld, not missing."""

import pytest

import frappe
from frappe.utils import add_days, today

from medical_devices.md_hospitals.doctype.consignment_usage_report.consignment_usage_report import (
	make_sales_invoice,
)
from medical_devices.personal_data import pseudonym
from medical_devices.traceability.api import graph
from tests.factories import (
	TRACE_CUSTOMERS,
	TRACE_SUPPLIER,
	consignment_hospital,
	device_recall,
	ensure_user,
	first_company,
	implant_item,
	named_batch,
	receive_units,
	replenish,
	trace_masters,
	trace_story,
)
from tests.factories import company_stores as ctx
from tests.unit.udi_codes import gs1_element_string, gtin14

HOSPITAL = "_Test MD TG Hospital"
IMPLANT = "_Test MD TG Knee"
IMPLANT_DI = gtin14("0697000000068")
OUTSIDER = "md-tg-outsider@example.com"


@pytest.fixture(scope="module", autouse=True)
def masters(frappe_site):
	trace_masters()
	implant_item(IMPLANT, IMPLANT_DI)
	consignment_hospital(HOSPITAL)
	ensure_user(OUTSIDER, "Stock User", "Sales User", "Item Manager")
	if not frappe.db.exists("User Permission", {"user": OUTSIDER, "allow": "Customer"}):
		frappe.get_doc(
			{
				"doctype": "User Permission",
				"user": OUTSIDER,
				"allow": "Customer",
				"for_value": TRACE_CUSTOMERS[0],
			}
		).insert(ignore_permissions=True)
	frappe.db.commit()  # nosemgrep: the module's masters; each test rolls back its own work
	yield


def edges(result) -> dict[tuple[str, str], float]:
	return {(edge["source"], edge["target"]): edge["qty"] for edge in result["edges"]}


def nodes(result) -> dict[str, dict]:
	return {node["id"]: node for node in result["nodes"]}


def implanted_at_hospital():
	"""Four knees received, three placed at the hospital, two reported implanted and billed."""
	batch = named_batch(f"TG-{frappe.generate_hash(length=6)}", IMPLANT)
	tag = frappe.generate_hash(length=5).upper()
	serials = [f"TGSN-{tag}-{n}" for n in range(1, 5)]
	receive_units(IMPLANT, batch, 4, serials)
	warehouse = frappe.db.get_value("Warehouse", {"md_consignment_customer": HOSPITAL}, "name")
	replenish(warehouse, IMPLANT, batch, 3, serials[:3])
	lot = frappe.db.get_value("Batch", batch, "batch_id")
	expiry = frappe.db.get_value("Batch", batch, "expiry_date")
	report = frappe.get_doc(
		{
			"doctype": "Consignment Usage Report",
			"company": first_company(),
			"customer": HOSPITAL,
			"report_date": today(),
			"items": [
				{
					"udi": gs1_element_string(IMPLANT_DI, lot=lot, serial=serial, expiry=expiry),
					"surgery_date": add_days(today(), -1),
					"surgeon": "李医生",
					"hospital_record_no": record,
				}
				for serial, record in zip(serials[:2], ("ZY-TG-1", "ZY-TG-2"), strict=True)
			],
		}
	).insert()
	report.submit()
	invoice = make_sales_invoice(report.name)
	invoice.insert()
	invoice.submit()
	return frappe._dict(batch=batch, warehouse=warehouse, serials=serials, report=report, invoice=invoice)


def test_the_story_is_drawn_as_edges_with_their_units_in_stage_columns():
	story = trace_story()
	stores = ctx().stores
	result = graph(batch=story.lot_a)
	drawn = edges(result)
	receipt = f"receipt:Purchase Receipt:{story.receipt.name}"
	assert drawn[(f"supplier:{TRACE_SUPPLIER}", receipt)] == 50
	assert drawn[(receipt, f"batch:{story.lot_a}")] == 50
	assert drawn[(f"batch:{story.lot_a}", f"manufacture:{story.made.name}")] == 20
	assert drawn[(f"manufacture:{story.made.name}", f"batch:{story.finished}")] == 10
	assert {
		customer: drawn[(f"warehouse:{stores}", f"customer:{customer}")] for customer in TRACE_CUSTOMERS
	} == dict(zip(TRACE_CUSTOMERS, (4, 3, 2), strict=True))
	assert drawn[(f"customer:{TRACE_CUSTOMERS[0]}", f"returns:customers:{stores}")] == 1
	shown = nodes(result)
	assert shown[f"customer:{TRACE_CUSTOMERS[0]}"]["details"] == {
		"documents": 2,
		"delivered": 4,
		"returned": 1,
		"held": 3,
	}
	assert shown[f"customer:{TRACE_CUSTOMERS[0]}"]["group"] == frappe.db.get_value(
		"Customer", TRACE_CUSTOMERS[0], "territory"
	)
	column = {key: node["column"] for key, node in shown.items()}
	assert (
		column[f"supplier:{TRACE_SUPPLIER}"]
		< column[receipt]
		< column[f"batch:{story.lot_a}"]
		< column[f"manufacture:{story.made.name}"]
		< column[f"batch:{story.finished}"]
		< column[f"warehouse:{stores}"]
		< column[f"customer:{TRACE_CUSTOMERS[1]}"]
		< column[f"returns:customers:{stores}"]
	)
	# backward from the finished batch: both components, consumed in its manufacture, and their supplier
	back = graph(batch=story.finished, direction="backward")
	assert {f"batch:{story.lot_a}", f"batch:{story.lot_b}", f"supplier:{TRACE_SUPPLIER}"} <= set(nodes(back))
	assert {(f"batch:{lot}", f"manufacture:{story.made.name}") for lot in (story.lot_a, story.lot_b)} <= set(
		edges(back)
	)
	assert not any(node["stage"] == "Customer" for node in back["nodes"])


def test_consignment_stock_and_the_implanted_patients_by_pseudonym_only():
	stock = implanted_at_hospital()
	result = graph(batch=stock.batch)
	drawn = edges(result)
	place = f"consignment:{stock.warehouse}"
	assert drawn[(f"warehouse:{ctx().stores}", place)] == 3
	patients = {key: node for key, node in nodes(result).items() if node["stage"] == "Patient"}
	assert {node["label"] for node in patients.values()} == {
		pseudonym(HOSPITAL, "ZY-TG-1"),
		pseudonym(HOSPITAL, "ZY-TG-2"),
	}
	assert all(drawn[(place, key)] == 1 for key in patients)
	assert {node["details"]["sales_invoice"] for node in patients.values()} == {stock.invoice.name}
	assert {node["details"]["serial_no"] for node in patients.values()} == set(stock.serials[:2])
	# billed use is drawn once, as the patients: no sale to the hospital beside them
	assert f"customer:{HOSPITAL}" not in nodes(result)
	assert nodes(result)[place]["details"]["balance"] == 1
	assert "ZY-TG-" not in frappe.as_json(result)


def test_a_whole_recall_is_one_graph_over_rest_and_in_the_report():
	from medical_devices.traceability.report.batch_trace.batch_trace import execute

	story = trace_story()
	stock = implanted_at_hospital()
	recall = device_recall([story.lot_b, stock.batch], is_mock=1).insert()
	result = graph(device_recall=recall.name)
	shown = nodes(result)
	assert {f"batch:{story.lot_b}", f"batch:{story.finished}", f"batch:{stock.batch}"} <= set(shown)
	assert {f"customer:{customer}" for customer in TRACE_CUSTOMERS} <= set(shown)
	assert sum(1 for node in shown.values() if node["stage"] == "Patient") == 2
	_columns, rows = execute({"device_recall": recall.name})
	assert {row["batch"] for row in rows if row["node"] == "batch"} == {
		story.lot_b,
		story.finished,
		stock.batch,
	}


def test_places_the_user_may_not_read_are_withheld_not_missing():
	story = trace_story()
	stock = implanted_at_hospital()
	frappe.set_user(OUTSIDER)
	try:
		sales = graph(batch=story.lot_a)
		implants = graph(batch=stock.batch)
	finally:
		frappe.set_user("Administrator")
	shown = nodes(sales)
	assert f"customer:{TRACE_CUSTOMERS[0]}" in shown
	assert shown["restricted:Customer"]["details"]["movements"] == 2
	text = frappe.as_json([sales, implants])
	for hidden in (TRACE_CUSTOMERS[1], TRACE_CUSTOMERS[2], HOSPITAL, stock.warehouse, stock.report.name):
		assert hidden not in text, hidden
	for record in ("ZY-TG-1", "ZY-TG-2"):
		assert pseudonym(HOSPITAL, record) not in text
	hidden_patients = [
		node for node in implants["nodes"] if node["restricted"] and node["stage"] == "Patient"
	]
	assert hidden_patients and all(node["qty_in"] == 0 for node in hidden_patients)
	# a serial number beside the batch changes nothing: it cannot be used to probe what the user may not read
	frappe.set_user(OUTSIDER)
	try:
		probed = graph(batch=stock.batch, serial_no=stock.serials[0])
	finally:
		frappe.set_user("Administrator")
	assert probed == implants


def test_a_graph_needs_something_to_trace_and_names_a_bad_direction():
	from medical_devices.inputs import InvalidInputError

	with pytest.raises(InvalidInputError, match="Give a batch, a serial number or a recall"):
		graph()
	with pytest.raises(frappe.ValidationError, match="Direction: must be one of forward, backward"):
		graph(batch="x", direction="sideways")
	with pytest.raises(frappe.DoesNotExistError):
		graph(device_recall="no such recall")
