"""Every control of medical_devices/controls.py tried on every write path, as an insider and an API integrator
would: the desk form, /api/resource, /api/v1/resource, /api/v2/document, frappe.client.set_value / save /
bulk_update, run_doc_method, the list's bulk edit (immediate and as its background job), Data Import (insert and
update), rename and merge, and server scripts. Each refused attempt answers 4xx (never 500) and changes nothing: the
field, the record's trail and its ledger rows stay as they were. Changes made through the controls' own functions
go through, each with its trail entry and reason. The same paths cannot change a regulated record without a reason.
"""

import json
import os

import pytest
import requests

from tests.factories import (
	adverse_event_report,
	ensure_item,
	ensure_party,
	ensure_user,
	first_company_stores,
	material_receipt,
	new_batch,
	qualify_party,
	register_item,
	release,
)

ADMIN_PASSWORD = os.environ.get("MD_ADMIN_PASSWORD", "admin")
DEVICE = "_Test MD Paths Device"
OTHER_ITEM = "_Test MD Paths Plain Item"
PARTY = "_Test MD Paths Hospital"
SALES_USER = "md-paths-sales@example.com"
QA_USER = "md-paths-qa@example.com"
READER = "md-paths-reader@example.com"  # reads orders, notes and customers, writes none of them
PASSWORD = "Md-paths-2026!"
HTTP_PATHS = ("desk", "resource", "v1", "v2", "set_value", "client_save", "bulk_update", "bulk_edit")


# --- records -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def records(frappe_site):
	"""A recalled device batch with stock, a customer pending first-business review, the demo's submitted recall,
	write-off, cost entries and certificates, an overdue submitted adverse event report, an open complaint, and a QA
	and a sales user."""
	import frappe
	from frappe.utils import add_to_date, now_datetime
	from frappe.utils.password import update_password

	from medical_devices.demo import create_demo_data
	from medical_devices.gsp.batch_status import set_batch_status

	create_demo_data()
	ensure_item(DEVICE, valuation_rate=10)
	register_item(DEVICE)
	ensure_item(OTHER_ITEM, device_class=None)
	ensure_user(SALES_USER, "Sales User", "Sales Manager")
	ensure_user(QA_USER, "Quality Manager", "QA Reviewer", "Stock User")
	ensure_user(READER, "Accounts User")
	for user in (SALES_USER, QA_USER, READER):
		update_password(user, PASSWORD)
	recalled = new_batch(DEVICE, "PATHS")
	release(recalled.name)
	material_receipt(recalled, 5)
	set_batch_status(recalled.name, "Recalled", "Recall drill for the path tests", check_role=False)
	customer = ensure_party("Customer", f"{PARTY} {frappe.generate_hash(length=4)}")
	supplier = ensure_party("Supplier", f"{PARTY} Supplier {frappe.generate_hash(length=4)}")
	qualify_party("Supplier", supplier)
	report = adverse_event_report(DEVICE, add_to_date(now_datetime(), days=-40)).insert()
	report.submit()
	complaint = frappe.get_doc(
		{
			"doctype": "Device Complaint",
			"company": report.company,
			"complainant_type": "Hospital",
			"received_on": add_to_date(now_datetime(), hours=-3),
			"item_code": DEVICE,
			"batch": recalled.name,
			"description": "Packaging torn",
		}
	).insert()
	nonconformance = frappe.get_doc(
		{
			"doctype": "Device Nonconformance",
			"company": report.company,
			"item_code": DEVICE,
			"batch": recalled.name,
			"qty": 1,
			"hold": "Block Batch",
			"description": "Seal open",
		}
	).insert()
	usage = frappe.get_doc("Consignment Usage Report", {"docstatus": 1, "status": "Billed"})
	count = frappe.get_doc(
		{
			"doctype": "Consignment Stock Count",
			"company": usage.company,
			"customer": usage.customer,
			"items": [
				{"item_code": usage.items[0].item_code, "batch_no": usage.items[0].batch_no, "counted_qty": 0}
			],
		}
	).insert()
	observation = ended_observation(usage)
	frappe.db.commit()  # nosemgrep: the web server process must see the records
	return frappe._dict(
		observation=observation,
		refusal=frappe.db.get_value("Observed Refusal", {"observation": observation}, "name"),
		usage_report=usage.name,
		patient_record=usage.items[0].patient_record,
		consignment_warehouse=usage.warehouse,
		consignment_count=count.name,
		nonconformance=nonconformance.name,
		capa=frappe.db.get_value("CAPA", {"docstatus": 0}, "name"),
		approved_supplier=frappe.db.get_value("Approved Supplier", {"status": "Approved"}, "name"),
		batch=recalled.name,
		customer=customer,
		supplier=supplier,
		recall=frappe.db.get_value("Device Recall", {"docstatus": 1, "is_mock": 0}, "name"),
		write_off=frappe.db.get_value("Device Write Off", {"docstatus": 1}, "name"),
		quality_cost=frappe.db.get_value("Quality Cost Entry", {"docstatus": 1}, "name"),
		recall_cost=frappe.db.get_value("Recall Cost Entry", {"docstatus": 1}, "name"),
		registration=frappe.db.get_value("Registration Certificate", {}, "name"),
		licence=frappe.db.get_value("Qualification Certificate", {"disabled": 0}, "name"),
		adverse_event=report.name,
		complaint=complaint.name,
		history=frappe.db.get_value("Batch Status Change", {"batch": recalled.name}, "name"),
		entry=frappe.db.get_value("Audit Trail Entry", {"ref_name": recalled.name}, "name"),
	)


def ended_observation(usage) -> str:
	"""A go-live observation of the usage report's company, with a refusal it observed, ended (so that it observes
	nothing while the tests run)."""
	import frappe

	from medical_devices.golive import end_observation, record_refusal
	from medical_devices.gsp.qualification import QualificationError

	observation = frappe.get_doc({"doctype": "Go-Live Observation", "company": usage.company}).insert()
	record_refusal(
		observation.name,
		"Qualification (Licences and First Business)",
		usage,
		QualificationError("a licence was missing"),
	)
	end_observation(observation.name)
	return observation.name


