"""The two-invoice rule (两票制, medical_devices/md_hospitals/two_invoice.py): a sale to a hospital under the rule of
an item under it shows, from the ledger, the purchase invoices of its batches; the manufacturer's (or its general
agent's) invoice and ours are two; a batch bought from a wholesaler would be a third, and is refused naming the
chain, with nothing written; a remote-area hospital may take one more; the rule binds only its items and
hospitals; the chain prints with the supplier's invoice numbers and amounts."""

import pytest

import frappe
from frappe.utils import add_days, flt, today

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
GROUP_COMPANY = "_Test MD 2I Group Logistics"
GROUP_SUPPLIER = "_Test MD 2I Group Logistics (internal)"


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
	group_company()
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


def group_company():
	"""One of the group's own companies, licensed, and the internal supplier that stands for it."""
	from tests.factories import LICENCES_FOR, add_licence, approve_first_business

	home = frappe.get_doc("Company", first_company())
	if not frappe.db.exists("Company", GROUP_COMPANY):
		frappe.get_doc(
			{
				"doctype": "Company",
				"company_name": GROUP_COMPANY,
				"abbr": "MD2IG",
				"default_currency": home.default_currency,
				"country": home.country,
				"create_chart_of_accounts_based_on": "Standard Template",
				"chart_of_accounts": "Standard",
			}
		).insert()
		frappe.flags.pop("warehouse_account_map", None)
	for company in (GROUP_COMPANY, home.name):
		valid_to = add_days(today(), 1500)
		add_licence("Company", company, "Business Licence", f"BL-{company}", valid_to=valid_to)
		for licence_type in LICENCES_FOR["Class III"]:
			add_licence(
				"Company",
				company,
				licence_type,
				f"{licence_type[:4]}-{company}",
				valid_to=valid_to,
				covers_class_iii=1,
			)
	if not frappe.db.exists("Supplier", GROUP_SUPPLIER):
		frappe.get_doc(
			{
				"doctype": "Supplier",
				"supplier_name": GROUP_SUPPLIER,
				"supplier_group": frappe.db.get_value("Supplier Group", {"is_group": 0}),
				"is_internal_supplier": 1,
				"represents_company": GROUP_COMPANY,
				"companies": [{"company": home.name}],
			}
		).insert()
	approve_first_business("Supplier", GROUP_SUPPLIER)


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


def bought(item_code, supplier, qty=5, bill_no=None, invoice=True, company=None, batch=None):
	"""A batch received from the supplier into the company's Stores (the test company's unless given) and released;
	billed by its invoice unless not `invoice`."""
	from erpnext.stock.doctype.purchase_receipt.purchase_receipt import make_purchase_invoice

	company = company or first_company()
	batch = batch or named_batch(f"2I-{frappe.generate_hash(length=6)}", item_code)
	stores = frappe.db.get_value("Warehouse", {"company": company, "is_group": 0, "warehouse_name": "Stores"})
	receipt = submit(
		{
			"doctype": "Purchase Receipt",
			"supplier": supplier,
			"items": [
				{
					"item_code": item_code,
					"qty": qty,
					"rate": 600,
					"warehouse": stores,
					"batch_no": batch,
					"use_serial_batch_fields": 1,
				}
			],
		},
		company=company,
	)
	if frappe.db.get_value("Batch", batch, "md_batch_status") != "Released":
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


def refused_with_nothing_written(doc, *names, submit_it=None):
	"""The submit refused as a request would end: its transaction rolled back, the draft as it was."""
	frappe.db.savepoint("md_two_invoice")
	with pytest.raises(TwoInvoiceError) as refusal:
		(submit_it or doc.submit)()
	frappe.db.rollback(save_point="md_two_invoice")
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
	refused_with_nothing_written(
		draft, WHOLESALER, submit_it=lambda: frappe.call("frappe.client.submit", doc=draft.as_dict())
	)


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


def test_goods_bought_through_one_of_the_groups_companies_are_followed_to_the_manufacturer():
	upstream = bought(STENT, MAKER, bill_no="04401001", company=GROUP_COMPANY)
	home = bought(STENT, GROUP_SUPPLIER, qty=3, bill_no="04401002", batch=upstream.batch)
	invoice = sale(HOSPITAL, STENT, upstream.batch)
	invoice.submit()  # the group's own invoice is not counted: the manufacturer's and ours are the two
	assert set(invoice.items[0].md_purchase_invoices.split("\n")) == {
		home.invoice.name,
		upstream.invoice.name,
	}
	with settings(two_invoice_group_invoices_count=1):
		refused_with_nothing_written(sale(HOSPITAL, STENT, upstream.batch, qty=1), GROUP_SUPPLIER, MAKER)


