"""The audit rules over Frappe's HTTP API, as any client would meet them: nobody, Administrator included, can
alter or remove audit entries or signatures; a regulated change needs its reason; submit needs the signature."""

import os

import pytest
import requests

from tests.factories import ensure_item, ensure_user, first_company, new_batch

ITEM = "_Test MD HTTP Audit Device"
SYSTEM_MANAGER = "md-http-sysman@example.com"
PASSWORD = "Md-http-2026!"
ADMIN_PASSWORD = os.environ.get("MD_ADMIN_PASSWORD", "admin")


def session(server_url, user, password):
	client = requests.Session()
	response = client.post(f"{server_url}/api/method/login", json={"usr": user, "pwd": password}, timeout=30)
	assert response.status_code == 200, response.text
	return client


@pytest.fixture
def audited_records(frappe_site):
	import frappe
	from frappe.utils import add_days, today
	from frappe.utils.password import update_password

	ensure_item(ITEM, valuation_rate=10)
	ensure_user(SYSTEM_MANAGER, "System Manager", "Stock Manager")
	update_password(SYSTEM_MANAGER, PASSWORD)
	batch = new_batch(ITEM, "HTTP")
	from medical_devices.gsp.batch_status import set_batch_status

	set_batch_status(batch.name, "Released", "HTTP test", check_role=False)
	settings = frappe.get_single("Medical Device Settings")
	settings.append("signature_rules", {"document_type": "Stock Entry", "sign_submit": 1, "sign_cancel": 1})
	settings.md_reason = "Signature rule for the HTTP test"
	settings.save()
	frappe.db.commit()  # nosemgrep: the web server process must see the records
	yield batch
	settings = frappe.get_single("Medical Device Settings")
	settings.set("signature_rules", [r for r in settings.signature_rules if r.document_type != "Stock Entry"])
	settings.md_reason = "End of the HTTP test"
	settings.save()
	frappe.db.commit()  # nosemgrep


def test_no_role_can_alter_audit_entries_or_signatures_over_http(server_url, audited_records):
	import frappe

	entry = frappe.db.get_value(
		"Audit Trail Entry", {"ref_name": audited_records.name}, ["name", "reason"], as_dict=True
	)
	for client in (
		session(server_url, "Administrator", ADMIN_PASSWORD),
		session(server_url, SYSTEM_MANAGER, PASSWORD),
	):
		url = f"{server_url}/api/resource/Audit Trail Entry/{entry.name}"
		assert client.get(url, timeout=30).status_code == 200  # readable
		assert client.put(url, json={"reason": "rewritten"}, timeout=30).status_code >= 400
		assert client.delete(url, timeout=30).status_code >= 400
		created = client.post(
			f"{server_url}/api/resource/Audit Trail Entry",
			json={"ref_doctype": "Batch", "ref_name": audited_records.name, "action": "Update"},
			timeout=30,
		)
		assert created.status_code >= 400
		set_value = client.post(
			f"{server_url}/api/method/frappe.client.set_value",
			json={"doctype": "Audit Trail Entry", "name": entry.name, "fieldname": "reason", "value": "x"},
			timeout=30,
		)
		assert set_value.status_code >= 400
	frappe.db.rollback()
	assert frappe.db.get_value("Audit Trail Entry", entry.name, "reason") == entry.reason

	from medical_devices.audit.verify import verify_audit

	assert verify_audit(check_documents=False).ok


def test_reason_and_signature_rules_hold_against_direct_api_calls(server_url, audited_records):
	import frappe

	client = session(server_url, "Administrator", ADMIN_PASSWORD)
	batch_url = f"{server_url}/api/resource/Batch/{audited_records.name}"
	refused = client.put(batch_url, json={"description": "relabelled"}, timeout=30)
	assert refused.status_code == 417 and "reason" in refused.text
	accepted = client.put(
		batch_url, json={"description": "relabelled", "md_reason": "Label reprinted"}, timeout=30
	)
	assert accepted.status_code == 200, accepted.text

	company = first_company()
	warehouse = frappe.db.get_value(
		"Warehouse", {"company": company, "is_group": 0, "warehouse_name": "Stores"}
	)
	draft = client.post(
		f"{server_url}/api/resource/Stock Entry",
		json={
			"stock_entry_type": "Material Receipt",
			"purpose": "Material Receipt",
			"company": company,
			"items": [
				{
					"item_code": ITEM,
					"qty": 1,
					"basic_rate": 10,
					"t_warehouse": warehouse,
					"batch_no": audited_records.name,
					"use_serial_batch_fields": 1,
				}
			],
		},
		timeout=30,
	)
	assert draft.status_code == 200, draft.text
	name = draft.json()["data"]["name"]

	def submit():
		doc = client.get(f"{server_url}/api/resource/Stock Entry/{name}", timeout=30).json()["data"]
		return client.post(f"{server_url}/api/method/frappe.client.submit", json={"doc": doc}, timeout=30)

	def sign(password):
		return client.post(
			f"{server_url}/api/method/medical_devices.audit.signature.sign",
			json={
				"doctype": "Stock Entry",
				"name": name,
				"action": "Submit",
				"meaning": "Approved",
				"password": password,
			},
			timeout=30,
		)

	assert submit().status_code == 417
	assert sign("wrong password").status_code >= 400
	assert submit().status_code == 417
	assert sign(ADMIN_PASSWORD).status_code == 200
	response = submit()
	assert response.status_code == 200, response.text

	frappe.db.rollback()
	assert frappe.db.get_value("Stock Entry", name, "docstatus") == 1
	assert frappe.get_all("Electronic Signature", {"ref_name": name}, pluck="meaning") == ["Approved"]
	from medical_devices.audit.trail import entries_of

	assert entries_of("Batch", audited_records.name)[-1].reason == "Label reprinted"


def test_logins_failed_logins_and_report_exports_are_in_the_access_log(server_url, audited_records):
	import frappe
	from frappe.utils import today

	failed = requests.post(
		f"{server_url}/api/method/login", json={"usr": SYSTEM_MANAGER, "pwd": "not the password"}, timeout=30
	)
	assert failed.status_code == 401
	session(server_url, SYSTEM_MANAGER, PASSWORD)  # a successful login, to be logged too
	admin = session(server_url, "Administrator", ADMIN_PASSWORD)  # may export the Batch-based report
	exported = admin.post(
		f"{server_url}/api/method/frappe.desk.query_report.export_query",
		data={
			"report_name": "Expiry Risk",
			"file_format_type": "CSV",
			"filters": frappe.as_json({"as_on_date": today(), "only_at_risk": 0}),
			"visible_idx": "[]",
			"include_indentation": 0,
		},
		timeout=60,
	)
	assert exported.status_code == 200, exported.text[:500]
	assert '"Batch Status"' in exported.text.splitlines()[0]  # the report's CSV, not an error page

	from frappe.auth import LoginAttemptTracker

	LoginAttemptTracker(SYSTEM_MANAGER).add_success_attempt()
	frappe.db.rollback()
	from medical_devices.audit.report.access_and_export_log.access_and_export_log import execute

	exports = execute({"from_date": today(), "to_date": today(), "user": "Administrator", "event": "Export"})[
		1
	]
	assert ("Export", "Expiry Risk", 1) in {(row["event"], row["what"], row["regulated"]) for row in exports}
	rows = execute({"from_date": today(), "to_date": today(), "user": SYSTEM_MANAGER})[1]
	events = {(row["event"], row["what"], row["regulated"]) for row in rows}
	assert any(event == "Failed Login" for event, _what, _regulated in events)
	assert any(event == "Login" for event, _what, _regulated in events)
