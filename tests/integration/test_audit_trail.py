"""The audit trail on a real site: one chained entry per action with the right changes, reasons for change,
no deletion of regulated records, and md-verify-audit finding every kind of tampering."""

import json

import pytest

import frappe
from frappe.utils import add_days, today

from medical_devices.audit.reason import ReasonRequiredError
from medical_devices.audit.trail import entries_of, flush
from medical_devices.audit.verify import verify_audit
from tests.factories import ensure_item, first_company, material_receipt, release
from tests.factories import new_batch as make_batch
from tests.frappe_site import bench_cli

DEVICE = "_Test MD Audit Device"
OTHER = "_Test MD Audit Plain Goods"


@pytest.fixture(scope="module", autouse=True)
def items(frappe_site):
	ensure_item(DEVICE, valuation_rate=10)
	ensure_item(OTHER, device_class=None, valuation_rate=10)
	frappe.db.commit()  # nosemgrep: shared by this module's tests
	yield


@pytest.fixture(autouse=True)
def no_request():
	yield
	frappe.form_dict.clear()


def trail(doctype, name):
	flush()
	return entries_of(doctype, name)


def new_batch(item=DEVICE):
	return make_batch(item, "AUD", expiry_days=400)


def receipt(batch, qty=5):
	return material_receipt(batch, qty, submit=False)


def test_every_action_writes_exactly_one_chained_entry_with_its_changes():
	batch = new_batch()
	[created] = trail("Batch", batch.name)
	assert created.action == "Insert" and created.changes["created"]["batch_id"] == batch.batch_id

	new_expiry = add_days(today(), 500)
	batch.expiry_date = new_expiry
	batch.md_reason = "供应商更正有效期 Supplier corrected the expiry date"
	batch.save()
	updated = trail("Batch", batch.name)[-1]
	assert (updated.action, updated.reason) == ("Update", batch.md_reason)
	assert ["expiry_date", add_days(today(), 400), new_expiry] in updated.changes["changed"]
	assert len(trail("Batch", batch.name)) == 2

	entry = receipt(batch)
	entry.items[0].qty = 6
	entry.md_reason = "Counted again"
	entry.save()
	entry.submit()
	entry.md_reason = "Wrong quantity"
	entry.cancel()
	amended = frappe.copy_doc(entry, ignore_no_copy=False)
	amended.amended_from = entry.name
	amended.md_reason = "Corrected quantity"
	amended.insert()
	actions = [row.action for row in trail("Stock Entry", entry.name)]
	assert actions == ["Insert", "Update", "Submit", "Cancel"]
	changed_rows = trail("Stock Entry", entry.name)[1].changes["row_changed"]
	assert changed_rows[0][0] == "items" and ["qty", 5, 6] in changed_rows[0][3]
	assert [(r.action, r.reason) for r in trail("Stock Entry", amended.name)] == [
		("Amend", "Corrected quantity")
	]

	plain = frappe.get_doc(
		{
			"doctype": "Item",
			"item_code": "_Test MD Audit Renamed",
			"item_group": frappe.db.get_value("Item Group", {"is_group": 0}),
			"stock_uom": "Nos",
		}
	).insert()
	frappe.rename_doc("Item", plain.name, "_Test MD Audit Renamed 2")
	renamed = trail("Item", "_Test MD Audit Renamed 2")
	assert [(r.action, r.changes.get("renamed_from")) for r in renamed] == [
		("Rename", "_Test MD Audit Renamed")
	]
	frappe.delete_doc("Item", "_Test MD Audit Renamed 2")
	assert [r.action for r in trail("Item", "_Test MD Audit Renamed 2")] == ["Rename", "Delete"]

	# the whole chain, entries and documents, checks out
	report = verify_audit()
	assert report.ok, (report.chain_problem, report.document_problems)


def test_a_regulated_record_is_never_deleted_but_other_goods_are():
	with pytest.raises(frappe.PermissionError, match="cannot be deleted"):
		frappe.delete_doc("Item", DEVICE)
	plain = new_batch(OTHER)
	frappe.delete_doc("Batch", plain.name)
	assert not frappe.db.exists("Batch", plain.name)


