"""`bench --site S md-demo` data: realistic, consistent stock, and idempotent."""

import frappe
from frappe.utils import getdate, today

from medical_devices.demo import (
	BATCHES,
	CERTIFICATES,
	COMPANY,
	COMPONENT_BATCH,
	CONSIGNED,
	CONSIGNMENT_BATCH,
	CUSTOMERS,
	DELIVERIES,
	DEMO_USER,
	DEVICE_IDENTIFIERS,
	ITEMS,
	LOANER_BATCHES,
	LOANER_IDENTIFIERS,
	LOANER_SET,
	MANUFACTURED_BATCH,
	QUARANTINED_BATCH,
	SCRAPPED,
	SUPPLIERS,
	TWO_INVOICE,
	USAGE,
	WRITE_OFFS,
	create_demo_data,
)


def test_demo_creates_a_chinese_device_company_and_is_idempotent():
	create_demo_data()
	counts = {
		dt: frappe.db.count(dt)
		for dt in ("Item", "Batch", "Purchase Receipt", "Delivery Note", "Supplier", "Customer", "GL Entry")
	}
	create_demo_data()
	assert {dt: frappe.db.count(dt) for dt in counts} == counts

	company = frappe.get_doc("Company", COMPANY)
	assert (company.country, company.default_currency) == ("China", "CNY")
	assert frappe.db.get_value("Company", COMPANY, "default_inventory_account")

	classes = frappe.get_all(
		"Item",
		filters={"md_is_medical_device": 1, "item_code": ("in", [i[0] for i in ITEMS])},
		pluck="md_device_class",
	)
	assert sorted(set(classes)) == ["Class I", "Class II", "Class III"]

	expiries = {
		batch_id: getdate(frappe.db.get_value("Batch", {"batch_id": batch_id}, "expiry_date"))
		for batch_id, *_ in BATCHES
	}
	assert sum(1 for d in expiries.values() if d < getdate(today())) == 1
	assert sum(1 for d in expiries.values() if 0 <= (d - getdate(today())).days <= 90) >= 2

	warehouse = frappe.db.get_value("Warehouse", {"company": COMPANY, "warehouse_name": "Stores"})
	delivered = {}
	for _, batch_id, qty, _ in DELIVERIES:
		delivered[batch_id] = delivered.get(batch_id, 0) + qty
	for batch_id, qty, *_ in (*WRITE_OFFS, SCRAPPED):
		delivered[batch_id] = delivered.get(batch_id, 0) + qty
	for batch_id, _item, _, _, received, _ in BATCHES:
		batch = frappe.db.get_value("Batch", {"batch_id": batch_id})
		assert batch_balance(batch, warehouse) == received - delivered.get(batch_id, 0), batch_id

	# Receipts reached the ledger: stock debited for what was bought, in CNY.
	stock_value = frappe.db.sql(
		"""select sum(debit) - sum(credit) from `tabGL Entry`
		where company=%s and voucher_type='Purchase Receipt' and is_cancelled=0
		and account in (select name from tabAccount where account_type='Stock')""",
		COMPANY,
	)[0][0]
	received = [*BATCHES, QUARANTINED_BATCH]
	component = COMPONENT_BATCH[1] * COMPONENT_BATCH[2]
	consigned = CONSIGNMENT_BATCH[3] * CONSIGNMENT_BATCH[4]
	loaner = sum(qty * rate for _b, _i, _d, _s, qty, rate, _sell, _set in LOANER_BATCHES)
	assert round(stock_value, 2) == round(
		sum(qty * rate for *_, qty, rate in received) + component + consigned + loaner, 2
	)


def test_demo_has_stents_on_consignment_at_two_hospitals_and_a_billed_usage_report():
	from medical_devices.md_hospitals.consignment import warehouse_of
	from medical_devices.md_hospitals.report.consignment_stock.consignment_stock import execute
	from medical_devices.personal_data import pseudonym

	create_demo_data()
	batch_id, item_code, *_ = CONSIGNMENT_BATCH
	batch = frappe.db.get_value("Batch", {"batch_id": batch_id})
	used = len(USAGE["rows"])
	_columns, rows = execute({"company": COMPANY, "item_code": item_code})
	at = {(row["customer"], row["batch"]): row["qty"] for row in rows}
	assert at == {(CUSTOMERS[0], batch): CONSIGNED[0] - used, (CUSTOMERS[1], batch): CONSIGNED[1]}
	report = frappe.get_doc("Consignment Usage Report", {"hospital_reference": USAGE["hospital_reference"]})
	assert report.status == "Billed" and report.warehouse == warehouse_of(COMPANY, CUSTOMERS[0])
	assert [row.patient_reference for row in report.items] == [
		pseudonym(CUSTOMERS[0], record_no) for record_no, *_ in USAGE["rows"]
	]
	invoice = frappe.get_doc("Sales Invoice", report.items[0].sales_invoice)
	assert invoice.docstatus == 1 and invoice.grand_total >= USAGE["rate"] * used


