"""Least privilege over HTTP, as a low-privilege account would try it: each whitelisted method of the app, and each
of its reports, asked about a document or the figures of a company outside the user's User Permissions, refuses
(403 or 404, no data in the answer), whatever roles the user holds; a portal user gets nothing; a patient's record
is read by the regulatory and quality roles only, on every read path, and each read is in the Access Log."""

import json
import os

import pytest
import requests

from tests.factories import ensure_user

PASSWORD = "Md-matrix-2026!"
ADMIN_PASSWORD = os.environ.get("MD_ADMIN_PASSWORD", "admin")
OUTSIDER = "md-matrix-outsider@example.com"  # every role, for another company only
PORTAL = "md-matrix-portal@example.com"  # a customer's portal login
SALES = "md-matrix-sales@example.com"
RA = "md-matrix-ra@example.com"
ROLES = (
	"Regulatory Affairs Manager",
	"Quality Manager",
	"QA Reviewer",
	"Stock Manager",
	"Stock User",
	"Accounts Manager",
	"Accounts User",
	"Sales Manager",
	"Sales User",
	"Purchase Manager",
)
REFUSED = (403, 404)


@pytest.fixture(scope="module")
def demo(frappe_site):
	"""The demo company's records, and users of another company, of the portal and of sales."""
	import frappe
	from frappe.utils.password import update_password

	from medical_devices.demo import COMPANY, create_demo_data

	create_demo_data()
	other = frappe.db.get_value("Company", {"name": ["!=", COMPANY]}, "name")
	assert other, "the test site has a company besides the demo's"
	ensure_user(OUTSIDER, *ROLES)
	ensure_user(SALES, "Sales User")
	ensure_user(RA, "Regulatory Affairs Manager")
	if not frappe.db.exists("User", PORTAL):
		frappe.get_doc(
			{
				"doctype": "User",
				"email": PORTAL,
				"first_name": "Portal",
				"user_type": "Website User",
				"send_welcome_email": 0,  # no mail: an outgoing account another module made may exist
			}
		).insert(ignore_permissions=True)
	for user in (OUTSIDER, PORTAL, SALES, RA):
		update_password(user, PASSWORD)
	if not frappe.db.exists("User Permission", {"user": OUTSIDER, "allow": "Company"}):
		frappe.get_doc(
			{"doctype": "User Permission", "user": OUTSIDER, "allow": "Company", "for_value": other}
		).insert(ignore_permissions=True)
	note = frappe.db.get_value("Delivery Note", {"company": COMPANY, "docstatus": 1}, "name")
	batch = frappe.db.get_value("Delivery Note Item", {"parent": note}, "batch_no") or frappe.db.get_value(
		"Serial and Batch Entry",
		{"parent": frappe.db.get_value("Delivery Note Item", {"parent": note}, "serial_and_batch_bundle")},
		"batch_no",
	)
	patient = frappe.get_doc(
		{"doctype": "Patient Record", "company": COMPANY, "patient_name": "陈七", "medical_record_no": "MX-1"}
	).insert()
	frappe.db.commit()  # nosemgrep: the web server process must see the records
	return frappe._dict(
		company=COMPANY,
		other=other,
		recall=frappe.db.get_value("Device Recall", {"company": COMPANY, "docstatus": 1, "is_mock": 0}),
		write_off=frappe.db.get_value("Device Write Off", {"company": COMPANY}),
		note=note,
		customer=frappe.db.get_value("Delivery Note", note, "customer"),
		batch=batch,
		patient=patient.name,
	)


def login(server_url, user, password=PASSWORD):
	client = requests.Session()
	response = client.post(f"{server_url}/api/method/login", json={"usr": user, "pwd": password}, timeout=30)
	assert response.status_code == 200, response.text
	return client


def company_filters(demo):
	return json.dumps({"company": demo.company})