def test_the_requested_change_of_a_regulated_record_needs_a_reason():
	batch = new_batch()
	frappe.form_dict.update({"doctype": "Batch", "name": batch.name})  # as frappe.client.set_value sends it
	batch.expiry_date = add_days(today(), 450)
	with pytest.raises(ReasonRequiredError):
		batch.save()
	frappe.form_dict["md_reason"] = "Label reprinted"
	batch = frappe.get_doc("Batch", batch.name)
	batch.expiry_date = add_days(today(), 450)
	batch.save()
	assert trail("Batch", batch.name)[-1].reason == "Label reprinted"

	# goods that are not medical devices keep ERPNext's behaviour
	plain = new_batch(OTHER)
	frappe.form_dict.clear()
	frappe.form_dict.update({"doctype": "Batch", "name": plain.name})
	plain.expiry_date = add_days(today(), 450)
	plain.save()

	# cancelling in the desk: the reason noted just before, for this user and document
	from medical_devices.audit.reason import note_reason

	entry = receipt(batch)
	entry.submit()
	frappe.form_dict.clear()
	frappe.form_dict.update({"doctype": "Stock Entry", "name": entry.name})
	with pytest.raises(ReasonRequiredError):
		frappe.get_doc("Stock Entry", entry.name).cancel()
	note_reason("Stock Entry", entry.name, "Booked to the wrong warehouse")
	frappe.get_doc("Stock Entry", entry.name).cancel()
	assert trail("Stock Entry", entry.name)[-1].reason == "Booked to the wrong warehouse"


def test_a_side_effect_on_another_regulated_record_needs_no_reason():
	batch = new_batch()
	release(batch.name)  # the status change saves through its own path
	entry = receipt(batch)
	frappe.form_dict.update({"doctype": "Stock Entry", "name": entry.name})
	entry.submit()  # ERPNext updates the batch's quantity as a consequence
	assert trail("Stock Entry", entry.name)[-1].action == "Submit"


def test_md_verify_audit_finds_changes_made_outside_the_app():
	batch = new_batch()
	flush()
	assert verify_audit().ok

	frappe.db.sql("update tabBatch set expiry_date = %s where name = %s", (add_days(today(), 30), batch.name))
	report = verify_audit()
	assert not report.chain_problem
	assert [p for p in report.document_problems if batch.name in p and "changed outside" in p]

	last = frappe.db.sql("select max(name) from `tabAudit Trail Entry`")[0][0]
	frappe.db.sql("update `tabAudit Trail Entry` set reason = 'edited' where name = %s", last)
	assert (
		verify_audit(check_documents=False).chain_problem == f"Entry {last} was altered after it was written."
	)
	frappe.db.rollback()

	batch = new_batch()
	flush()
	first = frappe.db.sql("select max(name) from `tabAudit Trail Entry`")[0][0]
	new_batch()
	flush()
	frappe.db.sql("delete from `tabAudit Trail Entry` where name = %s", first)
	assert "is missing" in verify_audit(check_documents=False).chain_problem
	frappe.db.rollback()

	new_batch()
	flush()
	frappe.db.sql("delete from `tabAudit Trail Entry` order by name desc limit 1")
	assert "head records" in verify_audit(check_documents=False).chain_problem
	frappe.db.rollback()

	batch = new_batch()
	flush()
	frappe.db.sql("delete from tabBatch where name = %s", batch.name)
	assert any("deleted outside" in p for p in verify_audit().document_problems)


def test_audit_entries_cannot_be_changed_through_the_document_api():
	batch = new_batch()
	flush()
	entry = frappe.get_last_doc("Audit Trail Entry")
	entry.reason = "rewritten"
	with pytest.raises(frappe.PermissionError):
		entry.save()
	with pytest.raises(frappe.PermissionError):
		frappe.delete_doc("Audit Trail Entry", entry.name)
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc(
			{"doctype": "Audit Trail Entry", "ref_doctype": "Batch", "ref_name": batch.name}
		).insert()
	version = (
		frappe.get_last_doc("Version", {"ref_doctype": "Batch"})
		if frappe.db.exists("Version", {"ref_doctype": "Batch"})
		else None
	)
	if version:
		with pytest.raises(frappe.PermissionError):
			version.delete()