def session(server_url, user="Administrator", password=ADMIN_PASSWORD):
	client = requests.Session()
	response = client.post(f"{server_url}/api/method/login", json={"usr": user, "pwd": password}, timeout=30)
	assert response.status_code == 200, response.text
	return client


@pytest.fixture(scope="module")
def admin(server_url, records):
	return session(server_url)


# --- the paths ------------------------------------------------------------------------------------------------


def fetched(client, server_url, doctype, name):
	response = client.get(f"{server_url}/api/resource/{doctype}/{name}", timeout=30)
	assert response.status_code == 200, response.text
	return response.json()["data"]


def attempt(path, client, server_url, doctype, name, values):
	"""Send `values` for the record along `path`; the response, or for bulk paths the list of failed names."""
	url = f"{server_url}/api"
	if path == "desk":
		doc = {**fetched(client, server_url, doctype, name), **values}
		action = "Update" if doc.get("docstatus") == 1 else "Save"
		return client.post(
			f"{url}/method/frappe.desk.form.save.savedocs",
			data={"doc": json.dumps(doc), "action": action},
			timeout=60,
		)
	if path == "resource":
		return client.put(f"{url}/resource/{doctype}/{name}", json=values, timeout=60)
	if path == "v1":
		return client.put(f"{url}/v1/resource/{doctype}/{name}", json=values, timeout=60)
	if path == "v2":
		return client.patch(f"{url}/v2/document/{doctype}/{name}", json=values, timeout=60)
	if path == "set_value":
		return client.post(
			f"{url}/method/frappe.client.set_value",
			json={"doctype": doctype, "name": name, "fieldname": values},
			timeout=60,
		)
	if path == "client_save":
		doc = {**fetched(client, server_url, doctype, name), **values}
		return client.post(f"{url}/method/frappe.client.save", json={"doc": doc}, timeout=60)
	if path == "bulk_update":
		response = client.post(
			f"{url}/method/frappe.client.bulk_update",
			data={"docs": json.dumps([{"doctype": doctype, "docname": name, **values}])},
			timeout=60,
		)
		assert response.status_code == 200, response.text
		failed = response.json()["message"]["failed_docs"]
		return BulkFailures((row["doc"]["docname"], row["exc"]) for row in failed)
	if path == "bulk_edit":
		response = client.post(
			f"{url}/method/frappe.desk.doctype.bulk_update.bulk_update.submit_cancel_or_update_docs",
			data={
				"doctype": doctype,
				"docnames": json.dumps([name]),
				"action": "update",
				"data": json.dumps(values),
			},
			timeout=60,
		)
		assert response.status_code == 200, response.text
		return response.json()["message"]
	raise ValueError(path)


class BulkFailures(list):
	"""The names frappe.client.bulk_update could not save, with the traceback of each."""

	def __init__(self, failures):
		failures = list(failures)
		super().__init__(name for name, _exc in failures)
		self.tracebacks = dict(failures)


def snapshot(doctype, name, fields):
	"""What must not move: the fields (child rows as lists), the record's trail and its stock ledger rows."""
	import frappe

	frappe.db.rollback()  # read what the web server committed
	doc = frappe.get_doc(doctype, name)
	values = {
		field: [row.as_dict(no_default_fields=True) for row in doc.get(field)]
		if isinstance(doc.get(field), list)
		else doc.get(field)
		for field in fields
	}
	return (
		values,
		frappe.db.count("Audit Trail Entry", {"ref_doctype": doctype, "ref_name": name}),
		frappe.db.count("Stock Ledger Entry", {"batch_no": name}) if doctype == "Batch" else None,
	)


def assert_refused(result, name, error=None):
	"""Refused as `error` (an exception class name) where the path tells why; never with a server error."""
	if isinstance(result, list):  # bulk paths answer 200 with the records they could not save
		assert name in result, result
		if error and isinstance(result, BulkFailures):
			assert error in result.tracebacks[name], result.tracebacks[name][-500:]
		return
	assert 400 <= result.status_code < 500, (result.status_code, result.text[:500])
	if error:
		body = result.json()
		assert error in (body.get("exc_type") or body.get("errors", [{}])[0].get("type")), body


# --- the matrix -----------------------------------------------------------------------------------------------