# (what, method, arguments from the demo's records)
ASKED = [
	(
		"recall progress",
		"medical_devices.recall.doctype.device_recall.device_recall.update_progress",
		lambda d: {"recall": d.recall},
	),
	(
		"recall close-out",
		"medical_devices.recall.doctype.device_recall.device_recall.close_recall",
		lambda d: {"recall": d.recall, "effectiveness_check": "checked", "summary_evaluation": "ok"},
	),
	(
		"recall notices",
		"medical_devices.recall.doctype.device_recall.device_recall.send_notices",
		lambda d: {"recall": d.recall},
	),
	(
		"recalled batches",
		"medical_devices.recall.doctype.recall_cost_entry.recall_cost_entry.recalled_batch_query",
		lambda d: {
			"doctype": "Batch",
			"txt": "",
			"searchfield": "name",
			"start": 0,
			"page_len": 20,
			"filters": {"device_recall": d.recall},
		},
	),
	(
		"expired stock",
		"medical_devices.md_finance.doctype.device_write_off.device_write_off.expired_stock",
		lambda d: {"company": d.company},
	),
	(
		"finance accounts",
		"medical_devices.md_finance.ledger.create_finance_accounts",
		lambda d: {"company": d.company},
	),
	(
		"recall accounts",
		"medical_devices.recall.ledger.create_recall_accounts",
		lambda d: {"company": d.company},
	),
	*[
		(
			f"{card} card",
			f"medical_devices.md_finance.kpis.{card}_card",
			lambda d: {"filters": company_filters(d)},
		)
		for card in (
			"dso",
			"dio",
			"dpo",
			"cash_conversion_cycle",
			"value_at_risk",
			"recall_cost_ytd",
			"quality_cost_ytd",
			"write_offs_ytd",
		)
	],
	*[
		(
			f"{chart} chart",
			f"medical_devices.md_finance.dashboard_chart_source.{chart}.{chart}.get",
			lambda d: {"filters": company_filters(d)},
		)
		for chart in ("quality_and_recall_costs", "working_capital_days")
	],
	*[
		(
			f"{record} PDF",
			"medical_devices.nmpa.gsp_record_print.download_pdf",
			lambda d, record=record: {"report_name": record, "filters": company_filters(d)},
		)
		for record in ("GSP Purchase Record", "GSP Sales Record", "GSP Outbound Review Record")
	],
	(
		"cold-chain readings of a shipment",
		"medical_devices.gsp.cold_chain.record_temperature_readings",
		lambda d: {
			"reference_type": "Delivery Note",
			"reference_name": d.note,
			"readings": [{"reading_time": "2026-11-30 10:00:00", "temperature": 5}],
		},
	),
	(
		"note status",
		"erpnext.stock.doctype.delivery_note.delivery_note.update_delivery_note_status",
		lambda d: {"docname": d.note, "status": "Closed"},
	),
	(
		"two-person review",
		"medical_devices.audit.signature.review",
		lambda d: {"doctype": "Device Write Off", "name": d.write_off, "password": PASSWORD},
	),
]
REPORTS = [
	"GSP Purchase Record",
	"GSP Sales Record",
	"GSP Outbound Review Record",
	"Recall Cost Summary",
	"Ledger Reconciliation Differences",
	"Batch Cost",
	"Product Line Margin",
	"Cash Forecast",
	"Temperature Excursions",
	"Expiry Risk",
]


def shown(response) -> str:
	"""The answer as a person would read it (JSON unescaped)."""
	try:
		return json.dumps(response.json(), ensure_ascii=False)
	except ValueError:
		return response.text


def assert_refused(response, what):
	assert response.status_code in REFUSED, (what, response.status_code, response.text[:300])
	assert "message" not in response.json(), (what, response.text[:300])


@pytest.mark.parametrize("what,method,args", ASKED, ids=[a[0] for a in ASKED])
def test_a_user_of_another_company_is_refused_whatever_their_roles(server_url, demo, what, method, args):
	assert_refused(
		login(server_url, OUTSIDER).post(f"{server_url}/api/method/{method}", json=args(demo)), what
	)


@pytest.mark.parametrize("what,method,args", ASKED, ids=[a[0] for a in ASKED])
def test_a_portal_user_is_refused(server_url, demo, what, method, args):
	assert_refused(login(server_url, PORTAL).post(f"{server_url}/api/method/{method}", json=args(demo)), what)


@pytest.mark.parametrize("report", REPORTS)
def test_the_apps_reports_show_nothing_of_another_company(server_url, demo, report):
	filters = {
		"company": demo.company,
		"from_date": "2020-01-01",
		"to_date": "2030-12-31",
		"as_on_date": "2026-12-01",
	}
	response = login(server_url, OUTSIDER).post(
		f"{server_url}/api/method/frappe.desk.query_report.run",
		json={"report_name": report, "filters": json.dumps(filters)},
		timeout=120,
	)
	if response.status_code == 200:  # a report of the user's own records only: none of the demo company's
		text = response.text
		for secret in (demo.note, demo.customer, demo.recall):
			assert not secret or secret not in text, (report, secret)
	else:
		assert_refused(response, report)


