"""Qualification: orders, receipts, deliveries and invoices of device items are blocked, naming what is missing,
until the party passed first-business review and holds a valid licence covering the device, and the item's
registration certificate is valid on the posting date. Nothing is written when a document is refused."""

import pytest

import frappe
from frappe.utils import add_days, today

from medical_devices.gsp.qualification import (
	QualificationError,
	first_business_prerequisites,
	review_first_business,
)
from tests.factories import (
	LICENCES_FOR,
	add_licence,
	approve_first_business,
	company_stores,
	ensure_item,
	ensure_party,
	ensure_user,
	outgoing_email_account,
	qualify_party,
	register_item,
	release,
	settings,
)

CLASS_II = "_Test MD Qual II"
CLASS_III = "_Test MD Qual III"
SUPPLIER = "_Test MD Qual Supplier"
CUSTOMER = "_Test MD Qual Customer"


@pytest.fixture(scope="module", autouse=True)
def records(frappe_site):
	for code, device_class, category in ((CLASS_II, "Class II", "14-01"), (CLASS_III, "Class III", "13-02")):
		ensure_item(code, device_class, valuation_rate=10, md_classification_code=category)
		register_item(code, device_class)
	ensure_party("Supplier", SUPPLIER)
	ensure_party("Customer", CUSTOMER)
	frappe.db.commit()  # nosemgrep: shared by this module's tests, each of which rolls back its own work
	yield


def ctx():
	"""The test company and its Stores warehouse, where this module's documents are made."""
	return company_stores()


def document(doctype, item=CLASS_II, **fields):
	row = {
		"item_code": item,
		"qty": 1,
		"rate": 10,
		"warehouse": ctx().stores,
		"schedule_date": add_days(today(), 5),
		"delivery_date": add_days(today(), 5),
	}
	party = {"supplier": SUPPLIER} if doctype.startswith("Purchase") else {"customer": CUSTOMER}
	extra = {}
	if doctype in ("Purchase Order",):
		extra["schedule_date"] = add_days(today(), 5)
	if doctype == "Sales Order":
		extra["delivery_date"] = add_days(today(), 5)
	return frappe.get_doc(
		{"doctype": doctype, "company": ctx().company, "items": [row], **party, **extra, **fields}
	)


def refused(doc, *fragments):
	"""The document is refused at validate with a message naming every fragment, and nothing is stored."""
	before = frappe.db.count(doc.doctype)
	with pytest.raises(QualificationError) as error:
		doc.insert()
	message = str(error.value)
	for fragment in fragments:
		assert fragment in message, message
	assert frappe.db.count(doc.doctype) == before
	return message


ORDER_DOCTYPES = [
	"Purchase Order",
	"Purchase Receipt",
	"Purchase Invoice",
	"Sales Order",
	"Delivery Note",
	"Sales Invoice",
]


@pytest.mark.parametrize("doctype", ORDER_DOCTYPES)
def test_unapproved_party_without_licences_is_refused_on_every_document(doctype):
	party_type = "Supplier" if doctype.startswith("Purchase") else "Customer"
	party = SUPPLIER if party_type == "Supplier" else CUSTOMER
	refused(
		document(doctype),
		"has not passed first-business review",
		party,
		"has no Business Licence / Medical Institution Practice Licence on file",
	)


@pytest.mark.parametrize("doctype", ORDER_DOCTYPES)
def test_qualified_party_may_trade(doctype):
	qualify_party("Supplier", SUPPLIER)
	qualify_party("Customer", CUSTOMER)
	doc = document(doctype)
	doc.insert()
	assert doc.name


def test_licence_must_cover_the_class_and_be_valid_on_the_posting_date():
	qualify_party("Customer", CUSTOMER, classes=("Class II",))
	message = refused(
		document("Sales Order", item=CLASS_III),
		"has no Distribution Licence / Medical Institution Practice Licence / Manufacturing Licence for Class III devices",
	)
	assert "Row #1" in message
	add_licence(
		"Customer",
		CUSTOMER,
		"Distribution Licence",
		"DL-OLD",
		valid_from=add_days(today(), -2000),
		valid_to=add_days(today(), -5),
		covers_class_iii=1,
	)
	refused(document("Sales Order", item=CLASS_III), "Distribution Licence", "DL-OLD", "expired on")
	# the same order dated before the licence ran out passes
	document(
		"Sales Order",
		item=CLASS_III,
		transaction_date=add_days(today(), -10),
		delivery_date=add_days(today(), -9),
	).insert()


def test_licence_scope_codes_limit_the_categories():
	qualify_party("Customer", CUSTOMER, classes=())
	add_licence(
		"Customer",
		CUSTOMER,
		"Class II Distribution Filing",
		"F2-SCOPE",
		valid_to=add_days(today(), 900),
		covers_class_ii=1,
		scope_codes="06, 07",
	)
	refused(document("Delivery Note"), "F2-SCOPE", "does not cover category", "14-01")
	frappe.db.set_value(
		"Qualification Certificate", {"certificate_number": "F2-SCOPE"}, "scope_codes", "06, 14"
	)
	document("Delivery Note").insert()