# (what, doctype key in `records`, doctype, values the attacker sends; "@key" sends the record `key` of `records`)
ATTACKS = [
	("clear a recalled batch's status", "batch", "Batch", {"md_batch_status": ""}),
	("release a recalled batch", "batch", "Batch", {"md_batch_status": "Released", "md_status_reason": "ok"}),
	("move a recalled batch to a plain item", "batch", "Batch", {"item": OTHER_ITEM}),
	("approve a customer's first business", "customer", "Customer", {"md_first_business_status": "Approved"}),
	("forge the approver", "supplier", "Supplier", {"md_first_business_approved_by": SALES_USER}),
	("untick Is Medical Device", None, "Item", {"md_is_medical_device": 0}),
	("set a certificate's status", "registration", "Registration Certificate", {"status": "Expired"}),
	("set a licence's status", "licence", "Qualification Certificate", {"status": "Revoked"}),
	("close a recall without close-out", "recall", "Device Recall", {"status": "Closed"}),
	("rewrite a recall's result", "recall", "Device Recall", {"customers_affected": 0, "total_shipped": 0}),
	(
		"clear a recall's overdue flag",
		"recall",
		"Device Recall",
		{"notification_overdue": 0, "closed_on": "2026-01-01"},
	),
	("forge a write-off's approver", "write_off", "Device Write Off", {"approved_by": SALES_USER}),
	("unlink a quality cost's journal", "quality_cost", "Quality Cost Entry", {"journal_entry": ""}),
	("unlink a recall cost's journal", "recall_cost", "Recall Cost Entry", {"journal_entry": ""}),
	("clear a late report's overdue flag", "adverse_event", "Adverse Event Report", {"overdue": 0}),
	("decide a complaint by hand", "complaint", "Device Complaint", {"reportability": "Not Reportable"}),
	("close a complaint by hand", "complaint", "Device Complaint", {"status": "Closed"}),
	("forge a complaint's delivery", "complaint", "Device Complaint", {"delivery_doctype": "Delivery Note"}),
	(
		"tie a report to a complaint",
		"adverse_event",
		"Adverse Event Report",
		{"device_complaint": "@complaint"},
	),
	(
		"forge what a nonconformance held",
		"nonconformance",
		"Device Nonconformance",
		{"status_before_hold": "Released"},
	),
	("record a CAPA effective by hand", "capa", "CAPA", {"effectiveness_result": "Effective"}),
	("close a CAPA by hand", "capa", "CAPA", {"closed_by": QA_USER}),
	("disqualify a supplier by hand", "approved_supplier", "Approved Supplier", {"status": "Disqualified"}),
	(
		"postpone a supplier's audit",
		"approved_supplier",
		"Approved Supplier",
		{"next_audit_due": "2099-12-31"},
	),
	("unbill a hospital's usage by hand", "usage_report", "Consignment Usage Report", {"status": "To Bill"}),
	(
		"forge a patient's pseudonym",
		"patient_record",
		"Patient Record",
		{"patient_reference": "PSN-0000000000000000"},
	),
	(
		"move a consignment warehouse to another hospital",
		"consignment_warehouse",
		"Warehouse",
		{"md_consignment_customer": "@customer"},
	),
	("forge a count's approver", "consignment_count", "Consignment Stock Count", {"approved_by": SALES_USER}),
	("reopen an ended observe period by hand", "observation", "Go-Live Observation", {"status": "Observing"}),
	("rewrite an observed refusal", "refusal", "Observed Refusal", {"message": "nothing happened"}),
	("rewrite the batch status history", "history", "Batch Status Change", {"to_status": "Released"}),
	("rewrite an audit entry", "entry", "Audit Trail Entry", {"reason": "rewritten"}),
]
APPEND_ONLY = ("Batch Status Change", "Audit Trail Entry", "Observed Refusal")


def record_name(records, key, doctype):
	return DEVICE if doctype == "Item" else records[key]


@pytest.mark.parametrize("path", HTTP_PATHS)
@pytest.mark.parametrize("what,key,doctype,values", ATTACKS, ids=[a[0] for a in ATTACKS])
def test_a_controlled_field_is_refused_on_every_http_path_and_nothing_changes(
	server_url, admin, records, path, what, key, doctype, values
):
	name = record_name(records, key, doctype)
	values = {
		field: records[value[1:]] if str(value).startswith("@") else value for field, value in values.items()
	}
	values = {**values, "md_reason": "An insider tries"}
	before = snapshot(doctype, name, [field for field in values if field != "md_reason"])
	error = "PermissionError" if doctype in APPEND_ONLY else "ControlledFieldError"
	assert_refused(attempt(path, admin, server_url, doctype, name, values), name, error)
	assert snapshot(doctype, name, [field for field in values if field != "md_reason"]) == before


def test_a_sales_user_cannot_approve_first_business_on_any_path(server_url, records):
	client = session(server_url, SALES_USER, PASSWORD)
	values = {"md_first_business_status": "Approved", "md_reason": "Urgent order"}
	for path in HTTP_PATHS:
		before = snapshot("Customer", records.customer, ["md_first_business_status"])
		assert_refused(
			attempt(path, client, server_url, "Customer", records.customer, values), records.customer
		)
		assert snapshot("Customer", records.customer, ["md_first_business_status"]) == before
	refused = client.post(
		f"{server_url}/api/method/medical_devices.gsp.qualification.review_first_business",
		json={"doctype": "Customer", "name": records.customer, "decision": "Approved"},
		timeout=30,
	)
	assert refused.status_code == 403


def test_a_recall_customer_row_saved_on_its_own_is_refused(server_url, admin, records):
	import frappe

	frappe.db.rollback()
	row = frappe.db.get_value("Device Recall Customer", {"parent": records.recall}, "name")
	before = snapshot("Device Recall", records.recall, ["customers"])
	for response in (
		admin.put(
			f"{server_url}/api/resource/Device Recall Customer/{row}", json={"held_qty": 0}, timeout=30
		),
		admin.patch(
			f"{server_url}/api/v2/document/Device Recall Customer/{row}", json={"held_qty": 0}, timeout=30
		),
		admin.delete(f"{server_url}/api/resource/Device Recall Customer/{row}", timeout=30),
		admin.post(
			f"{server_url}/api/method/frappe.client.set_value",
			json={"doctype": "Device Recall Customer", "name": row, "fieldname": "held_qty", "value": 0},
			timeout=30,
		),
	):
		assert 400 <= response.status_code < 500, response.text[:300]
	assert snapshot("Device Recall", records.recall, ["customers"]) == before


def test_a_new_batch_always_starts_in_quarantine_whatever_the_client_sends(server_url, admin, records):
	import frappe

	sent = {
		"item": DEVICE,
		"md_batch_status": "Released",
		"md_status_reason": "pre-released",
		"md_reason": "x",
	}
	created = []
	for url, send in (
		("/api/resource/Batch", admin.post),
		("/api/v1/resource/Batch", admin.post),
		("/api/v2/document/Batch", admin.post),
	):
		response = send(
			f"{server_url}{url}",
			json={**sent, "batch_id": f"NEW-{frappe.generate_hash(length=6)}"},
			timeout=30,
		)
		assert response.status_code == 200, response.text
		created.append(response.json()["data"]["name"])
	response = admin.post(
		f"{server_url}/api/method/frappe.client.insert",
		json={"doc": {"doctype": "Batch", **sent, "batch_id": f"NEW-{frappe.generate_hash(length=6)}"}},
		timeout=30,
	)
	assert response.status_code == 200, response.text
	created.append(response.json()["message"]["name"])
	frappe.db.rollback()
	for name in created:
		assert frappe.db.get_value("Batch", name, ["md_batch_status", "md_status_reason"]) == (
			"Quarantine",
			"New batch",
		)
		assert frappe.get_all("Batch Status Change", {"batch": name}, pluck="to_status") == ["Quarantine"]


