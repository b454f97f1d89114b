"""md-verify-audit sees everything stored: ERPNext's own flows, renames and rolled-back savepoints leave it green;
a direct SQL change of any controlled field or of a record of any app doctype, a record inserted with SQL, an
altered signature and a chain rewritten whole (against an anchor) are each found, several at once."""

import json

import pytest

import frappe
from frappe.utils import add_days, today

from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry
from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_invoice, make_sales_return
from erpnext.stock.doctype.purchase_receipt.purchase_receipt import make_purchase_invoice
from erpnext.stock.doctype.repost_item_valuation.repost_item_valuation import repost

from medical_devices.audit.trail import flush
from medical_devices.audit.verify import verify_audit
from tests.factories import (
	adverse_event_report,
	ensure_item,
	ensure_party,
	first_company_stores,
	qualify_party,
	register_item,
	release,
)

DEVICE = "_Test MD Verifier Device"
SERIAL_DEVICE = "_Test MD Verifier Serial Device"
PARTY = "_Test MD Verifier Party"


@pytest.fixture(scope="module", autouse=True)
def records(frappe_site):
	ensure_item(DEVICE, has_expiry_date=1, valuation_rate=10)
	ensure_item(SERIAL_DEVICE, has_batch_no=0, has_serial_no=1, valuation_rate=100)
	for item in (DEVICE, SERIAL_DEVICE):
		register_item(item)
	for doctype in ("Supplier", "Customer"):
		qualify_party(doctype, ensure_party(doctype, PARTY))
	frappe.db.commit()  # nosemgrep: shared by this module's tests, each of which rolls back its own work
	frappe.flags.pop("warehouse_account_map", None)
	yield


def problems(report=None):
	flush()
	report = report or verify_audit()
	return report.chain_problems + report.document_problems


def submitted(doc):
	"""Insert and submit, each in what would be a transaction of its own (the trail is chained at each commit)."""
	doc.insert()
	flush()
	doc.submit()
	flush()
	return doc


def new_batch(prefix="VER"):
	return frappe.get_doc(
		{
			"doctype": "Batch",
			"item": DEVICE,
			"batch_id": f"{prefix}-{frappe.generate_hash(length=6)}",
			"expiry_date": add_days(today(), 500),
		}
	).insert()


def purchase_receipt(batch, qty=10):
	company, stores = first_company_stores()
	return submitted(
		frappe.get_doc(
			{
				"doctype": "Purchase Receipt",
				"company": company,
				"supplier": PARTY,
				"items": [
					{
						"item_code": DEVICE,
						"qty": qty,
						"rate": 10,
						"warehouse": stores,
						"batch_no": batch.name,
						"use_serial_batch_fields": 1,
					},
					{
						"item_code": SERIAL_DEVICE,
						"qty": 2,
						"rate": 100,
						"warehouse": stores,
						"serial_no": "\n".join(f"VER-SN-{frappe.generate_hash(length=6)}" for _ in range(2)),
						"use_serial_batch_fields": 1,
					},
				],
			}
		)
	)


def repost_valuation_after(voucher):
	"""What ERPNext's hourly repost job does for this late entry (that one only, without committing)."""
	frappe.flags.in_test, in_test = True, frappe.flags.in_test
	try:
		for name in frappe.get_all("Repost Item Valuation", {"voucher_no": voucher.name}, pluck="name"):
			repost(frappe.get_doc("Repost Item Valuation", name))
	finally:
		frappe.flags.in_test = in_test
	flush()


