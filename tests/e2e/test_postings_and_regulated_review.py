"""Review of issue 17 (one posting path, regulated records, FEFO as its own binding), tried as an insider would over
HTTP: a posting is made by its source document's submit alone and reversed by its cancel alone; a record that was
regulated stays undeletable whatever it is changed to; a delivery note takes the first-expiring batches however it
is submitted."""

import os

import pytest
import requests

from tests.factories import (
	TRACE_CUSTOMERS,
	company_stores,
	device_recall,
	ensure_item,
	material_receipt,
	new_batch,
	register_item,
	release,
	trace_masters,
)

ADMIN_PASSWORD = os.environ.get("MD_ADMIN_PASSWORD", "admin")
DEVICE = "_Test MD Review Device"
FEFO_DEVICE = "_Test MD Review FEFO Device"
PLAIN = "_Test MD Review Plain Item"


@pytest.fixture(scope="module")
def records(frappe_site):
	"""Registered device items, a plain item, the finance and recall accounts of the test company, and the trace
	story's qualified customers, committed for the web server."""
	import frappe

	from medical_devices.md_finance.ledger import create_finance_accounts
	from medical_devices.recall.ledger import create_recall_accounts

	trace_masters()
	register_item(ensure_item(DEVICE, valuation_rate=10))
	register_item(ensure_item(FEFO_DEVICE, valuation_rate=10))
	ensure_item(PLAIN, device_class=None, valuation_rate=5)
	create_finance_accounts(company_stores().company)
	create_recall_accounts(company_stores().company)
	frappe.db.commit()  # nosemgrep: the web server process must see the records
	return frappe._dict(company=company_stores().company, stores=company_stores().stores)


@pytest.fixture(scope="module")
def admin(server_url, records):
	client = requests.Session()
	response = client.post(
		f"{server_url}/api/method/login", json={"usr": "Administrator", "pwd": ADMIN_PASSWORD}, timeout=30
	)
	assert response.status_code == 200, response.text
	return client


def released_lot(item=DEVICE, prefix="REVIEW", qty=10, expiry_days=300):
	batch = new_batch(item, prefix, expiry_days)
	release(batch.name)
	material_receipt(batch, qty)
	return batch.name


def quality_cost_entry(batch, submit=True):
	import frappe
	from frappe.utils import today

	entry = frappe.get_doc(
		{
			"doctype": "Quality Cost Entry",
			"company": company_stores().company,
			"batch": batch,
			"cost_type": "Inspection",
			"amount": 10,
			"description": "Incoming inspection",
			"posting_date": today(),
		}
	).insert()
	if submit:
		entry.submit()
	frappe.db.commit()  # nosemgrep: the web server process must see it
	return entry


def journal(amount, **header):
	"""A balanced Journal Entry of the test company: quality costs against cash."""
	import frappe
	from frappe.utils import today

	from medical_devices.md_finance.ledger import QUALITY_COSTS, finance_account

	company = company_stores().company
	return {
		"doctype": "Journal Entry",
		"company": company,
		"posting_date": today(),
		"voucher_type": "Journal Entry",
		**header,
		"accounts": [
			{"account": finance_account(company, QUALITY_COSTS), "debit_in_account_currency": amount},
			{
				"account": frappe.get_cached_value("Company", company, "default_cash_account"),
				"credit_in_account_currency": amount,
			},
		],
	}


def journals_naming(entry) -> list[tuple[str, int]]:
	import frappe

	frappe.db.rollback()  # read what the web server committed
	return sorted(
		frappe.get_all("Journal Entry", {"md_quality_cost_entry": entry}, ["name", "docstatus"], as_list=True)
	)


def ledger_of(voucher) -> float:
	import frappe

	frappe.db.rollback()
	return frappe.db.sql(
		"select sum(debit) from `tabGL Entry` where voucher_no = %s and is_cancelled = 0", voucher
	)[0][0]


# --- postings ----------------------------------------------------------------------------------------------------