def test_run_doc_method_cannot_carry_a_status_change_in(server_url, admin, records):
	"""Batch.recalculate_batch_qty is whitelisted and writes the batch it is handed."""
	doc = {
		**fetched(admin, server_url, "Batch", records.batch),
		"md_batch_status": "Released",
		"batch_qty": 0,
	}
	before = snapshot("Batch", records.batch, ["md_batch_status", "batch_qty"])
	response = admin.post(
		f"{server_url}/api/method/run_doc_method",
		data={"docs": json.dumps(doc), "method": "recalculate_batch_qty"},
		timeout=30,
	)
	assert 400 <= response.status_code < 500, response.text[:300]
	assert snapshot("Batch", records.batch, ["md_batch_status", "batch_qty"]) == before


def test_the_controls_own_functions_change_them_with_an_entry_and_its_reason(server_url, records):
	import frappe

	from medical_devices.audit.trail import entries_of

	qa = session(server_url, QA_USER, PASSWORD)
	batch = new_batch(DEVICE, "PATHS-OK")
	frappe.db.commit()  # nosemgrep: the web server must see it
	released = qa.post(
		f"{server_url}/api/method/medical_devices.gsp.batch_status.change_batch_status",
		json={"batch": batch.name, "status": "Released", "reason": "COA checked"},
		timeout=30,
	)
	assert released.status_code == 200, released.text
	frappe.db.rollback()
	assert frappe.db.get_value("Batch", batch.name, "md_batch_status") == "Released"
	last = entries_of("Batch", batch.name)[-1]
	assert last.reason == "COA checked" and last.user == QA_USER
	assert last.changes["by"] == {"function": "medical_devices.gsp.batch_status.set_batch_status"}
	assert ["md_batch_status", "Quarantine", "Released"] in last.changes["changed"]


# --- in-process paths: Data Import, the bulk edit job, rename and merge, server scripts ---------------------


def run_import(doctype, import_type, content, reason=None):
	from tests.factories import data_import

	return data_import(doctype, import_type, content, reason)


def test_data_import_can_neither_update_nor_insert_a_controlled_field(records):
	import frappe

	before = snapshot("Batch", records.batch, ["md_batch_status"])
	logs = run_import(
		"Batch", "Update Existing Records", f"ID,Batch Status\n{records.batch},Released\n", "Imported"
	)
	assert [log.success for log in logs] == [0] and "Batch Status" in logs[0].exception
	assert snapshot("Batch", records.batch, ["md_batch_status"]) == before

	batch_id = f"IMP-{frappe.generate_hash(length=6)}"
	logs = run_import(
		"Batch", "Insert New Records", f"Batch ID,Item,Batch Status\n{batch_id},{DEVICE},Released\n"
	)
	assert [log.success for log in logs] == [1]
	assert frappe.db.get_value("Batch", {"batch_id": batch_id}, "md_batch_status") == "Quarantine"

	customer = f"{PARTY} Imported {frappe.generate_hash(length=4)}"
	group = frappe.db.get_value("Customer Group", {"is_group": 0})
	territory = frappe.db.get_value("Territory", {"is_group": 0})
	logs = run_import(
		"Customer",
		"Insert New Records",
		"Customer Name,Customer Type,Customer Group,Territory,First-Business Status\n"
		f"{customer},Company,{group},{territory},Approved\n",
	)
	assert [log.success for log in logs] == [1]
	assert (
		frappe.db.get_value("Customer", {"customer_name": customer}, "md_first_business_status") == "Pending"
	)


def test_data_import_needs_a_reason_to_change_a_regulated_record_and_records_it(records):
	import frappe

	from medical_devices.audit.trail import entries_of

	logs = run_import(
		"Batch", "Update Existing Records", f"ID,Batch Description\n{records.batch},Relabelled\n"
	)
	assert [log.success for log in logs] == [0] and "reason" in logs[0].exception
	assert frappe.db.get_value("Batch", records.batch, "description") != "Relabelled"
	logs = run_import(
		"Batch",
		"Update Existing Records",
		f"ID,Batch Description\n{records.batch},Relabelled\n",
		"Labels reprinted",
	)
	assert [log.success for log in logs] == [1]
	assert entries_of("Batch", records.batch)[-1].reason == "Labels reprinted"


def test_the_bulk_edit_job_refuses_a_controlled_field_and_needs_a_reason(records):
	"""Above 20 records the list's bulk edit runs as a background job: the same function, as the worker runs it."""
	import frappe
	from frappe.desk.doctype.bulk_update.bulk_update import _bulk_action

	before = snapshot("Batch", records.batch, ["md_batch_status", "description"])
	assert _bulk_action("Batch", [records.batch], "update", json.dumps({"md_batch_status": "Released"})) == [
		records.batch
	]
	assert _bulk_action("Batch", [records.batch], "update", json.dumps({"description": "bulk"})) == [
		records.batch
	]
	assert snapshot("Batch", records.batch, ["md_batch_status", "description"]) == before
	assert (
		_bulk_action(
			"Batch",
			[records.batch],
			"update",
			json.dumps({"description": "bulk", "md_reason": "Bulk relabel"}),
		)
		== []
	)
	frappe.db.rollback()
	assert frappe.db.get_value("Batch", records.batch, "description") == "bulk"