def test_erpnexts_own_flows_of_a_device_leave_the_verifier_green():
	"""Receipt, purchase invoice, landed cost, delivery, sales invoice, payment and return: ERPNext rewrites
	quantities, statuses and billed amounts of other documents with SQL; only the documented fields may be left
	out of the hash, and every other change must have its entry."""
	company, stores = first_company_stores()
	batch = new_batch()
	receipt = purchase_receipt(batch)
	release(batch.name)
	serials = receipt.items[1].serial_no.split("\n") if receipt.items[1].serial_no else []
	invoice = make_purchase_invoice(receipt.name)
	invoice.bill_no, invoice.bill_date = "VER-BILL", today()
	submitted(invoice)

	landed = frappe.new_doc("Landed Cost Voucher")
	landed.company = company
	landed.append(
		"purchase_receipts",
		{"receipt_document_type": "Purchase Receipt", "receipt_document": receipt.name, "supplier": PARTY},
	)
	landed.get_items_from_purchase_receipts()
	landed.append(
		"taxes",
		{
			"description": "Freight",
			"expense_account": frappe.get_cached_value("Company", company, "default_expense_account"),
			"amount": 50,
		},
	)
	landed.distribute_charges_based_on = "Amount"
	submitted(landed)

	delivery = submitted(
		frappe.get_doc(
			{
				"doctype": "Delivery Note",
				"company": company,
				"customer": PARTY,
				"items": [
					{
						"item_code": DEVICE,
						"qty": 4,
						"rate": 30,
						"warehouse": stores,
						"batch_no": batch.name,
						"use_serial_batch_fields": 1,
					},
					{
						"item_code": SERIAL_DEVICE,
						"qty": 1,
						"rate": 300,
						"warehouse": stores,
						"serial_no": serials[0] if serials else None,
						"use_serial_batch_fields": 1,
					},
				],
			}
		)
	)
	sales_invoice = make_sales_invoice(delivery.name)
	submitted(sales_invoice)
	payment = get_payment_entry("Sales Invoice", sales_invoice.name)
	payment.reference_no, payment.reference_date = "VER-PAY", today()
	submitted(payment)
	returned = make_sales_return(delivery.name)
	for row in returned.items:
		row.qty = -1
	submitted(returned)

	# a receipt posted late, before all of the above: ERPNext reposts the valuation of every later document
	late = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Receipt",
			"purpose": "Material Receipt",
			"company": company,
			"set_posting_time": 1,
			"posting_date": add_days(today(), -10),
			"items": [
				{
					"item_code": DEVICE,
					"qty": 5,
					"basic_rate": 40,
					"t_warehouse": stores,
					"batch_no": batch.name,
					"use_serial_batch_fields": 1,
				}
			],
		}
	)
	submitted(late)
	repost_valuation_after(late)
	assert frappe.db.get_value("Delivery Note Item", delivery.items[0].name, "incoming_rate") != 10

	assert problems() == []


def test_a_rolled_back_savepoint_leaves_no_entry_for_the_undone_write():
	batch = new_batch()
	flush()
	before = frappe.db.count("Audit Trail Entry", {"ref_doctype": "Batch", "ref_name": batch.name})
	frappe.db.savepoint("md_undone")
	doc = frappe.get_doc("Batch", batch.name)
	doc.description = "undone"
	doc.md_reason = "Will be rolled back"
	doc.save()
	frappe.db.rollback(save_point="md_undone")
	assert problems() == []
	assert frappe.db.count("Audit Trail Entry", {"ref_doctype": "Batch", "ref_name": batch.name}) == before


def test_renaming_an_item_a_customer_and_a_user_keeps_the_trail_green():
	from tests.factories import ensure_user

	code = ensure_item(f"_Test MD Verifier Rename {frappe.generate_hash(length=4)}", valuation_rate=10)
	batch = frappe.get_doc(
		{"doctype": "Batch", "item": code, "batch_id": f"VR-{frappe.generate_hash(length=5)}"}
	)
	batch.insert()
	customer = ensure_party("Customer", f"_Test MD Verifier Renamed {frappe.generate_hash(length=4)}")
	qualify_party("Customer", customer)
	user = ensure_user(f"md-verifier-{frappe.generate_hash(length=4)}@example.com", "Quality Manager")
	frappe.set_user(user)
	release(batch.name, "Released by the user who is renamed next")
	frappe.set_user("Administrator")
	assert problems() == []

	frappe.form_dict["md_reason"] = "Item code harmonised"
	try:
		renamed_item = frappe.rename_doc("Item", code, f"{code} R")
		renamed_customer = frappe.rename_doc("Customer", customer, f"{customer} R")
		renamed_user = frappe.rename_doc("User", user, f"renamed-{user}")
	finally:
		frappe.form_dict.pop("md_reason", None)
	assert frappe.db.get_value("Batch", batch.name, "item") == renamed_item
	assert frappe.db.get_value("Batch", batch.name, "md_status_changed_by") == renamed_user
	assert problems() == []
	entries = frappe.get_all(
		"Audit Trail Entry",
		filters={"ref_doctype": "Batch", "ref_name": batch.name},
		fields=["changes"],
		order_by="name asc",
	)
	renamed = [json.loads(row.changes).get("links_renamed") for row in entries]
	assert ["Item", code, renamed_item] in renamed and ["User", user, renamed_user] in renamed
	assert frappe.db.exists("Customer", renamed_customer)


# --- detection: every controlled field, a record of every app doctype, several problems at once -------------