@pytest.mark.parametrize("method", ["trace", "graph"])
def test_a_trace_shows_only_what_the_user_may_read(server_url, demo, method):
	response = login(server_url, OUTSIDER).post(
		f"{server_url}/api/method/medical_devices.traceability.api.{method}",
		json={"batch": demo.batch, "direction": "forward"},
		timeout=60,
	)
	if response.status_code == 200:
		for secret in (demo.note, demo.customer):
			assert secret not in response.text, secret
	else:
		assert_refused(response, method)


def test_a_portal_user_cannot_scan(server_url, demo):
	response = login(server_url, PORTAL).post(
		f"{server_url}/api/method/erpnext.stock.utils.scan_barcode",
		json={"search_value": "(01)06901234567892(17)301231(10)LOT1"},
		timeout=30,
	)
	assert_refused(response, "scan")


PATIENT_READS = [
	("resource", lambda url, name: ("get", f"{url}/api/resource/Patient Record/{name}", None)),
	("v1", lambda url, name: ("get", f"{url}/api/v1/resource/Patient Record/{name}", None)),
	("v2", lambda url, name: ("get", f"{url}/api/v2/document/Patient Record/{name}", None)),
	(
		"client.get",
		lambda url, name: (
			"post",
			f"{url}/api/method/frappe.client.get",
			{"doctype": "Patient Record", "name": name},
		),
	),
	(
		"client.get_value by name",
		lambda url, name: (
			"post",
			f"{url}/api/method/frappe.client.get_value",
			{
				"doctype": "Patient Record",
				"fieldname": "patient_name",
				"filters": {"patient_name": ["like", "陈%"]},
			},
		),
	),
	(
		"list",
		lambda url, name: (
			"get",
			f'{url}/api/resource/Patient Record?fields=["patient_name"]&filters=[["patient_name","like","陈%"]]',
			None,
		),
	),
	(
		"report view",
		lambda url, name: (
			"post",
			f"{url}/api/method/frappe.desk.reportview.get",
			{
				"doctype": "Patient Record",
				"fields": ["name", "patient_name"],
				"filters": [["patient_name", "like", "陈%"]],
			},
		),
	),
	(
		"desk form",
		lambda url, name: (
			"get",
			f"{url}/api/method/frappe.desk.form.load.getdoc?doctype=Patient Record&name={name}",
			None,
		),
	),
	(
		"print",
		lambda url, name: (
			"get",
			f"{url}/api/method/frappe.www.printview.get_html_and_style?doc=Patient Record&name={name}",
			None,
		),
	),
]


@pytest.mark.parametrize("path,request_of", PATIENT_READS, ids=[p[0] for p in PATIENT_READS])
@pytest.mark.parametrize("user", [SALES, OUTSIDER])
def test_a_patient_is_read_by_the_regulatory_and_quality_roles_only(server_url, demo, path, request_of, user):
	"""Sales staff hold no role that reads patients; the outsider holds it, for another company only."""
	method, url, body = request_of(server_url, demo.patient)
	client = login(server_url, user)
	response = client.request(method, url, json=body, timeout=30)
	assert "陈七" not in shown(response) and "MX-1" not in shown(response), (path, response.text[:300])
	if user == OUTSIDER and response.status_code == 200:
		# a list of what their User Permissions let them see: none of the demo company's patients
		assert not (response.json().get("message") or response.json().get("data")), (
			path,
			response.text[:300],
		)
	else:
		assert response.status_code in REFUSED, (path, response.status_code, response.text[:300])


def test_each_read_of_a_patient_over_http_is_in_the_access_log(server_url, demo):
	import frappe

	client = login(server_url, RA)
	for path, request_of in PATIENT_READS:
		if path in ("client.get_value by name", "list", "report view"):
			continue
		method, url, body = request_of(server_url, demo.patient)
		response = client.request(method, url, json=body, timeout=30)
		assert response.status_code == 200, (path, response.text[:300])
		assert "陈七" in shown(response), path
	frappe.db.rollback()
	logged = frappe.get_all(
		"Access Log",
		{"user": RA, "export_from": "Patient Record", "reference_document": demo.patient},
		pluck="method",
	)
	assert len(logged) >= 6 and set(logged) <= {"Read", "Print"}, logged
	listed = client.get(
		f"{server_url}/api/resource/Patient Record", params={"filters": json.dumps({"company": demo.company})}
	)
	assert listed.status_code == 200 and demo.patient in listed.text
	frappe.db.rollback()
	assert frappe.db.exists("Access Log", {"user": RA, "export_from": "Patient Record", "method": "List"})