def test_demo_bills_the_first_hospitals_stents_on_the_two_invoice_chain():
	from medical_devices.md_hospitals.two_invoice import customer_under_rule, invoice_chain

	create_demo_data()
	report = frappe.get_doc("Consignment Usage Report", {"hospital_reference": USAGE["hospital_reference"]})
	invoice = frappe.get_doc("Sales Invoice", report.items[0].sales_invoice)
	assert customer_under_rule(invoice.customer) and not customer_under_rule(CUSTOMERS[2])
	assert frappe.db.get_value("Customer", CUSTOMERS[0], "md_first_business_status") == "Approved"
	rows = invoice_chain(invoice)
	# one invoice row per batch: the report's units of the consigned batch
	assert [row["item_code"] for row in rows] == [TWO_INVOICE["item"]]
	assert [(row.item_code, row.qty) for row in invoice.items] == [(TWO_INVOICE["item"], len(USAGE["rows"]))]
	for row in rows:
		[link] = row["upstream"]
		assert (link["supplier"], link["bill_no"]) == (SUPPLIERS[1], TWO_INVOICE["bill_no"])
		assert (
			link["qty"] == CONSIGNMENT_BATCH[3]
			and link["amount"] == CONSIGNMENT_BATCH[3] * CONSIGNMENT_BATCH[4]
		)


def test_demo_has_a_counted_hospital_shelf_and_a_loaner_set_back_without_its_screwdriver():
	from medical_devices.personal_data import pseudonym

	create_demo_data()
	count = frappe.get_doc("Consignment Stock Count", {"customer": CUSTOMERS[1], "docstatus": 1})
	assert count.approved_by != count.owner
	assert [(row.counted_qty, row.difference_qty) for row in count.items] == [(CONSIGNED[1], 0)]
	assert not (count.issue_entry or count.receipt_entry)  # the shelf held what the books say

	loaner_set = frappe.get_doc("Loaner Set", {"set_no": LOANER_SET["set_no"]})
	loan = frappe.get_doc("Loaner Set Loan", {"loaner_set": loaner_set.name, "docstatus": 1})
	assert (loan.status, loan.customer, loan.surgeon) == ("Returned", CUSTOMERS[1], LOANER_SET["surgeon"])
	invoice = frappe.get_doc("Sales Invoice", loan.sales_invoice)
	patient = pseudonym(CUSTOMERS[1], LOANER_SET["hospital_record_no"])
	selling = {item_code: rate for _b, item_code, _d, _s, _q, _r, rate, _set in LOANER_BATCHES}
	assert sorted(
		(row.item_code, row.qty, row.rate, row.md_patient_reference or "") for row in invoice.items
	) == [
		("MD-I-SCREWDRIVER", 1, selling["MD-I-SCREWDRIVER"], ""),  # charged: missing after the surgery
		("MD-III-PLATE", 1, selling["MD-III-PLATE"], patient),
		("MD-III-SCREW", 2, selling["MD-III-SCREW"], patient),
	]
	assert invoice.docstatus == 1 and not loan.write_off_entry
	assert invoice.currency == frappe.db.get_value("Company", COMPANY, "default_currency")
	status, missing = frappe.db.get_value("Loaner Set", loaner_set.name, ["status", "missing"])
	assert status == "Incomplete" and "MD-I-SCREWDRIVER" in missing