def test_an_invoice_that_moves_no_stock_bills_only_what_its_delivery_note_delivered():
	from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_invoice

	clean = bought(STENT, MAKER)
	typed = frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"company": first_company(),
			"customer": HOSPITAL,
			"items": [{"item_code": STENT, "qty": 1, "rate": 900, "batch_no": clean.batch}],
		}
	).insert()
	refused_with_nothing_written(typed, "delivery note")
	# a delivery to another customer does not show what this hospital got
	elsewhere = sale(PRIVATE, STENT, bought(STENT, WHOLESALER).batch, doctype="Delivery Note")
	elsewhere.submit()
	borrowed = make_sales_invoice(elsewhere.name)
	borrowed.customer = HOSPITAL
	borrowed.items[0].batch_no = clean.batch
	with pytest.raises(frappe.ValidationError, match="Customer must be equal"):
		borrowed.insert()  # ERPNext's own check, while the row names its delivery note
	borrowed.items[0].delivery_note = None  # the row keeps the delivery note's row only: refused too
	borrowed.insert()
	frappe.db.savepoint("md_two_invoice")
	with pytest.raises((frappe.DoesNotExistError, TwoInvoiceError)):
		borrowed.submit()
	frappe.db.rollback(save_point="md_two_invoice")
	assert frappe.db.get_value("Sales Invoice", borrowed.name, "docstatus") == 0


def test_a_repack_is_followed_to_the_batch_it_consumed():
	stock = bought(STENT, WHOLESALER)
	repacked = named_batch(f"2I-{frappe.generate_hash(length=6)}", STENT)
	stores = company_stores().stores
	submit(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Repack",
			"purpose": "Repack",
			"items": [
				{
					"item_code": STENT,
					"qty": 2,
					"s_warehouse": stores,
					"batch_no": stock.batch,
					"use_serial_batch_fields": 1,
				},
				{
					"item_code": STENT,
					"qty": 2,
					"t_warehouse": stores,
					"batch_no": repacked,
					"use_serial_batch_fields": 1,
					"is_finished_item": 1,
				},
			],
		}
	)
	release(repacked)
	refused_with_nothing_written(sale(HOSPITAL, STENT, repacked, qty=1), WHOLESALER, stock.invoice.name)


def test_a_receipt_billed_in_part_or_by_a_debit_note_does_not_show_its_chain():
	from erpnext.stock.doctype.purchase_receipt.purchase_receipt import make_purchase_invoice

	stock = bought(STENT, MAKER, invoice=False)
	part = make_purchase_invoice(stock.receipt)
	part.items[0].qty = 2
	part.bill_no = "04400901"
	part.insert()
	part.submit()
	refused_with_nothing_written(sale(HOSPITAL, STENT, stock.batch, qty=1), "not billed in full")


def test_a_purchase_invoice_a_sale_was_checked_against_cannot_be_cancelled():
	stock = bought(STENT, MAKER)
	sale(HOSPITAL, STENT, stock.batch).submit()
	purchase = frappe.get_doc("Purchase Invoice", stock.invoice.name)
	frappe.db.savepoint("md_two_invoice")
	with pytest.raises(TwoInvoiceError, match="cannot be cancelled"):
		purchase.cancel()
	frappe.db.rollback(save_point="md_two_invoice")
	assert frappe.db.get_value("Purchase Invoice", purchase.name, "docstatus") == 1


def test_a_return_that_names_no_sale_shows_no_chain():
	stock = bought(STENT, MAKER)
	returned = frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"company": first_company(),
			"customer": PRIVATE,
			"is_return": 1,
			"update_stock": 1,
			"items": [
				{
					"item_code": STENT,
					"qty": -3,
					"rate": 900,
					"warehouse": company_stores().stores,
					"batch_no": stock.batch,
					"use_serial_batch_fields": 1,
				}
			],
		}
	).insert()
	returned.submit()
	refused_with_nothing_written(sale(HOSPITAL, STENT, stock.batch, qty=1), returned.name)


def test_only_the_regulatory_roles_decide_who_is_first_and_what_is_under_the_rule():
	from tests.factories import ensure_user

	clerk = ensure_user("md-2i-item-manager@example.com", "Item Manager", "Stock User", "Sales User")
	frappe.set_user(clerk)
	try:
		certificate = frappe.get_doc("Registration Certificate", f"_Test MD Reg {STENT}")
		certificate.supplier, certificate.md_reason = WHOLESALER, "the wholesaler registered it"
		with pytest.raises(frappe.PermissionError, match="Regulatory Affairs Manager"):
			certificate.save()
		item = frappe.get_doc("Item", STENT)
		item.md_two_invoice_rule, item.md_reason = 0, "not under the rule any more"
		with pytest.raises(frappe.PermissionError, match="Regulatory Affairs Manager"):
			item.save()
	finally:
		frappe.set_user("Administrator")
	frappe.db.rollback()
	assert frappe.db.get_value("Registration Certificate", f"_Test MD Reg {STENT}", "supplier") == MAKER
	assert frappe.db.get_value("Item", STENT, "md_two_invoice_rule") == 1


def test_a_hospital_whose_address_leaves_a_province_under_the_rule_is_reviewed_again():
	customer = hospital(f"_Test MD 2I Moving {frappe.generate_hash(length=4)}")
	address_in(customer, PROVINCE)
	with settings(two_invoice_provinces="福建"):
		qualify_party("Customer", customer)
		address = frappe.get_doc(
			"Address",
			frappe.db.get_value("Dynamic Link", {"link_name": customer, "parenttype": "Address"}, "parent"),
		)
		address.state = "浙江省"
		address.save()
		status, remarks = frappe.db.get_value(
			"Customer", customer, ["md_first_business_status", "md_first_business_remarks"]
		)
		assert (status, remarks) == ("Pending", stored_texts.PROVINCE_AGAIN.text())
