"""Daily reconciliation: on the demo company every sub-ledger agrees with the general ledger (figures checked
against ERPNext's own balance functions); a deliberately broken stock, receivable or recall posting shows up on
the right line with the right amount, and the drill-down names the document."""

import pytest

import frappe
from frappe.utils import flt, today

from medical_devices.demo import COMPANY, QUALITY_COSTS, SCRAPPED, WRITE_OFFS, create_demo_data
from medical_devices.md_finance.doctype.ledger_reconciliation.ledger_reconciliation import (
	reconcile_every_company,
	run_reconciliation,
)
from medical_devices.md_finance.reconciliation import differences, is_difference, reconcile
from tests.factories import BROKEN_VOUCHER as BROKEN
from tests.factories import ensure_user, inject_gl


@pytest.fixture(autouse=True)
def demo(monkeypatch):
	"""The demo company, uncommitted: the job's commits would leave it behind as the site's newest company."""
	monkeypatch.setattr(frappe.db, "commit", lambda *args, **kwargs: None)
	create_demo_data()
	return COMPANY


def lines_by_key():
	return {
		(row["check"], row["account"] or row["device_recall"]): row for row in reconcile(COMPANY, today())
	}


def test_the_demo_ledgers_agree_and_each_figure_matches_erpnext():
	from erpnext.accounts.utils import get_balance_on, get_stock_and_account_balance

	lines = reconcile(COMPANY, today())
	assert [row for row in lines if is_difference(row)] == []
	checks = {row["check"] for row in lines}
	assert checks == {"Stock", "Receivable", "Payable", "Recall Costs", "Quality Costs"}
	quality = {
		frappe.db.get_value("Batch", row["batch"], "batch_id"): row["gl_value"]
		for row in lines
		if row["check"] == "Quality Costs"
	}
	written_off = frappe.db.get_value(
		"Device Write Off", {"company": COMPANY, "docstatus": 1}, "total_amount"
	)
	expected = {
		**{batch_id: amount for batch_id, _type, amount, _text in QUALITY_COSTS},
		**{batch_id: written_off for batch_id, *_ in WRITE_OFFS},
	}
	# the demo's scrapped nonconformance, a quality cost of its batch through its own posting
	scrapped = frappe.db.get_value(
		"Device Nonconformance", {"company": COMPANY, "docstatus": 1}, ["batch", "scrap_value"]
	)
	scrapped_id = frappe.db.get_value("Batch", scrapped[0], "batch_id")
	assert scrapped_id == SCRAPPED[0] and scrapped[1] > 0
	expected[scrapped_id] = flt(expected.get(scrapped_id, 0) + scrapped[1], 2)
	assert quality == expected
	for row in lines:
		if row["check"] == "Stock":
			account_balance, stock_value, _warehouses = get_stock_and_account_balance(
				row["account"], today(), COMPANY
			)
			assert (row["gl_value"], row["subledger_value"]) == (flt(account_balance, 2), flt(stock_value, 2))
		elif row["check"] in ("Receivable", "Payable"):
			sign = 1 if row["check"] == "Receivable" else -1
			assert row["gl_value"] == flt(sign * get_balance_on(row["account"], today(), company=COMPANY), 2)
	stock = [row for row in lines if row["check"] == "Stock"]
	assert sum(row["subledger_value"] for row in stock) > 0  # the demo holds stock


def test_a_stray_gl_row_on_the_stock_account_shows_up_with_its_amount_and_document():
	before = lines_by_key()
	[stock_account] = [key[1] for key, row in before.items() if key[0] == "Stock" and row["subledger_value"]][
		:1
	]
	inject_gl(stock_account, debit=123.45)
	after = lines_by_key()
	assert after[("Stock", stock_account)]["difference"] == -123.45
	assert {key for key, row in after.items() if is_difference(row)} == {("Stock", stock_account)}
	assert differences(COMPANY, today(), "Stock", stock_account) == [
		{
			"voucher_type": "Journal Entry",
			"voucher_no": BROKEN,
			"posting_date": frappe.db.get_value("GL Entry", {"voucher_no": BROKEN}, "posting_date"),
			"subledger_value": 0,
			"gl_value": 123.45,
			"difference": -123.45,
		}
	]


def test_a_tampered_payment_ledger_row_shows_up_on_its_receivable_account():
	entry = frappe.db.get_value(
		"Payment Ledger Entry",
		{"company": COMPANY, "account_type": "Receivable", "delinked": 0},
		["name", "account", "voucher_type", "voucher_no", "amount", "amount_in_account_currency"],
		as_dict=True,
	)
	frappe.db.set_value(
		"Payment Ledger Entry",
		entry.name,
		{"amount": entry.amount + 50, "amount_in_account_currency": entry.amount_in_account_currency + 50},
		update_modified=False,
	)
	after = lines_by_key()
	assert after[("Receivable", entry.account)]["difference"] == 50
	assert {key for key, row in after.items() if is_difference(row)} == {("Receivable", entry.account)}
	[row] = differences(COMPANY, today(), "Receivable", entry.account)
	assert (row["voucher_type"], row["voucher_no"], row["difference"]) == (
		entry.voucher_type,
		entry.voucher_no,
		50,
	)


def test_a_recall_posting_lost_from_the_ledger_shows_up_on_its_recall():
	entry = frappe.get_last_doc(
		"Recall Cost Entry", {"company": COMPANY, "docstatus": 1, "journal_entry": ("is", "set")}
	)
	debit_row = frappe.db.get_value(
		"GL Entry",
		{"voucher_no": entry.journal_entry, "debit": (">", 0), "is_cancelled": 0},
		["name", "debit"],
		as_dict=True,
	)
	frappe.db.set_value("GL Entry", debit_row.name, "is_cancelled", 1, update_modified=False)
	after = lines_by_key()
	assert after[("Recall Costs", entry.device_recall)]["difference"] == flt(debit_row.debit, 2)
	[row] = differences(COMPANY, today(), "Recall Costs", recall=entry.device_recall)
	assert (row["voucher_no"], row["difference"]) == (entry.name, flt(debit_row.debit, 2))


def test_the_job_records_the_run_and_tells_the_accounts_managers():
	manager = ensure_user("md-accounts-manager@example.com", "Accounts Manager")
	clean = frappe.get_doc(
		{"doctype": "Ledger Reconciliation", "company": COMPANY, "as_of_date": today()}
	).insert()
	run_reconciliation(clean.name)
	clean.reload()
	assert (clean.status, clean.differences_found, clean.lines_checked) == (
		"Balanced",
		0,
		len(reconcile(COMPANY, today())),
	)

	stock_account = next(row["account"] for row in reconcile(COMPANY, today()) if row["check"] == "Stock")
	inject_gl(stock_account, credit=10)
	broken = frappe.get_doc(
		{"doctype": "Ledger Reconciliation", "company": COMPANY, "as_of_date": today()}
	).insert()
	run_reconciliation(broken.name)
	broken.reload()
	assert (broken.status, broken.differences_found, broken.total_difference) == ("Differences Found", 1, 10)
	assert (broken.differences[0].account, broken.differences[0].difference) == (stock_account, 10)
	assert frappe.db.exists("Notification Log", {"for_user": manager, "document_name": broken.name})


def test_every_company_is_reconciled_daily():
	reconcile_every_company()
	companies = frappe.get_all("Company", pluck="name")
	queued = frappe.get_all(
		"Ledger Reconciliation",
		filters={"creation": (">=", frappe.utils.add_to_date(None, minutes=-1))},
		pluck="company",
	)
	assert sorted(set(queued)) == sorted(companies)
