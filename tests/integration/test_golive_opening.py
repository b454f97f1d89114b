"""A go-live's opening decisions in bulk (Go-Live Opening, docs/golive.md): imported by Data Import as a draft,
applied on submit by their reviewers through the same reviews as one by one (first-business approval, batch status),
each with its trail entry and the basis given, all or none; refused for a decision the file does not support, for a
user who may not take it, and for a cancel."""

import pytest

import frappe

from medical_devices.audit.trail import entries_of, flush
from medical_devices.gsp.qualification import QualificationError
from medical_devices.inputs import InvalidInputError
from tests.factories import (
	add_licence,
	data_import,
	ensure_item,
	ensure_party,
	ensure_user,
	first_company,
	new_batch,
)

REVIEWER = "md-glop-qa@example.com"
CLERK = "md-glop-ra@example.com"  # reviews first business, not batches
DEVICE = "_Test MD GLOP Catheter"
BASIS = "首营资料与批次检验记录已于上线前逐一核对 Files and batch records checked before go-live"


@pytest.fixture(scope="module", autouse=True)
def masters(frappe_site):
	ensure_user(REVIEWER, "Quality Manager", "Stock User")
	ensure_user(CLERK, "Regulatory Affairs Manager")
	ensure_item(DEVICE)
	frappe.db.commit()  # nosemgrep: the module's masters; each test rolls back its own work
	yield


def unreviewed_party(doctype: str, licensed: bool = True) -> str:
	name = ensure_party(doctype, f"_Test MD GLOP {doctype} {frappe.generate_hash(length=5)}")
	if licensed:
		add_licence(doctype, name, "Business Licence", f"BL-{name}")
	return name


def opening(*rows, submit_as=None):
	doc = frappe.get_doc(
		{
			"doctype": "Go-Live Opening",
			"company": first_company(),
			"reason": BASIS,
			"decisions": [
				{"record_type": record_type, "record": record, "decision": decision}
				for record_type, record, decision in rows
			],
		}
	).insert()
	if submit_as:
		frappe.set_user(submit_as)
		try:
			doc.reload()
			doc.submit()
		finally:
			frappe.set_user("Administrator")
	return doc


def status(doctype: str, name: str, field: str):
	return frappe.db.get_value(doctype, name, field)


def test_a_data_import_drafts_the_decisions_and_the_reviewers_submit_applies_each_with_its_trail():
	supplier = unreviewed_party("Supplier")
	customer = unreviewed_party("Customer")
	batch = new_batch(DEVICE, "GLOP").name
	frappe.db.commit()  # nosemgrep: the import job commits as a worker would; it must see these
	content = (
		"Company,Basis of the Decisions,Record Type (Decisions),Record (Decisions),Decision (Decisions)\n"
		f'{first_company()},"{BASIS}",Supplier,{supplier},Approved for First Business\n'
		f",,Customer,{customer},Approved for First Business\n"
		f",,Batch,{batch},Released\n"
	)
	logs = data_import("Go-Live Opening", "Insert New Records", content)
	assert [log.success for log in logs] == [1], logs
	doc = frappe.get_doc("Go-Live Opening", logs[0].docname)
	assert doc.docstatus == 0 and len(doc.decisions) == 3
	assert status("Supplier", supplier, "md_first_business_status") != "Approved"  # a draft decides nothing

	frappe.set_user(REVIEWER)
	try:
		doc.submit()
	finally:
		frappe.set_user("Administrator")
	for doctype, name in (("Supplier", supplier), ("Customer", customer)):
		assert status(doctype, name, "md_first_business_status") == "Approved"
		assert status(doctype, name, "md_first_business_approved_by") == REVIEWER
		assert doc.name in status(doctype, name, "md_first_business_remarks")
	assert status("Batch", batch, "md_batch_status") == "Released"
	assert status("Batch", batch, "md_status_changed_by") == REVIEWER
	assert frappe.db.exists(
		"Batch Status Change", {"batch": batch, "to_status": "Released", "reference_name": doc.name}
	)
	flush()
	approval = entries_of("Supplier", supplier)[-1]
	assert approval["user"] == REVIEWER and BASIS in approval["reason"]


def test_one_decision_the_file_does_not_support_refuses_them_all_and_names_it():
	ready = unreviewed_party("Supplier")
	unlicensed = unreviewed_party("Customer", licensed=False)
	batch = new_batch(DEVICE, "GLOP").name
	before = status("Batch", batch, "md_batch_status")
	doc = opening(
		("Supplier", ready, "Approved for First Business"),
		("Customer", unlicensed, "Approved for First Business"),
		("Batch", batch, "Released"),
	)
	frappe.db.savepoint("md_glop")
	frappe.set_user(REVIEWER)
	try:
		with pytest.raises(QualificationError, match=rf"Row #2: .*{unlicensed}.* no valid business licence"):
			doc.submit()
	finally:
		frappe.set_user("Administrator")
	frappe.db.rollback(save_point="md_glop")
	assert status("Supplier", ready, "md_first_business_status") != "Approved"
	assert status("Batch", batch, "md_batch_status") == before
	assert frappe.db.get_value("Go-Live Opening", doc.name, "docstatus") == 0