def test_revoked_licence_covers_nothing():
	qualify_party("Supplier", SUPPLIER)
	for name in frappe.get_all(
		"Qualification Certificate",
		{"party": SUPPLIER, "licence_type": "Class II Distribution Filing"},
		pluck="name",
	):
		frappe.db.set_value("Qualification Certificate", name, "disabled", 1)
	refused(document("Purchase Order"), "Distribution Licence", "does not cover Class II devices")


def test_item_registration_certificate_must_be_valid():
	qualify_party("Customer", CUSTOMER)
	number = frappe.db.get_value("Registration Certificate Item", {"item": CLASS_II}, "parent")
	frappe.db.set_value("Registration Certificate", number, "expiry_date", add_days(today(), -1))
	refused(document("Sales Invoice"), "registration certificate", number, "is not valid on")
	frappe.db.delete("Registration Certificate Item", {"item": CLASS_II})
	refused(document("Sales Invoice"), "has no registration or filing certificate")


def test_unapproved_device_item_is_refused():
	qualify_party("Supplier", SUPPLIER)
	frappe.db.set_value("Item", CLASS_II, "md_first_business_status", "Pending")
	refused(
		document("Purchase Receipt"), "device", CLASS_II, "has not passed first-business review (首营品种)"
	)


def test_returns_and_switched_off_checks_pass():
	qualify_party("Supplier", SUPPLIER)
	batch = frappe.get_doc({"doctype": "Batch", "batch_id": "QUAL-RET", "item": CLASS_II}).insert()
	receipt = document("Purchase Receipt", is_return=0)
	receipt.items[0].batch_no = batch.name
	receipt.items[0].use_serial_batch_fields = 1
	receipt.insert()
	receipt.submit()
	release(batch.name)
	# the supplier's licences lapse; returning the goods to it must still be possible
	for name in frappe.get_all("Qualification Certificate", {"party": SUPPLIER}, pluck="name"):
		frappe.db.set_value("Qualification Certificate", name, "disabled", 1)
	from erpnext.stock.doctype.purchase_receipt.purchase_receipt import make_purchase_return

	ret = make_purchase_return(receipt.name)
	ret.insert()
	ret.submit()
	assert (
		frappe.db.get_value("Stock Ledger Entry", {"voucher_no": ret.name, "is_cancelled": 0}, "actual_qty")
		== -1
	)
	with settings(check_licences=0, require_first_business_approval=0):
		document("Purchase Order").insert()


def test_first_business_review_needs_a_reviewer_and_the_licence_on_file():
	user = ensure_user("md-qual-buyer@example.com", "Purchase User")
	frappe.db.set_value("Supplier", SUPPLIER, "md_first_business_status", "Pending")
	frappe.set_user(user)
	with pytest.raises(frappe.PermissionError, match="Only a Quality Manager"):
		review_first_business("Supplier", SUPPLIER, "Approved")
	frappe.set_user("Administrator")
	for name in frappe.get_all("Qualification Certificate", {"party": SUPPLIER}, pluck="name"):
		frappe.db.set_value("Qualification Certificate", name, "disabled", 1)
	with pytest.raises(QualificationError, match="no valid business licence"):
		review_first_business("Supplier", SUPPLIER, "Approved")
	add_licence("Supplier", SUPPLIER, "Business Licence", "BL-NEW", valid_to=add_days(today(), 3000))
	assert review_first_business("Supplier", SUPPLIER, "Approved", "file complete") == "Approved"
	assert frappe.db.get_value(
		"Supplier", SUPPLIER, ["md_first_business_status", "md_first_business_approved_by"]
	) == ("Approved", "Administrator")
	with pytest.raises(frappe.ValidationError, match="reason for rejecting"):
		review_first_business("Supplier", SUPPLIER, "Rejected")
	assert review_first_business("Supplier", SUPPLIER, "Rejected", "licence forged") == "Rejected"
	versions = frappe.get_all("Version", {"ref_doctype": "Supplier", "docname": SUPPLIER}, pluck="data")
	assert any("md_first_business_status" in data for data in versions)