def demo_records():
	"""The demo company's records (recalls, cost entries, a write-off, licences, certificates, a cold-chain log),
	and one each of the app doctypes it has none of."""
	from medical_devices.demo import create_demo_data

	create_demo_data()
	company = (
		frappe.db.get_value("Company", {"company_name": ("like", "%康达%")}) or first_company_stores()[0]
	)
	patient = frappe.get_doc(
		{
			"doctype": "Patient Record",
			"company": first_company_stores()[0],
			"patient_name": "王五",
			"patient_age": "54",
		}
	).insert()
	adverse_event_report(
		DEVICE, frappe.utils.add_to_date(frappe.utils.now_datetime(), hours=-3), patient=patient.name
	).insert()
	frappe.get_doc({"doctype": "Ledger Reconciliation", "company": company, "as_of_date": today()}).insert()
	observed_go_live(company)
	frappe.get_doc(
		{
			"doctype": "Go-Live Opening",
			"company": company,
			"reason": "首营资料已核对",
			"decisions": [
				{"record_type": "Item", "record": DEVICE, "decision": "Approved for First Business"}
			],
		}
	).insert()
	frappe.get_doc({"doctype": "Cash Forecast", "company": company, "start_date": today()}).insert()
	frappe.get_doc(
		{"doctype": "Device Data Export", "regulator": "NMPA UDID", "file_format": "XML", "item": DEVICE}
	).insert()
	frappe.get_doc(
		{
			"doctype": "Annual Self Inspection",
			"company": company,
			"year": frappe.utils.getdate().year - 1,
			"enterprise_kind": "Distributor",
		}
	).insert()
	from medical_devices.audit.signature import REVIEW, write_signature

	write_signature(frappe.get_last_doc("Device Write Off"), REVIEW, "Reviewed")
	flush()


def observed_go_live(company):
	"""A go-live observation of the company with one refusal it observed, ended."""
	from medical_devices.golive import end_observation, record_refusal
	from medical_devices.gsp.qualification import QualificationError

	observation = frappe.get_doc({"doctype": "Go-Live Observation", "company": company}).insert()
	customer = frappe.get_doc("Customer", frappe.get_all("Customer", limit=1, pluck="name")[0])
	customer.company = company
	record_refusal(
		observation.name,
		"Qualification (Licences and First Business)",
		customer,
		QualificationError("a licence was missing"),
	)
	end_observation(observation.name)


def tampered_value(fieldtype, value):
	if fieldtype in ("Int", "Check", "Float", "Currency", "Percent"):
		return 0 if value else 1
	if fieldtype == "Date":
		return "2001-01-01" if str(value) != "2001-01-01" else "2002-02-02"
	if fieldtype == "Datetime":
		return "2001-01-01 01:01:01"
	if fieldtype in ("Link", "Dynamic Link"):
		return None if value else "Administrator"
	return f"{value or ''} tampered"


def sql_change(doctype, name, fieldname):
	"""Change one stored field with SQL, as someone with database access would; for a child table, its first row."""
	meta = frappe.get_meta(doctype)
	field = meta.get_field(fieldname)
	if field.fieldtype in ("Table", "Table MultiSelect"):
		child = frappe.get_meta(field.options)
		column = next(f for f in child.fields if f.fieldtype in ("Data", "Float", "Int", "Link", "Datetime"))
		row = frappe.db.get_value(field.options, {"parent": name, "parentfield": fieldname}, "name")
		if not row:  # an empty table: a row appears
			frappe.db.sql(
				f"insert into `tab{field.options}` (name, parent, parenttype, parentfield, idx) values (%s, %s, %s, %s, 99)",
				(frappe.generate_hash(length=10), name, doctype, fieldname),
			)
			return
		current = frappe.db.get_value(field.options, row, column.fieldname)
		value = tampered_value(column.fieldtype, current)
		frappe.db.sql(
			f"update `tab{field.options}` set `{column.fieldname}` = %s where name = %s", (value, row)
		)
		return
	if meta.issingle:
		frappe.db.sql(
			"update tabSingles set value = %s where doctype = %s and field = %s",
			("tampered", doctype, fieldname),
		)
		return
	current = frappe.db.get_value(doctype, name, fieldname)
	frappe.db.sql(
		f"update `tab{doctype}` set `{fieldname}` = %s where name = %s",
		(tampered_value(field.fieldtype, current), name),
	)


def sample(doctype):
	"""A record of `doctype` that has trail entries."""
	return frappe.db.sql(
		f"""select d.name from `tab{doctype}` d where exists (select 1 from `tabAudit Trail Entry` e
		where e.ref_doctype = %s and e.ref_name = d.name) order by d.creation desc limit 1""",
		doctype,
	)[0][0]


def found(doctype, name) -> list[str]:
	report = verify_audit(documents=[(doctype, name)])
	return report.document_problems


def test_a_direct_sql_change_of_every_controlled_field_is_found():
	from medical_devices.controls import CONTROLS

	demo_records()
	missed = []
	for control in CONTROLS:
		name = sample(control.doctype)
		for fieldname in control.fields:
			frappe.db.savepoint("md_tamper")
			sql_change(control.doctype, name, fieldname)
			if not [p for p in found(control.doctype, name) if "changed outside the app" in p]:
				missed.append(f"{control.doctype}.{fieldname}")
			frappe.db.rollback(save_point="md_tamper")
	assert missed == []