def test_only_the_reviewers_of_a_decision_may_submit_it_and_nobody_cancels_it():
	batch = new_batch(DEVICE, "GLOP").name
	doc = opening(("Batch", batch, "Released"))
	frappe.db.savepoint("md_glop")
	frappe.set_user(CLERK)
	try:
		with pytest.raises(frappe.PermissionError, match="Row #1: only a Quality Manager or QA Reviewer"):
			doc.submit()
	finally:
		frappe.set_user("Administrator")
	frappe.db.rollback(save_point="md_glop")
	assert status("Batch", batch, "md_batch_status") != "Released"

	doc.reload()
	frappe.set_user(REVIEWER)
	try:
		doc.submit()
		with pytest.raises(frappe.PermissionError):
			doc.cancel()
	finally:
		frappe.set_user("Administrator")
	with pytest.raises(frappe.ValidationError, match="cannot be cancelled"):  # not even by Administrator
		doc.reload()
		doc.cancel()
	assert status("Batch", batch, "md_batch_status") == "Released"


def test_a_decision_that_does_not_fit_its_record_is_refused_on_save():
	supplier = unreviewed_party("Supplier")
	plain = ensure_item("_Test MD GLOP Plain Item", device_class=None)
	plain_batch = frappe.get_doc(
		{"doctype": "Batch", "item": plain, "batch_id": frappe.generate_hash(length=8)}
	)
	with pytest.raises(InvalidInputError, match="Row #1: Released is not a decision for a Supplier"):
		opening(("Supplier", supplier, "Released"))
	with pytest.raises(InvalidInputError, match="listed twice"):
		opening(
			("Supplier", supplier, "Approved for First Business"),
			("Supplier", supplier, "Approved for First Business"),
		)
	if frappe.db.get_value("Item", plain, "has_batch_no"):
		plain_batch.insert()
		with pytest.raises(InvalidInputError, match="not of a medical device"):
			opening(("Batch", plain_batch.name, "Released"))
	with pytest.raises(InvalidInputError, match="Give the basis"):
		frappe.get_doc(
			{
				"doctype": "Go-Live Opening",
				"company": first_company(),
				"reason": "  ",
				"decisions": [
					{"record_type": "Supplier", "record": supplier, "decision": "Approved for First Business"}
				],
			}
		).insert()


def test_the_checks_run_again_on_submit_whatever_skipped_them():
	unlicensed = unreviewed_party("Customer", licensed=False)
	doc = opening(("Customer", unlicensed, "Approved for First Business"))
	frappe.db.savepoint("md_glop")
	frappe.set_user(REVIEWER)
	try:
		doc.reload()
		doc.flags.ignore_validate = True  # as a server script could set it
		with pytest.raises(QualificationError, match="no valid business licence"):
			doc.submit()
	finally:
		frappe.set_user("Administrator")
	frappe.db.rollback(save_point="md_glop")
	assert status("Customer", unlicensed, "md_first_business_status") != "Approved"


def test_a_rejected_record_is_not_approved_from_a_bulk_file():
	from medical_devices.gsp.qualification import record_first_business_decision

	supplier = unreviewed_party("Supplier")
	record_first_business_decision("Supplier", supplier, "Rejected", "Quality agreement refused")
	doc = opening(("Supplier", supplier, "Approved for First Business"))
	frappe.set_user(REVIEWER)
	try:
		doc.reload()
		with pytest.raises(QualificationError, match="was rejected in first-business review"):
			doc.submit()
	finally:
		frappe.set_user("Administrator")
	assert status("Supplier", supplier, "md_first_business_status") == "Rejected"


def test_a_reviewer_decides_only_on_records_they_may_read():
	allowed, other = unreviewed_party("Customer"), unreviewed_party("Customer")
	restricted = ensure_user("md-glop-restricted@example.com", "Quality Manager")
	frappe.get_doc(
		{"doctype": "User Permission", "user": restricted, "allow": "Customer", "for_value": allowed}
	).insert(ignore_permissions=True)
	frappe.set_user(restricted)
	try:
		with pytest.raises(frappe.PermissionError, match=r"Row #1: you may not read"):
			opening(("Customer", other, "Approved for First Business"))
	finally:
		frappe.set_user("Administrator")
	assert status("Customer", other, "md_first_business_status") != "Approved"


def test_the_basis_is_stored_as_written_and_escaped_once_where_it_is_shown():
	supplier = unreviewed_party("Supplier")
	basis = "Licences & certificates checked <b>before</b> go-live"
	doc = frappe.get_doc(
		{
			"doctype": "Go-Live Opening",
			"company": first_company(),
			"reason": basis,
			"decisions": [
				{"record_type": "Supplier", "record": supplier, "decision": "Approved for First Business"}
			],
		}
	).insert()
	doc.md_reason = "saved again: the basis must not be escaped twice"
	doc.save()
	frappe.set_user(REVIEWER)
	try:
		doc.reload()
		doc.submit()
	finally:
		frappe.set_user("Administrator")
	assert "&amp;amp;" not in frappe.db.get_value("Go-Live Opening", doc.name, "reason")
	remarks = status("Supplier", supplier, "md_first_business_remarks")
	assert "&amp;" in remarks and "&amp;amp;" not in remarks and "<b>" not in remarks