def test_renaming_keeps_controlled_fields_and_merging_a_regulated_record_is_refused(
	server_url, admin, records
):
	import frappe

	other = ensure_party("Supplier", f"{PARTY} Merge Target {frappe.generate_hash(length=4)}")
	qualify_party("Supplier", other)
	frappe.db.commit()  # nosemgrep
	for method, args in (
		(
			"frappe.client.rename_doc",
			{"doctype": "Supplier", "old_name": records.supplier, "new_name": other},
		),
		(
			"frappe.model.rename_doc.update_document_title",
			{"doctype": "Supplier", "docname": records.supplier, "name": other},
		),
	):
		merged = admin.post(
			f"{server_url}/api/method/{method}",
			json={**args, "merge": 1, "md_reason": "duplicate"},
			timeout=30,
		)
		assert 400 <= merged.status_code < 500, merged.text[:300]
		assert "merged" in merged.text or "merge" in merged.text
	frappe.db.rollback()
	assert frappe.db.exists("Supplier", records.supplier)
	status = frappe.db.get_value("Supplier", records.supplier, "md_first_business_status")
	renamed = admin.post(
		f"{server_url}/api/method/frappe.client.rename_doc",
		json={"doctype": "Supplier", "old_name": records.supplier, "new_name": f"{records.supplier} Ltd"},
		timeout=30,
	)
	assert 400 <= renamed.status_code < 500 and "reason" in renamed.text  # a regulated record: reason first
	renamed = admin.post(
		f"{server_url}/api/method/frappe.client.rename_doc",
		json={
			"doctype": "Supplier",
			"old_name": records.supplier,
			"new_name": f"{records.supplier} Ltd",
			"md_reason": "Registered name changed",
		},
		timeout=30,
	)
	assert renamed.status_code == 200, renamed.text
	frappe.db.rollback()
	records.supplier = f"{records.supplier} Ltd"
	assert frappe.db.get_value("Supplier", records.supplier, "md_first_business_status") == status


@pytest.fixture
def server_scripts(frappe_site, server_url, admin):
	"""Server scripts switched on (common_site_config.json, where Frappe reads it) and made as a System Manager."""
	import frappe
	from frappe.installer import update_site_config

	common = os.path.join(frappe.local.sites_path, "common_site_config.json")
	update_site_config("server_script_enabled", 1, site_config_path=common)
	created = []

	def make(**fields):
		doc = frappe.get_doc(
			{"doctype": "Server Script", "name": f"md-paths-{frappe.generate_hash(length=6)}", **fields}
		)
		doc.insert(ignore_permissions=True)
		frappe.db.commit()  # nosemgrep: the web server runs it
		created.append(doc.name)
		return doc

	yield make
	for name in created:
		frappe.delete_doc("Server Script", name, ignore_permissions=True)
	update_site_config("server_script_enabled", 0, site_config_path=common)
	frappe.db.commit()  # nosemgrep


def test_server_scripts_cannot_change_a_controlled_field_through_the_document_api(
	server_url, admin, records, server_scripts
):
	import frappe

	api = server_scripts(
		script_type="API",
		api_method=f"md_paths_{frappe.generate_hash(length=6)}",
		script=(
			"doc = frappe.get_doc('Batch', frappe.form_dict.batch)\n"
			"doc.md_batch_status = frappe.form_dict.status\n"
			"doc.md_reason = 'script'\n"
			"doc.flags.ignore_validate = True\n"
			"doc.save()\n"
		),
	)
	db_set = server_scripts(
		script_type="API",
		api_method=f"md_paths_{frappe.generate_hash(length=6)}",
		script="frappe.get_doc('Batch', frappe.form_dict.batch).db_set('md_batch_status', 'Released')\n",
	)
	harmless = server_scripts(
		script_type="API",
		api_method=f"md_paths_{frappe.generate_hash(length=6)}",
		script="frappe.response['message'] = 'ran'\n",
	)
	ran = admin.post(f"{server_url}/api/method/{harmless.api_method}", timeout=30)
	assert ran.status_code == 200 and ran.json()["message"] == "ran", ran.text  # scripts do run
	before = snapshot("Batch", records.batch, ["md_batch_status"])
	for method in (api.api_method, db_set.api_method):
		response = admin.post(
			f"{server_url}/api/method/{method}",
			data={"batch": records.batch, "status": "Released"},
			timeout=30,
		)
		assert 400 <= response.status_code < 500, response.text[:300]
	assert snapshot("Batch", records.batch, ["md_batch_status"]) == before

	# a Before Save script that slips the approval into any later save of the customer
	server_scripts(
		script_type="DocType Event",
		reference_doctype="Customer",
		doctype_event="Before Save",
		script="doc.md_first_business_status = 'Approved'\n",
	)
	before = snapshot("Customer", records.customer, ["md_first_business_status"])
	response = attempt(
		"resource",
		admin,
		server_url,
		"Customer",
		records.customer,
		{"customer_details": "x", "md_reason": "y"},
	)
	assert 400 <= response.status_code < 500, response.text[:300]
	assert snapshot("Customer", records.customer, ["md_first_business_status"]) == before


def test_a_server_script_writing_sql_around_the_document_api_is_caught_afterwards(
	server_url, admin, records, server_scripts
):
	"""frappe.db.set_value in a server script bypasses every document event (docs/security.md: a System Manager
	with server scripts is trusted like database access): md-verify-audit reports it, and the GSP guard refuses
	the batch, whose status no longer matches its history."""
	import frappe

	from medical_devices.audit.verify import verify_audit
	from medical_devices.gsp.stock_guard import BatchNotAllowedError

	script = server_scripts(
		script_type="API",
		api_method=f"md_paths_{frappe.generate_hash(length=6)}",
		script="frappe.db.set_value('Batch', frappe.form_dict.batch, 'md_batch_status', 'Released')\n",
	)
	original = frappe.db.get_value("Batch", records.batch, "md_batch_status")
	try:
		assert admin.post(
			f"{server_url}/api/method/{script.api_method}", data={"batch": records.batch}, timeout=30
		).ok
		frappe.db.rollback()
		assert frappe.db.get_value("Batch", records.batch, "md_batch_status") == "Released"
		assert any(
			records.batch in problem
			for problem in verify_audit(documents=[("Batch", records.batch)]).document_problems
		)
		company, stores = first_company_stores()
		note = frappe.get_doc(
			{
				"doctype": "Delivery Note",
				"company": company,
				"customer": records.customer,
				"items": [
					{
						"item_code": DEVICE,
						"qty": 1,
						"rate": 10,
						"warehouse": stores,
						"batch_no": records.batch,
						"use_serial_batch_fields": 1,
					}
				],
			}
		)
		with pytest.raises(BatchNotAllowedError, match="changed outside the app"):
			from medical_devices.gsp.overrides.outward_stock import validate_stock_document

			validate_stock_document(note)
	finally:
		frappe.db.sql("update tabBatch set md_batch_status = %s where name = %s", (original, records.batch))
		frappe.db.commit()  # nosemgrep: put the record back for the other tests