def stored_value_field(doctype):
	skipped = {"name", "owner", "creation", "modified", "modified_by", "docstatus", "idx"}
	for field in frappe.get_meta(doctype).fields:
		if field.fieldtype in (
			"Data",
			"Small Text",
			"Text",
			"Int",
			"Float",
			"Check",
			"Select",
			"Date",
			"Code",
			"Long Text",
		):
			if field.fieldname not in skipped:
				return field.fieldname
	raise AssertionError(f"no value field on {doctype}")


def test_a_direct_sql_change_of_a_record_of_every_app_doctype_is_found():
	from medical_devices.audit.scope import app_modules, audited_doctypes

	demo_records()
	app_doctypes = [
		name
		for name in frappe.get_all("DocType", {"module": ("in", app_modules()), "istable": 0}, pluck="name")
		if name in audited_doctypes()
	]
	assert len(app_doctypes) >= 16
	missed = []
	for doctype in app_doctypes:
		name = doctype if frappe.get_meta(doctype).issingle else sample(doctype)
		frappe.db.savepoint("md_tamper")
		sql_change(doctype, name, stored_value_field(doctype))
		if not [p for p in found(doctype, name) if "changed outside the app" in p]:
			missed.append(doctype)
		frappe.db.rollback(save_point="md_tamper")
	assert missed == []


def test_one_run_lists_every_kind_of_problem_at_once():
	demo_records()
	batch = sample("Batch")
	recall = sample("Device Recall")
	frappe.db.sql(
		"""update tabBatch set md_batch_status = if(md_batch_status = 'Released', 'Quarantine', 'Released')
		where name = %s""",
		batch,
	)
	frappe.db.sql(
		"update `tabDevice Recall` set status = if(status = 'Closed', 'Open', 'Closed') where name = %s",
		recall,
	)
	signature = frappe.db.get_value("Electronic Signature", {}, "name", order_by="name desc")
	frappe.db.sql("update `tabElectronic Signature` set meaning = 'Approved' where name = %s", signature)
	smuggled = f"SQL-{frappe.generate_hash(length=6)}"
	frappe.db.sql(
		"""insert into tabBatch (name, batch_id, item, md_batch_status, creation, modified, owner, modified_by)
		values (%s, %s, %s, 'Released', now(), now(), 'Administrator', 'Administrator')""",
		(smuggled, smuggled, DEVICE),
	)
	middle = frappe.db.sql("select max(name) div 2 from `tabAudit Trail Entry`")[0][0]
	frappe.db.sql("update `tabAudit Trail Entry` set reason = 'edited' where name = %s", middle)

	report = verify_audit()
	listed = report.chain_problems + report.document_problems
	assert f"Entry {middle} was altered after it was written." in listed
	assert any(batch in p and "changed outside" in p for p in listed)
	assert any(recall in p and "changed outside" in p for p in listed)
	assert any(f"Electronic Signature {signature} was altered" in p for p in listed)
	assert any(smuggled in p and "no audit trail entry" in p for p in listed)
	assert not report.ok


def test_an_altered_hash_definition_is_found_not_trusted():
	batch = new_batch()
	flush()
	key = frappe.db.get_value("Audit Trail Entry", {"ref_name": batch.name}, "state_hash").split(":")[0]
	frappe.db.sql(
		"update `tabAudit Hash Definition` set definition = %s where name = %s",
		('{"Batch": ["batch_qty", "expiry_date"]}', key),
	)
	assert any("was altered" in p for p in found("Batch", batch.name))


def test_an_anchor_catches_a_chain_rewritten_whole_head_included(tmp_path):
	from medical_devices.audit import chain
	from medical_devices.audit.anchor import export_anchor, read_anchor

	new_batch()
	flush()
	path, anchor = export_anchor(str(tmp_path / "anchor.json"))
	assert read_anchor(path)["sequence"] == anchor["sequence"] > 0
	assert verify_audit(check_documents=False, anchor=anchor).ok

	# someone with database access edits an early entry and recomputes every hash after it, and the head
	rows = frappe.db.sql(
		f"select name as sequence, {', '.join(f for f in chain.HASHED_FIELDS if f != 'sequence')}, previous_hash, entry_hash "
		"from `tabAudit Trail Entry` order by name",
		as_dict=True,
	)
	rows[0]["reason"] = "rewritten"
	previous = chain.GENESIS_HASH
	for row in rows:
		row["previous_hash"] = previous
		row["entry_hash"] = previous = chain.entry_hash(previous, row)
		frappe.db.sql(
			"update `tabAudit Trail Entry` set reason = %s, previous_hash = %s, entry_hash = %s where name = %s",
			(row["reason"], row["previous_hash"], row["entry_hash"], row["sequence"]),
		)
	frappe.db.sql(
		"update tabSingles set value = %s where doctype = 'Audit Chain Head' and field = 'last_hash'",
		previous,
	)
	assert verify_audit(check_documents=False).ok  # consistent in itself
	rewritten = verify_audit(check_documents=False, anchor=read_anchor(path))
	assert rewritten.chain_problems == [
		f"Entry {anchor['sequence']} differs from the anchor exported earlier: the chain was rewritten."
	]


