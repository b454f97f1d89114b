"""Junk in, a clear error out: every whitelisted method of the app, called over HTTP with malformed JSON, wrong
types, NaN and infinities, unparseable and future times, oversized text, markup and missing arguments, answers
200 or a 4xx with a message, never a server error, and stores nothing. The methods are found, not listed: a new
endpoint is tried the day it is added."""

import importlib
import inspect
import json
import os
import pkgutil

import pytest
import requests

from tests.factories import ensure_user

PASSWORD = "Md-junk-2026!"
USER = "md-junk-everything@example.com"  # every role the app's methods ask for
ROLES = (
	"System Manager",
	"Regulatory Affairs Manager",
	"Quality Manager",
	"QA Reviewer",
	"Stock Manager",
	"Accounts Manager",
	"Sales Manager",
	"Purchase Manager",
)
LONG = "长" * 70_000
JUNK = [
	"",
	"not json [",
	"null",
	"{}",
	"[]",
	'{"a": 1}',
	"[1, 2]",
	'[{"reading_time": "x", "temperature": "abc"}]',
	"NaN",
	"Infinity",
	"-1e999",
	"2099-12-31 23:59:59",
	"31/31/2026 25:61",
	LONG,
	"<img src=x onerror=alert(1)>",
	"'; select sleep(3); --",
	12345678901234567890,
	-1.5,
	True,
	{"nested": {"deeper": [1, None]}},
	[None, "", 1],
]
# Rows that a refused call must not leave behind (a failed signature attempt is kept by design: Signature Attempt).
WATCHED = (
	"Audit Trail Entry",
	"Audit Trail Stage",
	"Batch",
	"Batch Status Change",
	"Temperature Log",
	"Electronic Signature",
	"Device Recall",
	"Journal Entry",
	"Account",
	"Stock Entry",
	"File",
	"Patient Record",
)


def whitelisted_methods():
	"""(dotted path, parameter names, doctype of a document method or None) of every whitelisted function of the
	app, under the name a client calls it by (a module's attribute, or a method of a doctype's controller)."""
	import frappe
	from frappe.model.document import Document

	import medical_devices

	modules = [
		importlib.import_module(info.name)
		for info in pkgutil.walk_packages(medical_devices.__path__, "medical_devices.")
		if ".patches." not in info.name
	]
	whitelisted = {id(fn) for fn in frappe.whitelisted}  # complete once every module is imported
	found = {}
	for module in modules:
		info = module.__spec__
		for attribute, value in vars(module).items():
			if id(value) in whitelisted and inspect.unwrap(value).__module__.startswith("medical_devices."):
				found[f"{info.name}.{attribute}"] = (parameters_of(value), None)
			elif (
				inspect.isclass(value)
				and issubclass(value, Document)
				and value.__module__ == info.name
				and doctype_of(info.name)
			):
				for method_name, method in vars(value).items():
					if id(method) in whitelisted:
						found[f"{info.name}.{attribute}.{method_name}"] = (
							parameters_of(method),
							doctype_of(info.name),
						)
	return sorted((path, parameters, doctype) for path, (parameters, doctype) in found.items())


def parameters_of(fn) -> list[str]:
	return [
		name
		for name, parameter in inspect.signature(inspect.unwrap(fn)).parameters.items()
		if parameter.kind not in (parameter.VAR_KEYWORD, parameter.VAR_POSITIONAL) and name != "self"
	]


def doctype_of(module: str) -> str | None:
	"""A controller's doctype, from its module (…/doctype/<name>/<name>.py)."""
	import frappe

	parts = module.split(".")
	if len(parts) >= 3 and parts[-3] == "doctype" and parts[-2] == parts[-1]:
		return frappe.db.get_value("DocType", {"name": ["like", parts[-1].replace("_", " ")]}, "name")
	return None


@pytest.fixture(scope="module")
def client(frappe_site, server_url):
	import frappe
	from frappe.utils.password import update_password

	ensure_user(USER, *ROLES)
	update_password(USER, PASSWORD)
	frappe.db.commit()  # nosemgrep: the web server process must see the user
	session = requests.Session()
	response = session.post(f"{server_url}/api/method/login", json={"usr": USER, "pwd": PASSWORD}, timeout=30)
	assert response.status_code == 200, response.text
	return session


def counts():
	import frappe

	frappe.db.rollback()
	return {doctype: frappe.db.count(doctype) for doctype in WATCHED}


def calls(parameters):
	"""Each junk value in every parameter at once, then each parameter left out (the others junk)."""
	for junk in JUNK:
		yield {name: junk for name in parameters}
	for left_out in parameters:
		yield {name: "x" for name in parameters if name != left_out}


def call(client, server_url, path, args, doctype=None, name=None):
	if doctype:
		return client.post(
			f"{server_url}/api/method/run_doc_method",
			json={"dt": doctype, "dn": name, "method": path.rsplit(".", 1)[-1], "args": args},
			timeout=120,
		)
	return client.post(f"{server_url}/api/method/{path}", json=args, timeout=120)