def test_a_journal_made_by_hand_cannot_name_a_submitted_source_document(server_url, admin, records):
	"""The link back to a source document is a controlled field (medical_devices/controls.py): only the source's
	submit sets it. A journal a person makes naming a submitted Quality Cost Entry does not become one of its
	postings (which nobody could then cancel on its own, which the source's cancel would take down with it, and
	which the reconciliation would file under the source): as every controlled field on insert, the link starts
	empty whatever the client sent, and the journal is an ordinary one."""
	import frappe

	entry = quality_cost_entry(released_lot(prefix="REVIEW-HAND"))
	before = journals_naming(entry.name)
	assert before == [(entry.journal_entry, 1)]
	response = admin.post(
		f"{server_url}/api/resource/Journal Entry",
		json={
			**journal(7, md_quality_cost_entry=entry.name, md_reason="Extra cost"),
			"docstatus": 1,
		},
		timeout=60,
	)
	assert response.status_code == 200, response.text[:300]
	hand_made = response.json()["data"]["name"]
	assert journals_naming(entry.name) == before
	assert frappe.db.get_value("Journal Entry", hand_made, ["md_quality_cost_entry", "docstatus"]) == (
		None,
		1,
	)


def test_a_journal_made_by_hand_cannot_stop_a_draft_source_document_from_posting(server_url, admin, records):
	"""refuse_second_posting takes any submitted journal naming the source for its posting: a hand-made journal
	naming a draft Quality Cost Entry makes its submit fail as 'already posted'."""
	import frappe

	entry = quality_cost_entry(released_lot(prefix="REVIEW-DRAFT"), submit=False)
	admin.post(
		f"{server_url}/api/resource/Journal Entry",
		json={**journal(3, md_quality_cost_entry=entry.name), "docstatus": 1},
		timeout=60,
	)
	doc = admin.get(f"{server_url}/api/resource/Quality Cost Entry/{entry.name}", timeout=30).json()["data"]
	submitted = admin.post(f"{server_url}/api/method/frappe.client.submit", json={"doc": doc}, timeout=60)
	assert submitted.status_code == 200, submitted.text[:300]
	frappe.db.rollback()
	posting = frappe.db.get_value("Quality Cost Entry", entry.name, "journal_entry")
	assert posting and [name for name, status in journals_naming(entry.name) if status == 1] == [posting]


def test_a_posting_of_a_submitted_source_is_not_reversed_by_a_reverse_journal_entry(
	server_url, admin, records
):
	"""ERPNext's Reverse Journal Entry (make_reverse_journal_entry, then submit) nets the posting of a submitted
	Quality Cost Entry to nothing without cancelling either: the reversal is a cancel on its own by another name."""
	import frappe

	entry = quality_cost_entry(released_lot(prefix="REVIEW-REV"))
	posting = entry.journal_entry
	assert ledger_of(posting) == 10
	api = f"{server_url}/api/method"
	mapped = admin.post(
		f"{api}/erpnext.accounts.doctype.journal_entry.journal_entry.make_reverse_journal_entry",
		json={"source_name": posting},
		timeout=60,
	)
	assert mapped.status_code == 200, mapped.text[:300]
	reversal = {**mapped.json()["message"], "md_reason": "Reverse the inspection cost"}
	reversal["posting_date"] = reversal.get("posting_date") or frappe.utils.today()
	inserted = admin.post(f"{api}/frappe.client.insert", json={"doc": reversal}, timeout=60)
	if inserted.status_code == 200:
		name = inserted.json()["message"]["name"]
		doc = admin.get(f"{server_url}/api/resource/Journal Entry/{name}", timeout=30).json()["data"]
		submitted = admin.post(f"{api}/frappe.client.submit", json={"doc": doc}, timeout=60)
		assert 400 <= submitted.status_code < 500, submitted.text[:300]
		assert not ledger_of(name)
	frappe.db.rollback()
	assert frappe.db.get_value("Quality Cost Entry", entry.name, "docstatus") == 1
	assert ledger_of(posting) == 10


# --- regulated records -------------------------------------------------------------------------------------------