def test_track_changes_stays_on_for_audited_doctypes():
	assert frappe.get_meta("Quality Inspection").track_changes == 1
	with pytest.raises(frappe.ValidationError, match="Track Changes cannot be switched off"):
		frappe.make_property_setter(
			{
				"doctype": "Quality Inspection",
				"doctype_or_field": "DocType",
				"property": "track_changes",
				"value": 0,
				"property_type": "Check",
			}
		)


def test_md_verify_audit_command_exits_non_zero_on_tampering():
	batch = new_batch()
	frappe.db.commit()  # nosemgrep: the command runs in its own process
	assert bench_cli("md-verify-audit").returncode == 0
	original = frappe.db.get_value("Batch", batch.name, "expiry_date")
	frappe.db.sql("update tabBatch set expiry_date = %s where name = %s", (add_days(today(), 10), batch.name))
	frappe.db.commit()  # nosemgrep
	try:
		result = bench_cli("md-verify-audit", check=False)
		assert result.returncode == 1 and batch.name in result.stdout
	finally:
		frappe.db.sql("update tabBatch set expiry_date = %s where name = %s", (original, batch.name))
		frappe.db.commit()  # nosemgrep
	assert bench_cli("md-verify-audit").returncode == 0
	assert json.loads(frappe.db.get_value("Audit Trail Entry", {"ref_name": batch.name}, "changes"))[
		"created"
	]


def test_an_update_after_submit_is_its_own_entry_with_its_reason():
	batch = new_batch()
	recall = frappe.get_doc(
		{
			"doctype": "Device Recall",
			"company": first_company(),
			"recall_class": "Class III Recall",
			"start_date": today(),
			"reason": "Label misprint",
			"batches": [{"batch": batch.name}],
		}
	).insert()
	recall.submit()
	frappe.form_dict.update({"doctype": "Device Recall", "name": recall.name})
	recall = frappe.get_doc("Device Recall", recall.name)
	recall.treatment = "Relabel and return to stock"
	with pytest.raises(ReasonRequiredError):
		recall.save()
	recall = frappe.get_doc("Device Recall", recall.name)
	recall.treatment = "Relabel and return to stock"
	recall.md_reason = "Plan agreed with the provincial MPA"
	recall.save()
	last = trail("Device Recall", recall.name)[-1]
	assert (last.action, last.reason) == ("Update After Submit", "Plan agreed with the provincial MPA")
	assert ["treatment", None, "Relabel and return to stock"] in last.changes["changed"]
	assert [row.action for row in trail("Device Recall", recall.name)] == [
		"Insert",
		"Submit",
		"Update After Submit",
	]


def test_a_reason_is_plain_text_of_bounded_length():
	from medical_devices.audit.origin import REASON_MAX_LENGTH, ReasonTooLongError

	batch = new_batch()
	flush()
	entries = len(trail("Batch", batch.name))
	doc = frappe.get_doc("Batch", batch.name)
	doc.description = "too long a story"
	doc.md_reason = "x" * (REASON_MAX_LENGTH + 1)
	with pytest.raises(ReasonTooLongError, match="at most"):
		doc.save()
	assert len(trail("Batch", batch.name)) == entries

	doc = frappe.get_doc("Batch", batch.name)
	doc.description = "markup in the reason"
	doc.md_reason = '<img src=x onerror="alert(1)"> & <b>bold</b>'
	doc.save()
	assert trail("Batch", batch.name)[-1].reason == (
		"&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"
	)


def test_a_change_that_ends_a_records_regulation_needs_a_reason_too():
	"""Regulated is judged on the record before the change as well: a draft that loses its device row."""
	entry = receipt(new_batch())
	plain = new_batch(OTHER)
	entry.items[0].item_code, entry.items[0].batch_no = OTHER, plain.name
	with pytest.raises(ReasonRequiredError):
		entry.save()
	entry = frappe.get_doc("Stock Entry", entry.name)
	entry.items[0].item_code, entry.items[0].batch_no = OTHER, plain.name
	entry.md_reason = "Wrong item picked: plain goods"
	entry.save()
	assert trail("Stock Entry", entry.name)[-1].reason == "Wrong item picked: plain goods"
