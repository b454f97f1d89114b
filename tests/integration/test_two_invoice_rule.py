"""The two-invoice rule (两票制, medical_devices/md_hospitals/two_invoice.py): a sale to a hospital under the rule of
an item under it shows, from the ledger, the purchase invoices of its batches; the manufacturer's (or its general
agent's) invoice and ours are two; a batch bought from a wholesaler would be a third, and is refused naming the
chain, with nothing written; a remote-area hospital may take one more; the rule binds only its items and
hospitals; the chain prints with the supplier's invoice numbers and amounts."""

import pytest

import frappe
from frappe.utils import flt

from medical_devices import stored_texts
from medical_devices.md_hospitals.two_invoice import TwoInvoiceError, invoice_chain
from tests.factories import (
	company_stores,
	ensure_item,
	ensure_party,
	first_company,
	named_batch,
	qualify_party,
	register_item,
	release,
	settings,
	submit,
)
from tests.outputs import pdf_text

STENT = "_Test MD 2I Stent"
IMPORTED = "_Test MD 2I Imported Valve"
GAUZE = "_Test MD 2I Dressing"
MAKER = "_Test MD 2I Manufacturer"
WHOLESALER = "_Test MD 2I Wholesaler"
AGENT = "_Test MD 2I General Agent"
HOSPITAL = "_Test MD 2I Public Hospital"
REMOTE = "_Test MD 2I County Hospital"
PRIVATE = "_Test MD 2I Private Clinic"
PROVINCIAL = "_Test MD 2I Provincial Hospital"
PROVINCE = "福建省"


@pytest.fixture(scope="module", autouse=True)
def masters(frappe_site):
	for code, flagged in ((STENT, 1), (IMPORTED, 1), (GAUZE, 0)):
		ensure_item(code, "Class III", valuation_rate=500)
		updated(frappe.get_doc("Item", code), md_two_invoice_rule=flagged)
		register_item(code, "Class III")
	for supplier in (MAKER, WHOLESALER, AGENT):
		qualify_party("Supplier", ensure_party("Supplier", supplier))
	name_certificate(STENT, supplier=MAKER)
	name_certificate(IMPORTED, general_agent=AGENT)
	for customer, rule, extra in (
		(HOSPITAL, "Applies", 0),
		(REMOTE, "Applies", 1),
		(PRIVATE, "Does Not Apply", 0),
		(PROVINCIAL, None, 0),
	):
		hospital(customer, md_two_invoice_rule=rule, md_two_invoice_extra_invoice=extra)
	address_in(PROVINCIAL, PROVINCE)
	frappe.db.commit()  # nosemgrep: the module's masters; each test rolls back its own work
	yield


def hospital(name, **fields):
	"""A qualified customer, its two-invoice settings given when it is made (before its review)."""
	if not frappe.db.exists("Customer", name):
		frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": name,
				"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0}),
				"territory": frappe.db.get_value("Territory", {"is_group": 0}),
			}
		).insert()
	updated(frappe.get_doc("Customer", name), **fields)
	qualify_party("Customer", name)
	return name


def updated(doc, **fields):
	"""The master with these values, changed (with a reason) where it holds others."""
	if any((doc.get(field) or None) != (value or None) for field, value in fields.items()):
		doc.update(fields)
		doc.md_reason = "Set up for the two-invoice tests"
		doc.save()


def name_certificate(item_code, **fields):
	updated(frappe.get_doc("Registration Certificate", f"_Test MD Reg {item_code}"), **fields)


def address_in(customer, state):
	if frappe.db.exists(
		"Dynamic Link", {"link_doctype": "Customer", "link_name": customer, "parenttype": "Address"}
	):
		return
	frappe.get_doc(
		{
			"doctype": "Address",
			"address_title": customer,
			"address_type": "Billing",
			"address_line1": "鼓楼区八一七北路1号",
			"city": "福州市",
			"state": state,
			"country": "China",
			"links": [{"link_doctype": "Customer", "link_name": customer}],
		}
	).insert()