def test_qualification_certificate_validates_its_scope_and_keeps_its_records():
	with pytest.raises(frappe.ValidationError, match="Class II devices only"):
		add_licence(
			"Customer",
			CUSTOMER,
			"Class II Distribution Filing",
			"F2-BAD",
			valid_to=add_days(today(), 100),
			covers_class_ii=1,
			covers_class_iii=1,
		)
	with pytest.raises(frappe.ValidationError, match="Valid To"):
		add_licence("Customer", CUSTOMER, "Distribution Licence", "DL-NOEND", covers_class_iii=1)
	cert = add_licence(
		"Customer",
		CUSTOMER,
		"Distribution Licence",
		"DL-SOON",
		valid_to=add_days(today(), 20),
		covers_class_iii=1,
		scope_codes="06，07;13",
	)
	assert cert.status == "Expiring Soon" and cert.scope_codes == "06, 07, 13"
	with pytest.raises(frappe.ValidationError, match="kept"):
		cert.delete()


def test_certificate_reminders_go_out_once_per_window():
	from medical_devices.gsp.expiry_alerts import remind_expiring_certificates

	reviewer = ensure_user("md-qual-qa@example.com", "QA Reviewer")
	outgoing_email_account()
	cert = add_licence(
		"Supplier",
		SUPPLIER,
		"Distribution Licence",
		"DL-REMIND",
		valid_to=add_days(today(), 80),
		covers_class_iii=1,
	)
	assert cert.name in remind_expiring_certificates()
	assert cert.name not in remind_expiring_certificates()  # still inside the 90-day window: no second mail
	notes = frappe.get_all(
		"Notification Log", {"for_user": reviewer, "document_name": cert.name}, pluck="subject"
	)
	assert len(notes) == 1 and "DL-REMIND" in notes[0]
	assert frappe.db.exists("Email Queue", {"reference_name": cert.name})
	assert cert.name in remind_expiring_certificates(
		add_days(today(), 55)
	)  # 25 days left: the 30-day reminder


def test_registration_certificate_reminders_go_out_once_per_window():
	from medical_devices.gsp.expiry_alerts import remind_expiring_certificates

	number = frappe.db.get_value("Registration Certificate Item", {"item": CLASS_III}, "parent")
	frappe.db.set_value(
		"Registration Certificate", number, {"expiry_date": add_days(today(), 85), "last_reminder_days": 0}
	)
	assert number in remind_expiring_certificates()
	assert number not in remind_expiring_certificates(add_days(today(), 1))  # missed days do not matter
	assert number in remind_expiring_certificates(add_days(today(), 60))  # 25 days left: the 30-day reminder


def test_an_internal_customer_trades_on_the_licences_of_the_company_it_stands_for():
	"""A move to one of the group's own companies: the company it goes to holds the device licences like anyone else
	(in China every legal entity is licensed), and the party was reviewed as being that company."""
	company = ctx().company
	internal = frappe.db.get_value("Customer", {"is_internal_customer": 1, "represents_company": company})
	if not internal:
		internal = ensure_party("Customer", "_Test MD Qual Own Company")
		doc = frappe.get_doc("Customer", internal)
		doc.is_internal_customer = 1
		doc.represents_company = company
		doc.append("companies", {"company": company})
		doc.save()
	refused(document("Sales Order", customer=internal), company, "has not passed first-business review")
	add_licence("Company", company, "Business Licence", f"BL-{company}", valid_to=add_days(today(), 900))
	for licence_type in LICENCES_FOR["Class II"]:
		add_licence("Company", company, licence_type, f"{licence_type[:4]}-{company}", covers_class_ii=1)
	assert not first_business_prerequisites("Customer", internal)  # the company's business licence counts
	approve_first_business("Customer", internal)
	order = document("Sales Order", customer=internal).insert()
	assert order.name


def test_a_reviewed_party_saved_with_another_change_keeps_its_review():
	"""Its price list, say: an empty link that reads None when loaded and "" when saved is no new identity."""
	hospital = ensure_party("Customer", f"_Test MD Qual Kept {frappe.generate_hash(length=4)}")
	qualify_party("Customer", hospital)
	doc = frappe.get_doc("Customer", hospital)
	assert doc.represents_company is None
	doc.default_price_list = frappe.db.get_value("Price List", {"selling": 1})
	doc.md_reason = "Hospital price list"
	doc.save()
	assert frappe.db.get_value("Customer", hospital, "md_first_business_status") == "Approved"


def test_a_reviewed_party_flagged_as_one_of_the_groups_companies_is_reviewed_again():
	"""Otherwise an approved hospital whose licence lapsed could trade on the company's licences instead."""
	hospital = ensure_party("Customer", f"_Test MD Qual Flagged {frappe.generate_hash(length=4)}")
	qualify_party("Customer", hospital)
	doc = frappe.get_doc("Customer", hospital)
	doc.is_internal_customer = 1
	doc.represents_company = ctx().company
	doc.append("companies", {"company": ctx().company})
	doc.md_reason = "Inter-company sales"
	doc.save()
	status, approver = frappe.db.get_value(
		"Customer", hospital, ["md_first_business_status", "md_first_business_approved_by"]
	)
	assert (status, approver) == ("Pending", None)
	refused(document("Sales Order", customer=hospital), "has not passed first-business review")