def test_records_of_a_doctype_audited_later_get_their_baseline():
	from medical_devices.audit.scope import clear_audited_doctypes_cache
	from medical_devices.audit.trail import baseline, unrecorded

	company, stores = first_company_stores()
	existing = frappe.get_doc(
		{
			"doctype": "Material Request",
			"material_request_type": "Purchase",
			"company": company,
			"schedule_date": add_days(today(), 7),
			"items": [
				{"item_code": DEVICE, "qty": 1, "warehouse": stores, "schedule_date": add_days(today(), 7)}
			],
		}
	).insert()
	flush()
	settings = frappe.get_single("Medical Device Settings")
	settings.append("audited_doctypes", {"audited_doctype": "Material Request"})
	settings.md_reason = "Purchase requests are regulated records too"
	settings.save()
	clear_audited_doctypes_cache()
	assert existing.name in unrecorded("Material Request")
	assert any(existing.name in p for p in problems())  # until its baseline, which the save queued
	baseline(["Material Request"])  # what the queued job runs (it commits; here the chain is appended now)
	flush()
	assert existing.name not in unrecorded("Material Request")
	assert problems() == []


# --- a change made outside the app stays found, whatever is saved over it -----------------------------------


def quality_manager():
	from tests.factories import ensure_user

	# a manager who may read the records whose changes they acknowledge
	return ensure_user(
		"md-verifier-qm@example.com", "Quality Manager", "Sales User", "Stock User", "Item Manager"
	)


def test_a_change_made_outside_the_app_stays_found_after_later_saves_until_acknowledged():
	from medical_devices.audit.verify import acknowledge_outside_change

	batch = new_batch()
	flush()
	frappe.db.sql("update tabBatch set expiry_date = '2031-01-01' where name = %s", batch.name)  # by SQL
	doc = frappe.get_doc("Batch", batch.name)
	doc.description = "An ordinary change on top"
	doc.md_reason = "Label text corrected"
	doc.save()  # the save that used to erase the evidence
	found = [p for p in problems() if batch.name in p]
	assert len(found) == 1 and "found changed outside the app" in found[0]
	entry = frappe.db.get_value(
		"Audit Trail Entry", {"ref_name": batch.name, "action": "Changed Outside"}, "name"
	)
	with pytest.raises(frappe.PermissionError, match="another person acknowledges it"):
		acknowledge_outside_change(entry, "It was me, all fine")  # whose write found it
	frappe.set_user(quality_manager())
	try:
		with pytest.raises(frappe.ValidationError, match="Describe what was found"):
			acknowledge_outside_change(entry, " ")
		acknowledge_outside_change(
			entry, "Expiry corrected by the supplier's letter; SQL fix by IT, ticket 42"
		)
	finally:
		frappe.set_user("Administrator")
	assert [p for p in problems() if batch.name in p] == []


def test_a_direct_write_and_a_save_in_one_transaction_are_found():
	"""A server script's frappe.db.set_value followed by an ordinary save of the same record."""
	customer = ensure_party("Customer", f"_Test MD Verifier Laundered {frappe.generate_hash(length=4)}")
	flush()
	frappe.db.set_value(
		"Customer",
		customer,
		{"md_first_business_status": "Approved", "md_first_business_approved_by": "Guest"},
	)
	doc = frappe.get_doc("Customer", customer)
	doc.customer_details = "contact details corrected"
	doc.md_reason = "contact details corrected"
	doc.save()
	assert [p for p in problems() if customer in p and "found changed outside" in p]


