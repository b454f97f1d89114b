"""Go-live without switching the controls off (medical_devices/golive.py): while a company is observed, a document a
control would refuse passes and the refusal is recorded (who, document, rule, message); another company's document
is still refused; End Observe Period makes the controls refuse again; the readiness report lists the gaps."""

import pytest

import frappe

from medical_devices.golive import EVENT, OBSERVATION, end_observation
from medical_devices.gsp.qualification import QualificationError
from tests.factories import (
	company_stores,
	ensure_item,
	ensure_party,
	ensure_user,
	first_company,
	named_batch,
	qualify_party,
	register_item,
	release,
	submit,
)

DEVICE = "_Test MD GoLive Catheter"
READY = "_Test MD GoLive Ready Catheter"
UNLICENSED = "_Test MD GoLive Unlicensed Clinic"
SUPPLIER = "_Test MD GoLive Supplier"
CLERK = "md-golive-clerk@example.com"


@pytest.fixture(scope="module", autouse=True)
def masters(frappe_site):
	for code in (DEVICE, READY):
		register_item(ensure_item(code, "Class II", valuation_rate=20))
	qualify_party("Supplier", ensure_party("Supplier", SUPPLIER))
	ensure_party("Customer", UNLICENSED)  # no licence, no approval: a gap the go-live must close
	ensure_user(CLERK, "Sales User", "Stock User", "Accounts User")
	frappe.db.commit()  # nosemgrep: the module's masters; each test rolls back its own work
	yield


def stocked(item_code=DEVICE) -> str:
	batch = named_batch(f"GL-{frappe.generate_hash(length=6)}", item_code)
	submit(
		{
			"doctype": "Purchase Receipt",
			"supplier": SUPPLIER,
			"items": [
				{
					"item_code": item_code,
					"qty": 10,
					"rate": 20,
					"warehouse": company_stores().stores,
					"batch_no": batch,
					"use_serial_batch_fields": 1,
				}
			],
		}
	)
	release(batch)
	return batch


def delivery(batch, customer=UNLICENSED):
	return frappe.get_doc(
		{
			"doctype": "Delivery Note",
			"company": first_company(),
			"customer": customer,
			"items": [
				{
					"item_code": DEVICE,
					"qty": 1,
					"rate": 50,
					"warehouse": company_stores().stores,
					"batch_no": batch,
					"use_serial_batch_fields": 1,
				}
			],
		}
	)


def observe(company=None):
	return frappe.get_doc({"doctype": OBSERVATION, "company": company or first_company()}).insert()


def test_an_observed_company_passes_what_a_control_would_refuse_and_records_it():
	batch = stocked()
	observation = observe()
	assert (observation.status, observation.started_by) == ("Observing", "Administrator")
	frappe.set_user(CLERK)
	try:
		note = delivery(batch).insert()
		note.submit()
	finally:
		frappe.set_user("Administrator")
	assert note.docstatus == 1
	[event] = frappe.get_all(
		EVENT,
		filters={"observation": observation.name},
		fields=["rule", "reference_doctype", "reference_name", "user", "message", "company"],
	)
	assert (event.rule, event.reference_doctype, event.reference_name, event.user, event.company) == (
		"Qualification (Licences and First Business)",
		"Delivery Note",
		note.name,
		CLERK,
		first_company(),
	)
	assert UNLICENSED in event.message and "first-business" in event.message

	from medical_devices.medical_devices.report.observed_refusals.observed_refusals import execute

	_columns, rows = execute({"company": first_company()})
	assert note.name in [row.reference_name for row in rows]

	# one click ends it: the controls refuse again
	assert end_observation(observation.name)["refusals"] == 1
	assert frappe.db.get_value(OBSERVATION, observation.name, ["status", "ended_by"]) == (
		"Ended",
		"Administrator",
	)
	with pytest.raises(QualificationError):
		delivery(batch).insert()


def test_observing_one_company_leaves_the_others_refusing():
	home = frappe.get_cached_doc("Company", first_company())
	other = "_Test MD GoLive Other Company"
	if not frappe.db.exists("Company", other):
		frappe.get_doc(
			{
				"doctype": "Company",
				"company_name": other,
				"abbr": "MDGLO",
				"default_currency": home.default_currency,
				"country": home.country,
				"create_chart_of_accounts_based_on": "Standard Template",
				"chart_of_accounts": "Standard",
			}
		).insert()
	observation = observe(other)
	with pytest.raises(QualificationError):
		delivery(stocked()).insert()
	assert not frappe.db.exists(EVENT, {"observation": observation.name})


def test_an_observation_is_the_servers_and_only_the_observers_end_it():
	observation = observe()
	with pytest.raises(frappe.DuplicateEntryError):
		observe()
	doc = frappe.get_doc(OBSERVATION, observation.name)
	doc.status, doc.md_reason = "Ended", "ended by hand"
	with pytest.raises(frappe.PermissionError):
		doc.save()
	frappe.set_user(CLERK)
	try:
		with pytest.raises(frappe.PermissionError):
			end_observation(observation.name)
	finally:
		frappe.set_user("Administrator")
	assert frappe.db.get_value(OBSERVATION, observation.name, "status") == "Observing"
	# the refusals are the app's record: nobody writes or removes them through the document API
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc(
			{
				"doctype": EVENT,
				"rule": "Qualification (Licences and First Business)",
				"company": first_company(),
			}
		).insert()


def test_the_readiness_report_lists_the_gaps_planted_and_not_the_records_that_are_ready():
	from medical_devices.medical_devices.report.go_live_readiness.go_live_readiness import execute

	gaps = f"_Test MD GoLive Gaps {frappe.generate_hash(length=4)}"
	ensure_item(gaps, "Class II")  # a device: no DI, no certificate, no approval
	undated = frappe.get_doc(
		{"doctype": "Batch", "batch_id": f"GL-{frappe.generate_hash(length=6)}", "item": READY}
	).insert()
	# a draft made while the company was observed, which its submit would now have refused
	observation = observe()
	draft = delivery(stocked()).insert()
	end_observation(observation.name)
	_columns, rows = execute({"company": first_company()})
	found = {(row["reference_doctype"], row["reference_name"], row["problem"]) for row in rows}
	assert ("Item", gaps, "no UDI device identifier (DI)") in found
	assert ("Item", gaps, "no registration or filing certificate valid today") in found
	assert ("Item", gaps, "not approved for first business") in found
	assert ("Customer", UNLICENSED, "not approved for first business") in found
	assert any(row[:2] == ("Customer", UNLICENSED) and "licence" in row[2] for row in found)
	assert ("Supplier", SUPPLIER, "not approved for first business") not in found
	assert not [row for row in found if row[:2] == ("Item", READY) and "certificate" in row[2]]
	assert undated.name not in {row[1] for row in found}  # no stock: nothing to sell yet
	assert any(row[:2] == ("Delivery Note", draft.name) and UNLICENSED in row[2] for row in found)