def bought(item_code, supplier, qty=5, bill_no=None, invoice=True):
	"""A batch received from the supplier into Stores and released; billed by its invoice unless not `invoice`."""
	from erpnext.stock.doctype.purchase_receipt.purchase_receipt import make_purchase_invoice

	batch = named_batch(f"2I-{frappe.generate_hash(length=6)}", item_code)
	receipt = submit(
		{
			"doctype": "Purchase Receipt",
			"supplier": supplier,
			"items": [
				{
					"item_code": item_code,
					"qty": qty,
					"rate": 600,
					"warehouse": company_stores().stores,
					"batch_no": batch,
					"use_serial_batch_fields": 1,
				}
			],
		}
	)
	release(batch)
	purchase = None
	if invoice:
		purchase = make_purchase_invoice(receipt.name)
		purchase.bill_no = bill_no or f"FP{frappe.generate_hash(length=8)}"
		purchase.bill_date = receipt.posting_date
		purchase.insert()
		purchase.submit()
	return frappe._dict(batch=batch, receipt=receipt.name, invoice=purchase)


def sale(customer, item_code, batch, qty=2, doctype="Sales Invoice", **fields):
	row = {
		"item_code": item_code,
		"qty": qty,
		"rate": 900,
		"warehouse": company_stores().stores,
		"batch_no": batch,
		"use_serial_batch_fields": 1,
		**fields,
	}
	doc = {"doctype": doctype, "company": first_company(), "customer": customer, "items": [row]}
	if doctype == "Sales Invoice":
		doc["update_stock"] = 1
	return frappe.get_doc(doc).insert()


def refused_with_nothing_written(doc, *names):
	with pytest.raises(TwoInvoiceError) as refusal:
		doc.submit()
	message = str(refusal.value)
	for name in names:
		assert name in message
	assert frappe.db.get_value(doc.doctype, doc.name, "docstatus") == 0
	assert not frappe.db.exists("Stock Ledger Entry", {"voucher_no": doc.name, "is_cancelled": 0})
	assert not frappe.db.exists("GL Entry", {"voucher_no": doc.name, "is_cancelled": 0})
	return message


def test_a_sale_on_the_manufacturers_invoice_keeps_its_chain_and_prints_it():
	stock = bought(STENT, MAKER, bill_no="04400261")
	invoice = sale(HOSPITAL, STENT, stock.batch)
	invoice.submit()
	assert invoice.items[0].md_purchase_invoices == stock.invoice.name
	[row] = invoice_chain(invoice)
	[link] = row["upstream"]
	assert (link["supplier"], link["bill_no"], link["purchase_invoice"]) == (
		MAKER,
		"04400261",
		stock.invoice.name,
	)
	assert (flt(link["qty"]), flt(link["amount"])) == (5, 3000)
	printed = pdf_text(invoice, "Two-Invoice Chain")
	for word in ("两票制", "04400261", stock.invoice.name, "3,000.00"):
		assert word in printed


def test_a_third_invoice_is_refused_naming_the_chain_on_every_sales_document():
	stock = bought(STENT, WHOLESALER, bill_no="04400777")
	message = refused_with_nothing_written(
		sale(HOSPITAL, STENT, stock.batch),
		WHOLESALER,
		stock.invoice.name,
		"04400777",
		"Test Registrant",
		HOSPITAL,
	)
	assert "3" in message
	refused_with_nothing_written(sale(HOSPITAL, STENT, stock.batch, doctype="Delivery Note"), WHOLESALER)
	# through frappe.client as a script or REST client would submit it
	draft = sale(HOSPITAL, STENT, stock.batch)
	with pytest.raises(TwoInvoiceError):
		frappe.call("frappe.client.submit", doc=draft.as_dict())
	assert frappe.db.get_value("Sales Invoice", draft.name, "docstatus") == 0


def test_a_remote_area_hospital_may_take_one_more_invoice():
	stock = bought(STENT, WHOLESALER)
	invoice = sale(REMOTE, STENT, stock.batch)
	invoice.submit()
	assert invoice.items[0].md_purchase_invoices == stock.invoice.name