# --- reasons on every path -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", HTTP_PATHS)
def test_a_regulated_change_needs_a_reason_on_every_http_path(server_url, admin, records, path):
	import frappe

	from medical_devices.audit.trail import entries_of

	text = f"Relabelled by {path}"
	before = snapshot("Batch", records.batch, ["description"])
	assert_refused(
		attempt(path, admin, server_url, "Batch", records.batch, {"description": text}), records.batch
	)
	assert snapshot("Batch", records.batch, ["description"]) == before

	result = attempt(
		path,
		admin,
		server_url,
		"Batch",
		records.batch,
		{"description": text, "md_reason": f"Reason via {path}"},
	)
	assert result == [] if isinstance(result, list) else result.status_code == 200, getattr(
		result, "text", result
	)
	frappe.db.rollback()
	assert frappe.db.get_value("Batch", records.batch, "description") == text
	assert entries_of("Batch", records.batch)[-1].reason == f"Reason via {path}"


# --- ERPNext endpoints that write past the document events, and the app's own --------------------------------


@pytest.fixture(scope="module")
def trade(records):
	"""A qualified hospital with a submitted sales order and a delivery note of a released device batch."""
	import frappe
	from frappe.utils import add_days, today

	company, stores = first_company_stores()
	customer = ensure_party("Customer", f"{PARTY} Qualified {frappe.generate_hash(length=4)}")
	qualify_party("Customer", customer)
	batch = new_batch(DEVICE, "PATHS-TRADE")
	release(batch.name)
	material_receipt(batch, 5)
	row = {
		"item_code": DEVICE,
		"qty": 1,
		"rate": 20,
		"warehouse": stores,
		"delivery_date": add_days(today(), 5),
	}
	order = frappe.get_doc(
		{"doctype": "Sales Order", "company": company, "customer": customer, "items": [row]}
	)
	order.insert().submit()
	note = frappe.get_doc(
		{
			"doctype": "Delivery Note",
			"company": company,
			"customer": customer,
			"items": [{**row, "batch_no": batch.name, "use_serial_batch_fields": 1}],
		}
	)
	note.insert().submit()
	frappe.db.commit()  # nosemgrep: the web server process must see the records
	return frappe._dict(customer=customer, order=order.name, note=note.name)


STATUS_ENDPOINTS = [
	(
		"erpnext.stock.doctype.delivery_note.delivery_note.update_delivery_note_status",
		"Delivery Note",
		"note",
		lambda name: {"docname": name, "status": "Closed"},
	),
	(
		"erpnext.selling.doctype.sales_order.sales_order.update_status",
		"Sales Order",
		"order",
		lambda name: {"name": name, "status": "Closed"},
	),
]


@pytest.mark.parametrize("method,doctype,key,args", STATUS_ENDPOINTS, ids=[e[1] for e in STATUS_ENDPOINTS])
def test_erpnext_status_endpoints_need_write_permission_and_a_reason(
	server_url, admin, records, trade, method, doctype, key, args
):
	"""ERPNext's Close / Re-open buttons set the status with db_set and check nobody's permission."""
	import frappe

	from medical_devices.audit.trail import entries_of

	name = trade[key]
	url = f"{server_url}/api/method/{method}"
	before = snapshot(doctype, name, ["status"])
	reader = session(server_url, READER, PASSWORD)
	assert reader.post(url, json=args(name), timeout=30).status_code == 403
	refused = admin.post(url, json=args(name), timeout=30)
	assert refused.status_code == 417 and "ReasonRequiredError" in refused.json()["exc_type"], refused.text[
		:300
	]
	assert snapshot(doctype, name, ["status"]) == before

	closed = admin.post(url, json={**args(name), "md_reason": "Hospital cancelled the rest"}, timeout=30)
	assert closed.status_code == 200, closed.text[:300]
	frappe.db.rollback()
	assert frappe.db.get_value(doctype, name, "status") == "Closed"
	last = entries_of(doctype, name)[-1]
	assert last.reason == "Hospital cancelled the rest"
	assert ["status", before[0]["status"], "Closed"] in last.changes["changed"]


def test_the_point_of_sale_customer_edit_needs_permission_and_a_reason(server_url, admin, records, trade):
	import frappe

	from medical_devices.audit.trail import entries_of

	url = f"{server_url}/api/method/erpnext.selling.page.point_of_sale.point_of_sale.set_customer_info"
	args = {"fieldname": "mobile_no", "customer": trade.customer, "value": "13800000000"}
	before = snapshot("Customer", trade.customer, ["mobile_no"])
	assert session(server_url, READER, PASSWORD).post(url, json=args, timeout=30).status_code == 403
	refused = admin.post(url, json=args, timeout=30)
	assert refused.status_code == 417 and "ReasonRequiredError" in refused.json()["exc_type"], refused.text[
		:300
	]
	assert snapshot("Customer", trade.customer, ["mobile_no"]) == before

	changed = admin.post(url, json={**args, "md_reason": "New ward phone"}, timeout=30)
	assert changed.status_code == 200, changed.text[:300]
	frappe.db.rollback()
	assert frappe.db.get_value("Customer", trade.customer, "mobile_no") == "13800000000"
	last = entries_of("Customer", trade.customer)[-1]
	assert last.reason == "New ward phone" and ["mobile_no", None, "13800000000"] in [
		[field, old or None, new] for field, old, new in last.changes["changed"]
	]