def test_a_report_cannot_link_another_companys_patient_or_show_it_through_a_join(server_url, demo):
	"""Frappe joins a linked record's fields (patient.patient_name) with a check of the doctype only."""
	import frappe
	from frappe.utils import add_to_date, now_datetime

	outsider = login(server_url, OUTSIDER)
	device = frappe.db.get_value("Item", {"md_is_medical_device": 1, "disabled": 0}, "name")
	created = outsider.post(
		f"{server_url}/api/resource/Adverse Event Report",
		json={
			"company": demo.other,
			"aware_at": str(add_to_date(now_datetime(), hours=-1)),
			"severity": "Serious Injury",
			"event_manifestation": "test",
			"item_code": device,
			"patient": demo.patient,
		},
		timeout=60,
	)
	assert created.status_code in REFUSED, created.text[:300]
	assert "陈七" not in shown(created)
	listed = outsider.get(
		f"{server_url}/api/resource/Adverse Event Report",
		params={"fields": json.dumps(["name", "patient.patient_name", "patient.medical_record_no"])},
		timeout=60,
	)
	assert "陈七" not in shown(listed) and "MX-1" not in shown(listed)

	frappe.db.rollback()
	before = frappe.db.count("Access Log", {"user": RA, "export_from": "Patient Record"})
	report = frappe.get_doc(
		{
			"doctype": "Adverse Event Report",
			"company": demo.company,
			"aware_at": add_to_date(now_datetime(), hours=-1),
			"severity": "Serious Injury",
			"event_manifestation": "test",
			"item_code": device,
			"patient": demo.patient,
		}
	).insert()
	frappe.db.commit()  # nosemgrep: the web server process must see it
	joined = login(server_url, RA).get(
		f"{server_url}/api/resource/Adverse Event Report",
		params={
			"fields": json.dumps(["name", "patient.patient_name"]),
			"filters": json.dumps({"name": report.name}),
		},
		timeout=60,
	)
	assert "陈七" in shown(joined)
	frappe.db.rollback()
	assert frappe.db.count("Access Log", {"user": RA, "export_from": "Patient Record"}) > before


def test_audit_entries_and_signatures_are_read_by_those_who_may_read_their_record(server_url, demo):
	"""An entry holds its record's content: a user of another company sees none of the demo company's."""
	import frappe

	entry = frappe.db.get_value("Audit Trail Entry", {"ref_doctype": "Delivery Note", "ref_name": demo.note})
	assert entry
	outsider = login(server_url, OUTSIDER)
	assert (
		outsider.get(f"{server_url}/api/resource/Audit Trail Entry/{entry}", timeout=30).status_code
		in REFUSED
	)
	listed = outsider.get(
		f"{server_url}/api/resource/Audit Trail Entry",
		params={"filters": json.dumps({"ref_name": demo.note}), "fields": json.dumps(["name", "changes"])},
		timeout=60,
	)
	assert (
		listed.status_code in (200, *REFUSED)
		and demo.note not in shown(listed)
		and demo.customer not in shown(listed)
	)
	admin = login(server_url, "Administrator", ADMIN_PASSWORD)
	assert admin.get(f"{server_url}/api/resource/Audit Trail Entry/{entry}", timeout=30).status_code == 200


def test_a_write_that_answers_with_the_patient_is_logged_as_a_read(server_url, demo):
	import frappe

	frappe.db.rollback()
	before = frappe.db.count(
		"Access Log", {"user": RA, "export_from": "Patient Record", "reference_document": demo.patient}
	)
	response = login(server_url, RA).post(
		f"{server_url}/api/method/frappe.client.set_value",
		json={
			"doctype": "Patient Record",
			"name": demo.patient,
			"fieldname": {"patient_age": "70", "md_reason": "Age corrected"},
		},
		timeout=60,
	)
	assert response.status_code == 200, response.text[:300]
	frappe.db.rollback()
	logs = frappe.get_all(
		"Access Log",
		{"user": RA, "export_from": "Patient Record", "reference_document": demo.patient},
		["timestamp"],
		order_by="creation desc",
	)
	assert len(logs) > before
	from frappe.utils import get_datetime, now_datetime

	assert (
		abs((now_datetime() - get_datetime(logs[0].timestamp)).total_seconds()) < 600
	)  # the site's time zone


def test_classification_takes_yes_or_no_only(server_url, demo):
	import frappe

	item = frappe.db.get_value("Item", {"md_is_medical_device": 1}, "name")
	response = login(server_url, "Administrator", ADMIN_PASSWORD).post(
		f"{server_url}/api/method/medical_devices.medical_devices.overrides.item.change_device_classification",
		json={"item": item, "is_medical_device": "maybe", "reason": "test"},
		timeout=30,
	)
	assert response.status_code == 417, response.text[:300]
	frappe.db.rollback()
	assert frappe.db.get_value("Item", item, "md_is_medical_device") == 1