def test_demo_shows_the_quality_loop():
	create_demo_data()
	batch_id, qty, sterilisation = MANUFACTURED_BATCH
	made = frappe.db.get_value(
		"Batch", {"batch_id": batch_id}, ["name", "md_batch_status", "md_sterilisation_batch"], as_dict=True
	)
	assert (made.md_batch_status, made.md_sterilisation_batch) == ("Released", sterilisation)
	record = frappe.get_doc("Device Batch Record", {"batch": made.name})
	assert (record.docstatus, record.released_by, record.qty_produced) == (1, DEMO_USER, qty)
	assert record.released_by != record.prepared_by and record.work_order
	assert frappe.db.get_value(
		"Electronic Signature",
		{"ref_doctype": "Device Batch Record", "ref_name": record.name},
		["signer", "meaning"],
	) == (DEMO_USER, "Released")
	assert [row.supplier for row in record.inputs] == [SUPPLIERS[0]]
	scrapped = frappe.get_doc(
		"Device Nonconformance", {"batch": frappe.db.get_value("Batch", {"batch_id": SCRAPPED[0]})}
	)
	assert (scrapped.disposition, scrapped.docstatus, scrapped.qty) == ("Scrap", 1, SCRAPPED[1])
	assert scrapped.scrap_value > 0
	capa = frappe.get_doc("CAPA", {"title": "支架输送系统球囊破裂"})
	assert capa.status == "In Progress" and capa.docstatus == 0
	assert frappe.db.get_value("Device Complaint", capa.sources[0].reference_name, "capa") == capa.name
	assert frappe.db.get_value("Supplier Audit", {"supplier": SUPPLIERS[0], "docstatus": 1}, "score") == 88
	assert frappe.db.get_value("Approved Supplier", {"supplier": SUPPLIERS[0]}, "status") == "Approved"


def test_demo_shows_each_gsp_control_at_work():
	create_demo_data()
	status = {
		batch_id: frappe.db.get_value("Batch", {"batch_id": batch_id}, "md_batch_status")
		for batch_id, *_ in [*BATCHES, QUARANTINED_BATCH]
	}
	assert status[QUARANTINED_BATCH[0]] == "Quarantine"  # awaiting incoming inspection
	assert status["IVD2025A01"] == "Expired"  # the daily job ran
	assert status["IVD2025C03"] == "Quarantine"  # back in quarantine after the shipment's excursion
	assert status["ZSQ2025A07"] == "Released"
	log = frappe.get_doc("Temperature Log", {"logger_id": "TL-IVD-0007"})
	assert (log.docstatus, log.has_excursion, log.highest_reading) == (1, 1, 9.5)
	expired = frappe.get_all("Qualification Certificate", {"status": "Expired"}, pluck="certificate_number")
	assert "浙杭食药监械经营许20190045号" in expired
	assert frappe.db.get_value("Batch", {"batch_id": "KZ20241101"}, "md_expiry_alert_window") == 90


def batch_balance(batch: str, warehouse: str) -> float:
	"""What the stock ledger holds of a batch, expired or not (ERPNext's pickers skip expired batches)."""
	return frappe.db.sql(
		"""select coalesce(sum(entry.qty), 0) from `tabSerial and Batch Entry` entry
		join `tabStock Ledger Entry` sle on sle.serial_and_batch_bundle = entry.parent
		where sle.is_cancelled = 0 and entry.batch_no = %s and sle.warehouse = %s""",
		(batch, warehouse),
	)[0][0]


def test_demo_devices_have_identifiers_at_two_package_levels_and_certificates():
	create_demo_data()
	mask_levels = frappe.get_all(
		"UDI Device Identifier",
		filters={"item": "MD-I-MASK"},
		fields=["package_level", "base_quantity", "parent_di"],
		order_by="base_quantity",
	)
	assert [(row.package_level, row.base_quantity) for row in mask_levels] == [
		("Minimum Sales Unit", 1),
		("Case", 1000),
	]
	assert mask_levels[0].parent_di == "16901234100010"
	for item_code, *_ in ITEMS:
		default_di = frappe.db.get_value("Item", item_code, "md_default_di")
		assert (
			frappe.db.get_value("UDI Device Identifier", default_di, "package_level") == "Minimum Sales Unit"
		)
	assert len(DEVICE_IDENTIFIERS) + len(LOANER_IDENTIFIERS) == frappe.db.count(
		"UDI Device Identifier", {"item": ("like", "MD-%")}
	)
	statuses = {
		number: frappe.db.get_value("Registration Certificate", number, "status")
		for _, number, *_ in CERTIFICATES
	}
	assert set(statuses.values()) == {"Valid", "Expiring Soon", "Expired"}
	assert (
		frappe.db.get_value("Registration Certificate", "沪械备20210031", "certificate_type")
		== "Filing Certificate"
	)