def test_erpnexts_daily_and_bookkeeping_writes_are_not_taken_for_tampering(monkeypatch):
	"""The daily Overdue status of invoices, an address edit (the customer's address display), renaming a record
	a single document links to."""
	from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return
	from erpnext.controllers import accounts_controller

	company, _stores = first_company_stores()
	invoice = frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"company": company,
			"customer": PARTY,
			"due_date": today(),
			"items": [{"item_code": "_Test Item", "qty": 1, "rate": 100}],
		}
	)
	if not frappe.db.exists("Item", "_Test Item"):
		invoice.items[0].item_code = DEVICE
		invoice.update_stock = 0
	submitted(invoice)
	tomorrow = add_days(today(), 2)
	monkeypatch.setattr(accounts_controller, "getdate", lambda *a, **k: frappe.utils.getdate(tomorrow))
	accounts_controller.update_invoice_status()
	assert frappe.db.get_value("Sales Invoice", invoice.name, "status") == "Overdue"

	address = frappe.get_doc(
		{
			"doctype": "Address",
			"address_title": PARTY,
			"address_line1": "1 Hospital Road",
			"city": "Shanghai",
			"country": frappe.db.get_value("Company", company, "country"),
			"is_primary_address": 1,
			"links": [{"link_doctype": "Customer", "link_name": PARTY}],
		}
	).insert()
	address.address_line1 = "2 Other Road"
	address.save()

	role = frappe.get_doc(
		{"doctype": "Role", "role_name": f"_Test MD Alert {frappe.generate_hash(length=4)}"}
	).insert()
	settings = frappe.get_single("Medical Device Settings")
	settings.append("alert_roles", {"role": role.name})
	settings.md_reason = "Alert the test role too"
	settings.save()
	flush()
	frappe.rename_doc("Role", role.name, f"{role.name} Renamed")
	assert problems() == []


def committed():
	"""What another request would see (the committed chain) from here on: the trail is chained at the commit."""
	frappe.db.commit()  # nosemgrep: these tests are about what other transactions committed


def acknowledged(*refs):
	"""The findings of a test that committed them, acknowledged, so that the site's trail is green again."""
	from medical_devices.audit.verify import acknowledge_outside_change

	frappe.set_user(quality_manager())
	try:
		for doctype, name in refs:
			for entry in frappe.get_all(
				"Audit Trail Entry",
				filters={"ref_doctype": doctype, "ref_name": name, "action": "Changed Outside"},
				pluck="name",
			):
				acknowledge_outside_change(entry, "Made by the test on purpose")
	finally:
		frappe.set_user("Administrator")
	committed()
	assert not [p for p in problems() if any(name in p for _doctype, name in refs)]


def test_a_direct_write_after_a_save_in_one_transaction_is_found():
	"""The save's entry keeps what the save wrote; what is stored at the commit is a Changed Outside entry."""
	customer = ensure_party("Customer", f"_Test MD Verifier After Save {frappe.generate_hash(length=4)}")
	flush()
	doc = frappe.get_doc("Customer", customer)
	doc.customer_details = "harmless change"
	doc.save()
	frappe.db.set_value("Customer", customer, "md_first_business_status", "Approved")  # after the save
	flush()
	entries = frappe.get_all(
		"Audit Trail Entry",
		filters={"ref_doctype": "Customer", "ref_name": customer},
		fields=["action", "changes"],
		order_by="name asc",
	)
	assert [row.action for row in entries][-2:] == ["Update", "Changed Outside"]
	assert [p for p in problems() if customer in p and "found changed outside" in p]


def test_renaming_does_not_hide_a_change_made_outside_the_app():
	"""Neither of the renamed record nor of the records whose links the rename rewrote."""
	code = ensure_item(f"_Test MD Verifier Plain {frappe.generate_hash(length=4)}", None)
	batch = frappe.get_doc(
		{"doctype": "Batch", "item": code, "batch_id": f"VO-{frappe.generate_hash(length=5)}"}
	).insert()
	customer = ensure_party("Customer", f"_Test MD Verifier Renamed Out {frappe.generate_hash(length=4)}")
	committed()
	frappe.db.set_value("Customer", customer, "md_first_business_status", "Approved")  # around the app
	frappe.db.sql("update tabBatch set description = 'rewritten' where name = %s", batch.name)
	committed()
	frappe.form_dict["md_reason"] = "Registered name changed"
	try:
		customer = frappe.rename_doc("Customer", customer, f"{customer} Ltd")
		frappe.rename_doc("Item", code, f"{code} R")
	finally:
		frappe.form_dict.pop("md_reason", None)
	committed()
	found = problems()
	assert [p for p in found if customer.removesuffix(" Ltd") in p and "found changed outside" in p], found
	assert [p for p in found if batch.name in p and "found changed outside" in p], found
	acknowledged(("Customer", customer.removesuffix(" Ltd")), ("Customer", customer), ("Batch", batch.name))


def test_a_write_beneath_another_documents_compares_the_record_as_committed(monkeypatch):
	"""ERPNext's own SQL earlier in the same transaction is not an outside change; a committed one is."""
	from medical_devices.audit import trail

	batch = new_batch("NESTED")
	committed()
	monkeypatch.setattr(trail, "inside_a_write", lambda doc: True)  # as if saved by another document's write
	frappe.db.sql(
		"update tabBatch set description = 'by ERPNext in this transaction' where name = %s", batch.name
	)
	doc = frappe.get_doc("Batch", batch.name)
	doc.md_reason = "A nested save"
	doc.save()
	committed()
	assert [p for p in problems() if batch.name in p] == []

	frappe.db.sql("update tabBatch set expiry_date = '2032-02-02' where name = %s", batch.name)
	committed()  # a change around the app, committed by another transaction
	doc = frappe.get_doc("Batch", batch.name)
	doc.md_reason = "A nested save again"
	doc.save()
	committed()
	assert [p for p in problems() if batch.name in p and "found changed outside" in p]
	acknowledged(("Batch", batch.name))