def test_every_method_is_found(frappe_site):
	methods = {path for path, *_rest in whitelisted_methods()}
	assert "medical_devices.gsp.cold_chain.record_temperature_readings" in methods
	assert "medical_devices.udi.scanning.scan_barcode" in methods
	assert len(methods) >= 40, sorted(methods)
	print(len(methods), "methods:", *sorted(methods), sep="\n")


def test_junk_never_gives_a_server_error_and_stores_nothing(client, server_url, frappe_site):
	before = counts()
	failures = []

	def check(response, path, args):
		if response.status_code >= 500:
			shown = {key: str(value)[:40] for key, value in args.items()}
			failures.append(f"{path} {shown}: {response.status_code} {response.text[-300:]}")

	for path, parameters, doctype in whitelisted_methods():
		if doctype:
			# a document method: junk names the document
			for junk in (value for value in JUNK if isinstance(value, str)):  # Frappe's own dn handling
				check(call(client, server_url, path, {}, doctype, junk), path, {"dn": junk})
			continue
		for args in calls(parameters):
			check(call(client, server_url, path, args), path, args)
	assert not failures, "\n".join(failures[:40]) + f"\n({len(failures)} in all)"
	after = counts()
	assert after == before, {d: (before[d], after[d]) for d in WATCHED if before[d] != after[d]}


@pytest.fixture(scope="module")
def demo(frappe_site):
	import frappe

	from medical_devices.demo import COMPANY, create_demo_data

	create_demo_data()
	note = frappe.db.get_value("Delivery Note", {"company": COMPANY, "docstatus": 1}, "name")
	bundle = frappe.db.get_value("Delivery Note Item", {"parent": note}, "serial_and_batch_bundle")
	frappe.db.commit()  # nosemgrep: the web server process must see the records
	return frappe._dict(
		company=COMPANY,
		note=note,
		batch=frappe.db.get_value("Serial and Batch Entry", {"parent": bundle}, "batch_no"),
		recall=frappe.db.get_value("Device Recall", {"company": COMPANY, "docstatus": 1}),
	)


# Methods that change nothing, with arguments that work: each argument in turn gets the junk, the others stay
# valid, so that the checks beyond the first argument are reached too.
READING = [{"reading_time": "2026-11-30 10:00:00", "temperature": 5}]
VALID = {
	"medical_devices.traceability.api.trace": lambda d: {"batch": d.batch, "direction": "forward"},
	"medical_devices.traceability.api.graph": lambda d: {"batch": d.batch, "direction": "forward"},
	"medical_devices.md_finance.kpis.dso_card": lambda d: {"filters": json.dumps({"company": d.company})},
	"medical_devices.md_finance.dashboard_chart_source.working_capital_days.working_capital_days.get": lambda d: {
		"filters": json.dumps({"company": d.company}),
		"refresh": 1,
	},
	"medical_devices.md_finance.doctype.device_write_off.device_write_off.expired_stock": lambda d: {
		"company": d.company,
		"reason": "Expired",
	},
	"medical_devices.nmpa.gsp_record_print.download_pdf": lambda d: {
		"report_name": "GSP Sales Record",
		"filters": json.dumps({"company": d.company, "from_date": "2026-01-01", "to_date": "2026-12-31"}),
	},
	"medical_devices.udi.scanning.scan_barcode": lambda d: {
		"search_value": "(01)06901234567892(17)301231(10)JUNKLOT",
		"ctx": json.dumps({"company": d.company, "doctype": "Delivery Note"}),
	},
	"medical_devices.recall.doctype.recall_cost_entry.recall_cost_entry.recalled_batch_query": lambda d: {
		"doctype": "Batch",
		"txt": "",
		"searchfield": "name",
		"start": 0,
		"page_len": 20,
		"filters": json.dumps({"device_recall": d.recall}),
	},
	# only the readings get junk: any logger id or flag with good readings would rightly be stored
	"medical_devices.gsp.cold_chain.record_temperature_readings": lambda d: {
		"reference_type": "Delivery Note",
		"reference_name": d.note,
		"readings": READING,
	},
}
ONLY = {"medical_devices.gsp.cold_chain.record_temperature_readings": ("readings",)}


def test_junk_in_one_argument_beside_valid_ones_is_refused_and_stores_nothing(client, server_url, demo):
	before = counts()
	failures = []
	for path, valid in VALID.items():
		args = valid(demo)
		for parameter in ONLY.get(path, args):
			for junk in JUNK:
				response = call(client, server_url, path, {**args, parameter: junk})
				if response.status_code >= 500:
					failures.append(f"{path} {parameter}={str(junk)[:40]}: {response.text[-300:]}")
	assert not failures, "\n".join(failures[:40]) + f"\n({len(failures)} in all)"
	after = counts()
	assert after == before, {d: (before[d], after[d]) for d in WATCHED if before[d] != after[d]}