def test_demo_has_an_open_recall_and_a_closed_mock_recall():
	create_demo_data()
	recalls = frappe.get_all(
		"Device Recall",
		filters={"docstatus": 1, "company": COMPANY},
		fields=["name", "is_mock", "status", "customers_affected", "total_shipped"],
	)
	assert {(r.is_mock, r.status) for r in recalls} == {(1, "Closed"), (0, "Open")}
	open_recall = next(r for r in recalls if not r.is_mock)
	assert (open_recall.customers_affected, open_recall.total_shipped) == (1, 6)
	assert frappe.db.get_value("Batch", {"batch_id": "ZJ2025D15"}, "md_batch_status") == "Recalled"
	assert frappe.db.get_value("Batch", {"batch_id": "ZSQ2025A07"}, "md_batch_status") == "Released"
	# the open recall's costs are in the ledger under its dimension, part of its provision used
	from medical_devices.recall.ledger import open_provision

	assert frappe.db.get_value("Device Recall", open_recall.name, "total_cost") == 3500
	assert open_provision(open_recall.name, COMPANY) == 46500
	expense = frappe.db.sql(
		"""select sum(debit - credit) from `tabGL Entry` gle join tabAccount acc on acc.name = gle.account
		where gle.md_device_recall = %s and gle.is_cancelled = 0 and acc.root_type = 'Expense'""",
		open_recall.name,
	)[0][0]
	assert expense == 50000  # 3,500 actual + 46,500 still provided
	create_demo_data()  # a second run adds nothing
	assert frappe.db.count("Recall Cost Entry", {"device_recall": open_recall.name}) == 2


def test_the_demos_write_off_record_prints_its_amount_in_chinese_capitals():
	from frappe.www.printview import get_rendered_template

	from medical_devices.chinese_forms import amount_in_capitals

	create_demo_data()
	name = frappe.db.get_value("Device Write Off", {"company": COMPANY, "docstatus": 1}, "name")
	doc = frappe.get_doc("Device Write Off", name)
	html = get_rendered_template(doc, print_format=frappe.get_doc("Print Format", "Device Write Off Record"))
	words = amount_in_capitals(doc.total_amount, "CNY")
	assert words.startswith("人民币") and words.endswith(("整", "分"))
	assert words in html


def test_a_mock_recalls_forms_say_they_are_a_drill_where_they_start_and_end():
	"""A mock recall's forms carry 模拟召回 at their start and at their end (on the first and the last page of a form
	that runs over several); a real recall's forms carry none. (The wkhtmltopdf of Debian, built on an unpatched
	Qt, repeats neither headers nor fixed elements on every page.)"""
	import io

	from pypdf import PdfReader

	from frappe.utils.pdf import get_pdf
	from frappe.www.printview import get_rendered_template

	def marks(html):
		pages = PdfReader(io.BytesIO(get_pdf(f'<div class="print-format">{html}</div>'))).pages
		return ["模拟召回" in page.extract_text() for page in pages]

	create_demo_data()
	for is_mock in (1, 0):
		name = frappe.db.get_value("Device Recall", {"company": COMPANY, "docstatus": 1, "is_mock": is_mock})
		doc = frappe.get_doc("Device Recall", name)
		for print_format in (
			"Recall Event Report",
			"Recall Plan",
			"Recall Progress Report",
			"Recall Summary Evaluation Report",
		):
			html = get_rendered_template(doc, print_format=frappe.get_doc("Print Format", print_format))
			assert (html.count('md-mock"') + html.count("md-mock md-mock-end")) == (2 if is_mock else 0)
			found = marks(html)
			assert found == [bool(is_mock)] * len(found), (print_format, is_mock, found)
		spacer, end = '<div style="height: 400mm"></div>', '<div class="md-mock md-mock-end">'
		long_form = marks(html.replace(end, spacer + end) if is_mock else html + spacer)
		assert len(long_form) > 1 and (long_form[0], long_form[-1]) == (bool(is_mock), bool(is_mock))


def test_the_recall_forms_print_the_devices_specification_not_its_item_code():
	"""型号规格 is the device's specification (Item md_model), as the NMPA forms ask, never the item code."""
	from frappe.www.printview import get_rendered_template

	from medical_devices.recall.forms import recall_form_data

	create_demo_data()
	name = frappe.db.get_value("Device Recall", {"company": COMPANY, "docstatus": 1, "is_mock": 0})
	doc = frappe.get_doc("Device Recall", name)
	products = recall_form_data(doc)["products"]
	assert products
	for product in products:
		model = frappe.db.get_value("Item", product["item_code"], "md_model")
		assert model and product["models"] == model and product["models"] != product["item_code"]
	html = get_rendered_template(doc, print_format=frappe.get_doc("Print Format", "Recall Event Report"))
	assert all(product["models"] in html for product in products)