def test_the_apps_direct_writes_do_not_hide_a_change_made_outside_the_app():
	from medical_devices.gsp.batch_status import set_batch_status

	batch = new_batch("DIRECT")
	committed()
	frappe.db.sql("update tabBatch set expiry_date = '2033-03-03' where name = %s", batch.name)
	committed()
	set_batch_status(batch.name, "Blocked", "Complaint", check_role=False)
	committed()
	assert [p for p in problems() if batch.name in p and "found changed outside" in p]
	acknowledged(("Batch", batch.name))


# --- the doctypes change: fields added, the hash definition of an older version -----------------------------


def test_a_field_added_to_an_audited_doctype_changes_no_records_hash():
	"""A consultant's custom field (empty, or a check box that is off, in every record) is not a change of each."""
	batch = new_batch("FIELD").name
	frappe.db.commit()  # nosemgrep: chained at the commit
	added = []
	try:
		for fieldname, fieldtype in (("md_test_note", "Data"), ("md_test_flag", "Check")):
			added.append(
				frappe.get_doc(
					{
						"doctype": "Custom Field",
						"dt": "Batch",
						"fieldname": fieldname,
						"label": fieldname,
						"fieldtype": fieldtype,
						"insert_after": "description",
					}
				).insert()
			)
		frappe.clear_cache(doctype="Batch")
		assert verify_audit(documents=[("Batch", batch)]).ok
		frappe.db.set_value("Batch", batch, "md_test_note", "written around the app")
		frappe.db.commit()  # nosemgrep: as a server script would
		assert not verify_audit(documents=[("Batch", batch)]).ok
	finally:
		frappe.db.set_value("Batch", batch, "md_test_note", None)
		for field in added:
			field.delete()
		frappe.clear_cache(doctype="Batch")
		frappe.db.commit()  # nosemgrep


def test_the_upgrade_rehashes_what_still_matches_and_keeps_reporting_what_was_changed(monkeypatch):
	"""Entries of the version before (a definition that kept empty values) get a Baseline under today's, unless
	the record was changed around the app meanwhile."""
	from medical_devices.audit import state
	from medical_devices.audit.trail import entries_of
	from medical_devices.patches.v0_3 import audit_empty_values

	today_definition = state.definition

	def older_definition(doctype):
		value = today_definition(doctype)
		value.pop("empty_left_out", None)
		return value

	monkeypatch.setattr(state, "definition", older_definition)
	kept, changed = new_batch("OLD-KEPT").name, new_batch("OLD-CHANGED").name
	frappe.db.commit()  # nosemgrep: chained at the commit
	monkeypatch.setattr(state, "definition", today_definition)
	old_key = entries_of("Batch", kept)[-1].state_hash.split(":")[0]
	assert old_key != state.current_definition_key("Batch")
	frappe.db.sql("update tabBatch set description = 'changed around the app' where name = %s", changed)
	frappe.db.commit()  # nosemgrep: as someone with database access would

	audit_empty_values.execute()

	assert entries_of("Batch", kept)[-1].action == "Baseline"
	assert entries_of("Batch", kept)[-1].state_hash.startswith(state.current_definition_key("Batch"))
	assert entries_of("Batch", changed)[-1].state_hash.startswith(old_key)
	assert verify_audit(documents=[("Batch", kept)]).ok
	assert not verify_audit(documents=[("Batch", changed)]).ok
	frappe.db.sql("update tabBatch set description = null where name = %s", changed)
	frappe.db.commit()  # nosemgrep