def test_cancelling_with_a_changed_body_is_refused(server_url, admin, records):
	"""The desk's Cancel sends the whole document, and Frappe saves the body it gets: a carried-out recall sent
	back as a drill (is_mock) would otherwise be cancelled."""
	import frappe

	before = snapshot("Device Recall", records.recall, ["docstatus", "is_mock"])
	doc = {**fetched(admin, server_url, "Device Recall", records.recall), "is_mock": 1}
	response = admin.post(
		f"{server_url}/api/method/frappe.desk.form.save.savedocs",
		data={"doc": json.dumps(doc), "action": "Cancel", "md_reason": "It was only a drill"},
		timeout=60,
	)
	assert 400 <= response.status_code < 500, response.text[:300]
	assert snapshot("Device Recall", records.recall, ["docstatus", "is_mock"]) == before
	frappe.db.rollback()
	assert frappe.db.get_value("Device Recall", records.recall, "docstatus") == 1


@pytest.mark.parametrize(
	"method,args",
	[
		("medical_devices.gsp.batch_status.change_batch_status", {"status": "Blocked"}),
		("medical_devices.audit.reason.note_reasons", {"doctype": "Batch", "names": "not json ["}),
		("medical_devices.audit.reason.note_reasons", {"doctype": "Batch", "names": "[1, 2]"}),
		("medical_devices.audit.reason.note_reason", {"doctype": "Batch", "reason": {"a": 1}}),
	],
	ids=["status without a reason", "names not JSON", "names not text", "reason not text"],
)
def test_the_apps_endpoints_answer_bad_input_with_a_4xx(server_url, admin, records, method, args):
	args = {"batch": records.batch, "name": records.batch, **args}
	before = snapshot("Batch", records.batch, ["md_batch_status"])
	response = admin.post(f"{server_url}/api/method/{method}", json=args, timeout=30)
	assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
	assert snapshot("Batch", records.batch, ["md_batch_status"]) == before


def committed_rows(doctype, parent, fields):
	import frappe

	frappe.db.rollback()
	return frappe.get_all(doctype, {"parent": parent}, fields, order_by="idx")


def test_the_serial_and_batch_scan_changes_only_a_draft_bundle_its_user_may_change(server_url, admin, trade):
	"""ERPNext's selector scan raises a bundle's quantity with SQL, on any bundle, whoever asks."""
	import frappe

	bundle = frappe.db.get_value("Delivery Note Item", {"parent": trade.note}, "serial_and_batch_bundle")
	assert bundle
	before = committed_rows("Serial and Batch Entry", bundle, ["batch_no", "qty"])
	batch = before[0].batch_no
	response = admin.post(
		f"{server_url}/api/method/erpnext.stock.doctype.serial_and_batch_bundle.serial_and_batch_bundle"
		".update_serial_or_batch",
		json={"bundle_id": bundle, "batch_no": batch},
		timeout=30,
	)
	assert response.status_code == 403, response.text[:300]
	assert committed_rows("Serial and Batch Entry", bundle, ["batch_no", "qty"]) == before


def test_an_invoices_hold_and_release_date_need_write_permission_on_it(server_url, records):
	import frappe

	invoice = frappe.db.get_value("Purchase Invoice", {"docstatus": 1}, "name")
	assert invoice, "the demo data has a submitted purchase invoice"
	before = snapshot("Purchase Invoice", invoice, ["release_date", "on_hold", "hold_comment"])
	sales = session(server_url, SALES_USER, PASSWORD)
	module = "erpnext.accounts.doctype.purchase_invoice.purchase_invoice"
	for method, args in (
		("change_release_date", {"name": invoice, "release_date": "2030-01-01"}),
		("block_invoice", {"name": invoice, "release_date": "2030-01-01", "hold_comment": "held"}),
		("unblock_invoice", {"name": invoice}),
	):
		response = sales.post(f"{server_url}/api/method/{module}.{method}", json=args, timeout=30)
		assert response.status_code == 403, (method, response.status_code, response.text[:300])
	assert snapshot("Purchase Invoice", invoice, ["release_date", "on_hold", "hold_comment"]) == before


@pytest.fixture
def draft_receipt(records):
	import frappe

	batch = new_batch(DEVICE, "PATHS-DRAFT")
	release(batch.name)
	entry = material_receipt(batch, 3, submit=False)
	frappe.db.commit()  # nosemgrep: the web server process must see the records
	return entry.name


@pytest.mark.parametrize("path", ["client_submit", "savedocs"])
def test_a_submit_carrying_changes_of_its_own_is_refused(server_url, admin, draft_receipt, path):
	"""Frappe saves whatever body a submit request carries: the draft would change without its reason."""
	import frappe

	fields = ["docstatus", "modified"]
	before = snapshot("Stock Entry", draft_receipt, fields)
	rows_before = committed_rows("Stock Entry Detail", draft_receipt, ["qty"])
	doc = fetched(admin, server_url, "Stock Entry", draft_receipt)
	changed = {**doc, "items": [{**doc["items"][0], "qty": 30}]}

	def submit(body):
		if path == "client_submit":
			return admin.post(f"{server_url}/api/method/frappe.client.submit", json={"doc": body}, timeout=60)
		return admin.post(
			f"{server_url}/api/method/frappe.desk.form.save.savedocs",
			data={"doc": json.dumps(body), "action": "Submit"},
			timeout=60,
		)

	refused = submit(changed)
	assert 400 <= refused.status_code < 500, refused.text[:300]
	assert "submits what was saved" in refused.text
	assert snapshot("Stock Entry", draft_receipt, fields) == before
	assert committed_rows("Stock Entry Detail", draft_receipt, ["qty"]) == rows_before

	submitted = submit(doc)
	assert submitted.status_code == 200, submitted.text[:300]
	frappe.db.rollback()
	assert frappe.db.get_value("Stock Entry", draft_receipt, "docstatus") == 1
	assert committed_rows("Stock Entry Detail", draft_receipt, ["qty"]) == rows_before