def test_the_rule_binds_only_its_items_and_its_hospitals():
	stock = bought(STENT, WHOLESALER)
	private = sale(PRIVATE, STENT, stock.batch, md_purchase_invoices="PINV-MADE-UP")
	private.submit()
	assert private.items[0].md_purchase_invoices is None  # what the client sent is not kept
	dressing = bought(GAUZE, WHOLESALER)
	sale(HOSPITAL, GAUZE, dressing.batch).submit()


def test_a_customer_left_empty_follows_the_province_of_its_address():
	stock = bought(STENT, WHOLESALER)
	sale(PROVINCIAL, STENT, stock.batch, qty=1).submit()  # no province listed: not under the rule
	with settings(two_invoice_provinces=f"浙江省\n{PROVINCE}"):
		refused_with_nothing_written(sale(PROVINCIAL, STENT, stock.batch, qty=1), WHOLESALER, PROVINCIAL)


def test_a_general_agent_of_an_imported_device_counts_as_its_manufacturer():
	from_agent = bought(IMPORTED, AGENT)
	sale(HOSPITAL, IMPORTED, from_agent.batch).submit()
	# the agent of one device is a wholesaler of another
	stent = bought(STENT, AGENT)
	refused_with_nothing_written(sale(HOSPITAL, STENT, stent.batch), AGENT)


def test_goods_without_a_purchase_invoice_cannot_show_their_chain():
	from erpnext.stock.doctype.purchase_receipt.purchase_receipt import make_purchase_invoice

	stock = bought(STENT, MAKER, invoice=False)
	refused_with_nothing_written(sale(HOSPITAL, STENT, stock.batch), stock.receipt, "not billed")
	purchase = make_purchase_invoice(stock.receipt)
	purchase.bill_no = "04400900"
	purchase.insert()
	purchase.submit()
	sale(HOSPITAL, STENT, stock.batch).submit()

	found = named_batch(f"2I-{frappe.generate_hash(length=6)}", STENT)
	entry = submit(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Receipt",
			"purpose": "Material Receipt",
			"items": [
				{
					"item_code": STENT,
					"qty": 2,
					"basic_rate": 500,
					"t_warehouse": company_stores().stores,
					"batch_no": found,
					"use_serial_batch_fields": 1,
				}
			],
		}
	)
	release(found)
	refused_with_nothing_written(sale(HOSPITAL, STENT, found), entry.name, "not from a purchase")


def test_a_batch_also_bought_from_a_wholesaler_cannot_prove_which_unit_is_sold():
	stock = bought(STENT, MAKER)
	again = submit(
		{
			"doctype": "Purchase Receipt",
			"supplier": WHOLESALER,
			"items": [
				{
					"item_code": STENT,
					"qty": 1,
					"rate": 600,
					"warehouse": company_stores().stores,
					"batch_no": stock.batch,
					"use_serial_batch_fields": 1,
				}
			],
		}
	)
	refused_with_nothing_written(sale(HOSPITAL, STENT, stock.batch, qty=1), again.name)


def test_the_invoice_of_a_delivery_is_checked_against_the_delivered_batches():
	from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_invoice

	stock = bought(STENT, MAKER)
	delivery = sale(HOSPITAL, STENT, stock.batch, doctype="Delivery Note")
	delivery.submit()
	invoice = make_sales_invoice(delivery.name)
	invoice.insert()
	invoice.submit()
	assert invoice.items[0].md_purchase_invoices == stock.invoice.name


def test_while_controls_are_off_nothing_is_refused():
	stock = bought(STENT, WHOLESALER)
	with settings(enable_controls=0):
		sale(HOSPITAL, STENT, stock.batch).submit()


def test_a_hospital_whose_rule_changes_is_reviewed_again():
	customer = ensure_party("Customer", f"_Test MD 2I Changing {frappe.generate_hash(length=4)}")
	qualify_party("Customer", customer)
	doc = frappe.get_doc("Customer", customer)
	doc.md_two_invoice_rule = "Applies"
	doc.md_reason = "The hospital joined the provincial purchasing platform"
	doc.save()
	assert doc.md_first_business_status == "Pending"
	assert doc.md_first_business_remarks == stored_texts.TWO_INVOICE_AGAIN.text()