def draft_quality_inspection(records):
	"""A draft Quality Inspection of a device batch, and the change that makes it one of a plain item."""
	import frappe

	batch = released_lot(prefix="REVIEW-QI", qty=2)
	doc = frappe.get_doc(
		{
			"doctype": "Quality Inspection",
			"inspection_type": "Incoming",
			"reference_type": "Stock Entry",
			"reference_name": frappe.db.get_value("Stock Entry Detail", {"batch_no": batch}, "parent"),
			"item_code": DEVICE,
			"batch_no": batch,
			"sample_size": 1,
			"inspected_by": "Administrator",
			"status": "Accepted",
		}
	).insert()
	return doc.name, {"item_code": PLAIN, "batch_no": ""}


def draft_recall_journal(records):
	"""A draft Journal Entry booked to a recall, and the change that books it to none."""
	import frappe

	recall = device_recall([released_lot(prefix="REVIEW-RCL", qty=2)]).insert()
	recall.submit()
	body = journal(5)
	for row in body["accounts"]:
		row["md_device_recall"] = recall.name
	doc = frappe.get_doc(body).insert()
	rows = [
		{
			"name": row.name,
			"account": row.account,
			"debit_in_account_currency": row.debit_in_account_currency,
			"credit_in_account_currency": row.credit_in_account_currency,
			"md_device_recall": None,
		}
		for row in doc.accounts
	]
	return doc.name, {"accounts": rows}


@pytest.mark.parametrize(
	"doctype,make",
	[("Quality Inspection", draft_quality_inspection), ("Journal Entry", draft_recall_journal)],
	ids=["inspection of a device batch", "journal of a recall"],
)
def test_a_regulated_record_is_not_deleted_once_a_change_has_made_it_look_unregulated(
	server_url, admin, records, doctype, make
):
	"""Deleting is refused by what the record is now (scope.is_regulated), not by what it was: one reasoned edit
	(the inspection's item, the journal's recall) and the record of a device or a recall can be deleted."""
	import frappe

	name, unregulating = make(records)
	frappe.db.commit()  # nosemgrep: the web server process must see it
	url = f"{server_url}/api/resource/{doctype}/{name}"
	assert admin.delete(url, timeout=60).status_code == 403  # regulated: never deleted
	changed = admin.put(url, json={**unregulating, "md_reason": "Entered against the wrong item"}, timeout=60)
	assert changed.status_code == 200, changed.text[:300]  # a reasoned change of a draft is allowed
	deleted = admin.delete(url, timeout=60)
	assert deleted.status_code == 403, deleted.text[:300]
	frappe.db.rollback()
	assert frappe.db.exists(doctype, name)


# --- FEFO --------------------------------------------------------------------------------------------------------


def test_a_delivery_note_submitted_in_one_request_still_takes_the_first_expiring_batch(
	server_url, admin, records
):
	"""pick_device_batches acts on drafts only (docstatus 0): a Delivery Note inserted as submitted leaves the
	picking to ERPNext's site-wide order (FIFO by default), which ships a later-expiring batch first."""
	import frappe

	released_lot(FEFO_DEVICE, "REVIEW-LATE", qty=5, expiry_days=700)
	released_lot(FEFO_DEVICE, "REVIEW-SOON", qty=5, expiry_days=400)
	frappe.db.commit()  # nosemgrep: the web server process must see the stock
	first_expiry = min(
		frappe.get_all(
			"Batch",
			{"item": FEFO_DEVICE, "md_batch_status": "Released", "batch_qty": [">", 0]},
			pluck="expiry_date",
		)
	)
	response = admin.post(
		f"{server_url}/api/resource/Delivery Note",
		json={
			"doctype": "Delivery Note",
			"company": records.company,
			"customer": TRACE_CUSTOMERS[0],
			"docstatus": 1,
			"md_reason": "Shipped in one request",
			"items": [{"item_code": FEFO_DEVICE, "qty": 1, "rate": 10, "warehouse": records.stores}],
		},
		timeout=60,
	)
	assert response.status_code == 200, response.text[:300]
	frappe.db.rollback()
	bundles = frappe.get_all(
		"Delivery Note Item", {"parent": response.json()["data"]["name"]}, pluck="serial_and_batch_bundle"
	)
	shipped = frappe.get_all("Serial and Batch Entry", {"parent": ["in", bundles]}, pluck="batch_no")
	assert shipped, response.json()["data"]["name"]
	assert [frappe.db.get_value("Batch", batch, "expiry_date") for batch in shipped] == [
		first_expiry
	], shipped