# --- postings of source documents ----------------------------------------------------------------------------

# (source key in `records`, source doctype, its field naming the posting, the posting's doctype)
POSTINGS = [
	("recall_cost", "Recall Cost Entry", "journal_entry", "Journal Entry"),
	("quality_cost", "Quality Cost Entry", "journal_entry", "Journal Entry"),
	("write_off", "Device Write Off", "stock_entry", "Stock Entry"),
]
CANCEL_PATHS = ("desk", "client_cancel", "resource", "v2_method", "run_doc_method", "bulk_cancel")
REACH_THE_DOCUMENT = ("desk", "client_cancel", "resource")


def cancel_attempt(path, client, server_url, doctype, name):
	url, reason = f"{server_url}/api", "Cancelled on its own"
	if path == "desk":
		doc = {**fetched(client, server_url, doctype, name), "md_reason": reason}
		return client.post(
			f"{url}/method/frappe.desk.form.save.savedocs",
			data={"doc": json.dumps(doc), "action": "Cancel"},
			timeout=60,
		)
	if path == "client_cancel":
		return client.post(
			f"{url}/method/frappe.client.cancel",
			json={"doctype": doctype, "name": name, "md_reason": reason},
			timeout=60,
		)
	if path == "resource":
		return client.put(
			f"{url}/resource/{doctype}/{name}", json={"docstatus": 2, "md_reason": reason}, timeout=60
		)
	if path == "v2_method":
		return client.post(f"{url}/v2/document/{doctype}/{name}/method/cancel", timeout=60)
	if path == "run_doc_method":
		return client.post(
			f"{url}/method/run_doc_method",
			data={"dt": doctype, "dn": name, "method": "cancel", "md_reason": reason},
			timeout=60,
		)
	if path == "bulk_cancel":
		response = client.post(
			f"{url}/method/frappe.desk.doctype.bulk_update.bulk_update.submit_cancel_or_update_docs",
			data={
				"doctype": doctype,
				"docnames": json.dumps([name]),
				"action": "cancel",
				"md_reason": reason,
			},
			timeout=60,
		)
		assert response.status_code == 200, response.text
		return response.json()["message"]
	raise ValueError(path)


def posting_state(doctype, name):
	import frappe

	frappe.db.rollback()  # read what the web server committed
	return (
		frappe.db.get_value(doctype, name, "docstatus"),
		frappe.db.count("GL Entry", {"voucher_type": doctype, "voucher_no": name, "is_cancelled": 0}),
		frappe.db.count(
			"Stock Ledger Entry", {"voucher_type": doctype, "voucher_no": name, "is_cancelled": 0}
		),
	)


@pytest.mark.parametrize("path", CANCEL_PATHS)
@pytest.mark.parametrize("key,source_doctype,field,doctype", POSTINGS, ids=[p[1] for p in POSTINGS])
def test_a_posting_of_a_source_document_is_not_cancelled_on_its_own_on_any_path(
	server_url, admin, records, path, key, source_doctype, field, doctype
):
	"""medical_devices/medical_devices/ledger.py: the Journal Entry or Stock Entry a submitted source document
	posted is reversed by cancelling the source; each cancel path is refused and the ledger keeps its rows."""
	import frappe

	name = frappe.db.get_value(source_doctype, records[key], field)
	before = posting_state(doctype, name)
	assert before[0] == 1 and before[1] > 0
	result = cancel_attempt(path, admin, server_url, doctype, name)
	if path == "bulk_cancel":
		assert name in result, result
	else:
		assert_refused(result, name)
	if (
		path in REACH_THE_DOCUMENT
	):  # the others Frappe refuses itself (the controllers' cancel is not whitelisted)
		assert "cancel that entry instead" in str(result if path == "bulk_cancel" else result.text)
	assert posting_state(doctype, name) == before
	assert frappe.db.get_value(source_doctype, records[key], "docstatus") == 1


def test_a_complaint_sent_through_the_rest_api_is_filled_from_its_label_and_cannot_decide_itself(
	server_url, records
):
	"""A hospital's system posts a complaint with the scanned label: the device, batch, customer and delivery are
	filled from it; the decision it sends along is not taken; a label of an unknown lot is refused (417)."""
	import frappe
	from frappe.utils import add_to_date, now_datetime

	from medical_devices.demo import COMPANY

	client = session(server_url, SALES_USER, PASSWORD)
	body = {
		"company": COMPANY,
		"complainant_type": "Hospital",
		"channel": "REST API",
		"received_on": str(add_to_date(now_datetime(), hours=-1)).split(".")[0],
		"description": "Needle bent on opening",
		"udi": "(01)06901234100020(17)301231(10)ZSQ2025A07",
		"reportability": "Not Reportable",
		"decided_by": SALES_USER,
	}
	response = client.post(f"{server_url}/api/resource/Device Complaint", json=body, timeout=30)
	assert response.status_code == 200, response.text[:500]
	data = response.json()["data"]
	frappe.db.rollback()
	batch = frappe.db.get_value("Batch", {"batch_id": "ZSQ2025A07"})
	assert (data["item_code"], data["batch"], data["customer"]) == (
		"MD-II-SYRINGE",
		batch,
		"上海市第一人民医院",
	)
	assert data["delivery_doctype"] == "Delivery Note" and data["delivery"]
	assert not data.get("reportability") and not data.get("decided_by") and data["status"] == "Open"

	before = frappe.db.count("Device Complaint")
	refused = client.post(
		f"{server_url}/api/resource/Device Complaint",
		json={**body, "udi": "(01)06901234100020(10)NO-SUCH-LOT"},
		timeout=30,
	)
	assert refused.status_code == 417, refused.text[:300]
	frappe.db.rollback()
	assert frappe.db.count("Device Complaint") == before