def test_the_database_walk_of_the_chain_and_pythons_agree_entry_by_entry():
	"""The database recomputes each hash with SHA2 over its own JSON of the entry; where that JSON differs from
	Python's (an escaped control character), Python decides. Intact odd content passes, every kind of tampering is
	found by both walks alike."""
	from medical_devices.audit import chain
	from medical_devices.audit.trail import lock_head, move_head
	from medical_devices.audit.verify import AuditReport, canonical_sql, verify_entries

	def walks(anchor=None):
		reports = []
		for in_database in (True, False):
			report = AuditReport()
			verify_entries(report, anchor, in_database=in_database)
			reports.append((report.entries, report.chain_problems))
		assert reports[0] == reports[1]
		return reports[0][1]

	for _ in range(20):
		new_batch()
	flush()
	sequence, previous = lock_head()
	odd = [
		'控制字符 \x0b\x1f\x00 引号 " 反斜杠 \\ / 表情 😀 \u2028 end',
		None,
		"<b>'&'</b>\t\n\r",
	]
	for reason in odd:
		sequence += 1
		entry = {
			"sequence": sequence,
			"timestamp": "2026-12-06T08:00:00.000000Z",
			"user": "qa@example.com",
			"ip_address": None,
			"ref_doctype": "Batch",
			"ref_name": "ODD-1",
			"action": "Update",
			"reason": reason,
			"changes": chain.canonical({"changed": [["description", None, reason]]}),
			"state_hash": None,
			"previous_hash": previous,
		}
		entry["entry_hash"] = previous = chain.entry_hash(previous, entry)
		frappe.db.sql(
			"""insert into `tabAudit Trail Entry` (name, creation, modified, owner, modified_by, timestamp, user,
			ip_address, ref_doctype, ref_name, action, reason, changes, state_hash, previous_hash, entry_hash)
			values (%(sequence)s, now(), now(), 'Administrator', 'Administrator', %(timestamp)s, %(user)s,
			%(ip_address)s, %(ref_doctype)s, %(ref_name)s, %(action)s, %(reason)s, %(changes)s, %(state_hash)s,
			%(previous_hash)s, %(entry_hash)s)""",
			entry,
		)
	move_head(sequence, previous)
	assert walks() == []

	last = sequence
	first = frappe.db.sql("select min(name) from `tabAudit Trail Entry`")[0][0]
	anchor = {"sequence": last - 1, "entry_hash": "0" * 64}
	table = "`tabAudit Trail Entry`"
	frappe.db.sql(f"update {table} set reason = concat(reason, '\x0b') where name = %s", last - 2)
	frappe.db.sql(f"delete from {table} where name = %s", first + 1)
	frappe.db.sql(f"update {table} set previous_hash = null where name = %s", first + 3)
	frappe.db.sql(f"update {table} set entry_hash = null where name = %s", first + 5)
	# equal under the columns' collation, not as stored: still a change
	frappe.db.sql(f"update {table} set entry_hash = upper(entry_hash) where name = %s", first + 7)
	frappe.db.sql(f"update {table} set previous_hash = concat(previous_hash, ' ') where name = %s", first + 9)
	frappe.db.sql(f"delete from {table} where name = %s", last)
	problems = walks(anchor)
	assert problems == [
		f"Entry {first + 1} is missing (the next one is {first + 2}).",
		f"Entry {first + 3} does not point to the entry before it.",
		f"Entry {first + 3} was altered after it was written.",
		f"Entry {first + 5} was altered after it was written.",
		f"Entry {first + 6} does not point to the entry before it.",
		f"Entry {first + 7} was altered after it was written.",
		f"Entry {first + 8} does not point to the entry before it.",
		f"Entry {first + 9} does not point to the entry before it.",
		f"Entry {first + 9} was altered after it was written.",
		f"Entry {last - 2} was altered after it was written.",
		f"Entry {last - 1} differs from the anchor exported earlier: the chain was rewritten.",
		f"The chain ends at entry {last - 1} but its head records entry {last}.",
	]

	# what an insider tried against the database walk: an entry re-hashed over the database's own JSON of a
	# control character, the lowest sequence a BIGINT holds, the anchor's entry without a hash, and a server whose
	# sql_mode binds NOT tighter than comparisons
	forged = first + 11
	frappe.db.sql(f"update {table} set reason = 'tab\x0bhere' where name = %s", forged)
	frappe.db.sql(
		f"""update {table} e set entry_hash = sha2(concat(previous_hash, {canonical_sql("e")}), 256)
		where name = %s""",
		forged,
	)
	frappe.db.sql(f"update {table} set name = %s where name = %s", (-(2**63), first))
	frappe.db.sql(f"update {table} set entry_hash = null where name = %s", last - 1)
	mode = frappe.db.sql("select @@session.sql_mode")[0][0]
	frappe.db.sql("set session sql_mode = concat(@@session.sql_mode, ',HIGH_NOT_PRECEDENCE')")
	try:
		problems = walks(anchor)
	finally:
		frappe.db.sql("set session sql_mode = %s", mode)
	for problem in (
		f"Entry {-(2**63)} was altered after it was written.",
		f"Entry {forged} was altered after it was written.",
		f"Entry {forged + 1} does not point to the entry before it.",
		f"Entry {last - 1} was altered after it was written.",
		f"Entry {last - 1} differs from the anchor exported earlier: the chain was rewritten.",
	):
		assert problem in problems

	# bytes MariaDB's utf8mb4 stores and Python cannot read: the database walk takes the entry as altered
	frappe.db.sql(f"update {table} set reason = _binary x'61eda08062' where name = %s", first + 13)
	report = AuditReport()
	verify_entries(report, anchor, in_database=True)
	assert f"Entry {first + 13} was altered after it was written." in report.chain_problems
