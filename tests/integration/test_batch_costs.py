"""Cost per batch, product-line margin, quality costs, write-offs and their reconciliation, on a generated ledger:
two batches received (a Landed Cost Voucher adds freight), inspected and reworked, one partly written off as
damaged, one sold, both recalled. Each figure is checked against the ledger rows or plain arithmetic."""

import pytest

import frappe
from frappe.utils import add_days, flt, getdate, today

from medical_devices.md_finance import kpis, reconciliation, trends
from medical_devices.md_finance.batch_costs import batch_costs
from medical_devices.md_finance.doctype.device_write_off.device_write_off import (
	WriteOffApprovalError,
	expired_stock,
)
from medical_devices.md_finance.ledger import (
	BATCH_FIELD,
	QUALITY_COSTS,
	WRITE_OFF,
	create_finance_accounts,
	finance_account,
)
from medical_devices.md_finance.report.batch_cost import batch_cost
from medical_devices.md_finance.report.product_line_margin import product_line_margin
from medical_devices.recall.ledger import create_recall_accounts
from tests.factories import TRACE_CUSTOMERS as CUSTOMERS
from tests.factories import TRACE_SUPPLIER as SUPPLIER
from tests.factories import company_stores as ctx
from tests.factories import device_recall as recall
from tests.factories import ensure_item, ensure_user, new_batch, register_item, release, submit, trace_masters

ITEM = "_Test MD Cost Device"
PREPARER = "md-writeoff-preparer@example.com"
APPROVER = "md-writeoff-approver@example.com"
SELF_APPROVER = "md-writeoff-self@example.com"
APPROVER_PASSWORD = "Md-writeoff-2026!"


@pytest.fixture(scope="module", autouse=True)
def finance_setup(frappe_site):
	trace_masters()
	register_item(ensure_item(ITEM, valuation_rate=10))
	create_finance_accounts(ctx().company)
	create_recall_accounts(ctx().company)
	ensure_user(PREPARER, "Stock User", "Stock Manager")
	ensure_user(APPROVER, "Accounts Manager", "Accounts User", "Stock User")
	ensure_user(SELF_APPROVER, "Accounts Manager", "Stock User")
	from frappe.utils.password import update_password

	update_password(APPROVER, APPROVER_PASSWORD)
	frappe.db.commit()  # nosemgrep: masters shared by this module's tests, each of which rolls back its own work
	yield


@pytest.fixture(autouse=True)
def as_administrator():
	yield
	frappe.set_user("Administrator")


def batch(prefix, expiry_days=700):
	return new_batch(ITEM, prefix, expiry_days).name


def receive(lots: dict[str, float], days_ago=30, rate=10):
	return submit(
		{
			"doctype": "Purchase Receipt",
			"supplier": SUPPLIER,
			"posting_date": add_days(today(), -days_ago),
			"set_posting_time": 1,
			"items": [
				{
					"item_code": ITEM,
					"qty": qty,
					"rate": rate,
					"warehouse": ctx().stores,
					"batch_no": lot,
					"use_serial_batch_fields": 1,
				}
				for lot, qty in lots.items()
			],
		}
	)


def landed_cost(receipt, amount):
	company = frappe.get_cached_doc("Company", ctx().company)
	voucher = frappe.get_doc(
		{
			"doctype": "Landed Cost Voucher",
			"company": ctx().company,
			"posting_date": receipt.posting_date,
			"distribute_charges_based_on": "Qty",
			"purchase_receipts": [
				{
					"receipt_document_type": "Purchase Receipt",
					"receipt_document": receipt.name,
					"supplier": receipt.supplier,
					"posting_date": receipt.posting_date,
					"grand_total": receipt.grand_total,
				}
			],
			"taxes": [
				{
					"expense_account": company.expenses_included_in_valuation,
					"description": "Freight",
					"amount": amount,
				}
			],
		}
	)
	voucher.get_items_from_purchase_receipts()
	voucher.insert()
	voucher.submit()
	return voucher


def quality_cost(lot, cost_type, amount, **fields):
	return submit(
		{
			"doctype": "Quality Cost Entry",
			"batch": lot,
			"cost_type": cost_type,
			"amount": amount,
			"description": f"{cost_type} of the batch",
			"posting_date": add_days(today(), -20),
			**fields,
		}
	)


def write_off(rows, reason="Damaged", approve=True, preparer=PREPARER):
	frappe.set_user(preparer)
	doc = frappe.get_doc(
		{
			"doctype": "Device Write Off",
			"company": ctx().company,
			"reason": reason,
			"reason_details": "Cartons crushed in the warehouse",
			"items": [
				{"item_code": ITEM, "batch_no": lot, "warehouse": ctx().stores, "qty": qty}
				for lot, qty in rows
			],
		}
	).insert()
	if approve:
		frappe.set_user(APPROVER)
		doc.reload()
		doc.submit()
	frappe.set_user("Administrator")
	return doc


def sell(lot, qty, rate):
	return submit(
		{
			"doctype": "Sales Invoice",
			"customer": CUSTOMERS[0],
			"update_stock": 1,
			"posting_date": add_days(today(), -10),
			"set_posting_time": 1,
			"items": [
				{
					"item_code": ITEM,
					"qty": qty,
					"rate": rate,
					"warehouse": ctx().stores,
					"batch_no": lot,
					"use_serial_batch_fields": 1,
				}
			],
		}
	)


def gl_sum(**filters) -> float:
	rows = frappe.get_all(
		"GL Entry", filters={"is_cancelled": 0, **filters}, fields=["sum(debit) - sum(credit) as value"]
	)
	return flt(rows[0].value, 2)


def build_costed_story():
	one, two = batch("COST-1"), batch("COST-2")
	receipt = receive({one: 100, two: 50})
	landed_cost(receipt, 150)  # by quantity: 100 to batch one, 50 to batch two
	release(one), release(two)
	quality_cost(one, "Inspection", 80)
	quality_cost(one, "Rework", 20)
	quality_cost(two, "Laboratory Testing", 30)
	damaged = write_off([(two, 10)])
	invoice = sell(one, 40, 30)
	device_recall = recall([one, two]).insert()
	device_recall.submit()
	cost = submit(
		{
			"doctype": "Recall Cost Entry",
			"device_recall": device_recall.name,
			"entry_type": "Actual Cost",
			"posting_date": today(),
			"release_provision": 0,
			"costs": [
				{"cost_category": "Logistics", "amount": 200, "batch": one},
				{"cost_category": "Labour", "amount": 140},
			],
		}
	)
	return frappe._dict(
		one=one, two=two, receipt=receipt, damaged=damaged, invoice=invoice, recall=device_recall, cost=cost
	)


def recalled_qty(device_recall, lot) -> float:
	"""Shipped to customers plus still in stock, as the recall recorded them."""
	device_recall.reload()
	return sum(flt(row.delivered_qty) for row in device_recall.customers if row.batch == lot) + sum(
		flt(row.qty) for row in device_recall.stock if row.batch == lot
	)


def test_batch_cost_adds_landed_quality_write_off_and_recall_costs():
	story = build_costed_story()
	qty_one, qty_two = recalled_qty(story.recall, story.one), recalled_qty(story.recall, story.two)
	assert (qty_one, qty_two) == (100, 40)  # 40 sold + 60 in stock; 50 received - 10 written off
	labour_one = round(140 * qty_one / (qty_one + qty_two), 2)

	costs = batch_costs(ctx().company, today(), [story.one, story.two])
	assert costs[story.one] == {
		"received_qty": 100,
		"acquisition_cost": 1100,  # 100 x 10 + 100 of the freight
		"quality_costs": 100,
		"write_offs": 0,
		"recall_costs": flt(200 + labour_one, 2),
		"total_cost": flt(1100 + 100 + 200 + labour_one, 2),
		"unit_cost": 11,
		"total_unit_cost": flt((1100 + 100 + 200 + labour_one) / 100, 4),
	}
	assert costs[story.two]["acquisition_cost"] == 550
	assert costs[story.two]["quality_costs"] == 30
	assert costs[story.two]["write_offs"] == 110 == story.damaged.total_amount  # 10 x 11
	assert costs[story.two]["recall_costs"] == flt(140 - labour_one, 2)

	# the same figures from the ledger rows themselves
	receipt_value = frappe.db.sql(
		"""select sum(stock_value_difference) from `tabStock Ledger Entry`
		where voucher_no = %s and is_cancelled = 0""",
		story.receipt.name,
	)[0][0]
	assert flt(receipt_value, 2) == 1650
	assert gl_sum(**{BATCH_FIELD: story.one, "account": finance_account(ctx().company, QUALITY_COSTS)}) == 100
	assert gl_sum(**{BATCH_FIELD: story.two, "account": finance_account(ctx().company, WRITE_OFF)}) == 110
	assert gl_sum(md_device_recall=story.recall.name, debit=[">", 0], account=["like", "Recall%"]) == 340

	_columns, data, *_rest = batch_cost.execute(
		{"company": ctx().company, "to_date": today(), "item_code": ITEM}
	)
	by_batch = {row["batch"]: row for row in data}
	assert set(by_batch) >= {story.one, story.two}
	assert by_batch[story.two]["total_cost"] == flt(550 + 30 + 110 + 140 - labour_one, 2)
	assert by_batch[story.one]["cost_of_failure"] == flt(
		(100 + 200 + labour_one) / (1100 + 100 + 200 + labour_one) * 100, 2
	)


def test_product_line_margin_takes_quality_write_offs_and_recalls_off_the_gross_margin():
	story = build_costed_story()
	_columns, data, _message, _chart, _summary = product_line_margin.execute(
		{
			"company": ctx().company,
			"from_date": add_days(today(), -40),
			"to_date": today(),
			"group_by": "Item",
		}
	)
	line = next(row for row in data if row["group"] == ITEM)
	income = -gl_sum(voucher_no=story.invoice.name, account=story.invoice.items[0].income_account)
	cogs = gl_sum(voucher_no=story.invoice.name, account=story.invoice.items[0].expense_account)
	assert (line["revenue"], line["cost_of_goods_sold"]) == (income, cogs) == (1200, 440)
	assert (line["quality_costs"], line["write_offs"], line["recall_costs"]) == (130, 110, 340)
	assert line["margin"] == 1200 - 440 - 130 - 110 - 340
	assert line["margin_percent"] == flt(180 / 1200 * 100, 2)

	_columns, by_class, *_rest = product_line_margin.execute(
		{
			"company": ctx().company,
			"from_date": add_days(today(), -40),
			"to_date": today(),
			"group_by": "Device Class",
		}
	)
	class_two = next(row for row in by_class if row["group"] == "Class II")
	assert class_two["recall_costs"] >= 340 and class_two["revenue"] >= 1200


def test_quality_costs_reconcile_and_a_cost_posted_by_hand_shows_up_with_its_document():
	story = build_costed_story()
	lines = {
		row["batch"]: row
		for row in reconciliation.reconcile(ctx().company, today())
		if row["check"] == reconciliation.QUALITY
	}
	assert (lines[story.one]["subledger_value"], lines[story.one]["gl_value"]) == (100, 100)
	assert (lines[story.two]["subledger_value"], lines[story.two]["gl_value"]) == (140, 140)
	assert not [row for row in lines.values() if reconciliation.is_difference(row)]

	company = frappe.get_cached_doc("Company", ctx().company)
	stray = submit(
		{
			"doctype": "Journal Entry",
			"posting_date": today(),
			"accounts": [
				{
					"account": finance_account(ctx().company, QUALITY_COSTS),
					"debit_in_account_currency": 25,
					"cost_center": company.cost_center,
					BATCH_FIELD: story.one,
				},
				{
					"account": company.default_cash_account,
					"credit_in_account_currency": 25,
					"cost_center": company.cost_center,
				},
			],
		}
	)
	found = [
		row
		for row in reconciliation.reconcile(ctx().company, today())
		if reconciliation.is_difference(row) and row["check"] == reconciliation.QUALITY
	]
	assert [(row["batch"], row["difference"]) for row in found] == [(story.one, -25)]
	drill = reconciliation.differences(ctx().company, today(), reconciliation.QUALITY, batch=story.one)
	assert [(row["voucher_type"], row["voucher_no"], row["difference"]) for row in drill] == [
		("Journal Entry", stray.name, -25)
	]


def test_cancelling_a_quality_cost_entry_reverses_its_journal_and_its_journal_alone_cannot_be_cancelled():
	lot = batch("COST-C")
	receive({lot: 10})
	entry = quality_cost(lot, "Inspection", 45)
	journal = frappe.get_doc("Journal Entry", entry.journal_entry)
	assert journal.md_quality_cost_entry == entry.name
	assert {row.get(BATCH_FIELD) for row in journal.accounts} == {lot}
	with pytest.raises(frappe.ValidationError, match="cancel that entry instead"):
		journal.cancel()
	entry.reload()
	entry.md_reason = "Inspection booked to the wrong batch"
	entry.cancel()
	assert frappe.db.get_value("Journal Entry", entry.journal_entry, "docstatus") == 2
	assert batch_costs(ctx().company, today(), [lot])[lot]["quality_costs"] == 0


def test_bad_quality_cost_entries_are_refused():
	lot = batch("COST-B")
	base = {
		"doctype": "Quality Cost Entry",
		"batch": lot,
		"cost_type": "Laboratory Testing",
		"description": "x",
	}
	with pytest.raises(frappe.ValidationError, match="greater than zero"):
		frappe.get_doc({"company": ctx().company, **base, "amount": 0}).insert()
	payable = frappe.get_cached_value("Company", ctx().company, "default_payable_account")
	with pytest.raises(frappe.ValidationError, match="needs the party"):
		frappe.get_doc({"company": ctx().company, **base, "amount": 5, "credit_account": payable}).insert()
	assert not frappe.db.exists("Quality Cost Entry", {"batch": lot})


def test_a_write_off_needs_a_second_person_with_authority_and_stock_on_hand():
	lot = batch("COST-W")
	receive({lot: 20})
	release(lot)
	draft = write_off([(lot, 5)], approve=False)
	frappe.set_user(PREPARER)  # stock staff prepare, they do not approve
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc("Device Write Off", draft.name).submit()

	own = write_off([(lot, 5)], approve=False, preparer=SELF_APPROVER)
	frappe.set_user(SELF_APPROVER)  # an Accounts Manager may approve, but not what they prepared
	with pytest.raises(WriteOffApprovalError, match="second person"):
		frappe.get_doc("Device Write Off", own.name).submit()
	frappe.set_user("Administrator")

	# nor what they changed: an approver who edits a colleague's draft is no longer the second person
	edited = write_off([(lot, 5)], approve=False)
	frappe.set_user(APPROVER)
	doc = frappe.get_doc("Device Write Off", edited.name)
	doc.items[0].qty = 4
	doc.md_reason = "Recounted the crushed cartons"
	doc.save()
	with pytest.raises(WriteOffApprovalError, match="prepared or changed"):
		frappe.get_doc("Device Write Off", edited.name).submit()
	frappe.set_user("Administrator")

	with pytest.raises(frappe.ValidationError, match="cannot be written off"):
		write_off([(lot, 25)], approve=False)
	assert frappe.db.get_value("Device Write Off", draft.name, "docstatus") == 0
	assert not frappe.db.exists(
		"Stock Entry", {"md_device_write_off": ["in", [draft.name, own.name, edited.name]]}
	)


def test_a_stock_entry_signature_rule_binds_what_people_submit_not_the_entry_a_write_off_posts():
	from medical_devices.audit.signature import SignatureRequiredError, sign

	lot = batch("COST-SIG")
	receive({lot: 10})
	release(lot)
	with settings_rules({"document_type": "Stock Entry", "sign_submit": 1}):
		posted = write_off([(lot, 2)])
		entry = frappe.get_doc("Stock Entry", posted.stock_entry)
		assert entry.docstatus == 1 and entry.md_device_write_off == posted.name
		assert not frappe.db.exists("Electronic Signature", {"ref_name": entry.name})
		# a Stock Entry a person submits still needs the signature
		manual = frappe.get_doc(
			{
				"doctype": "Stock Entry",
				"stock_entry_type": "Material Transfer",
				"purpose": "Material Transfer",
				"company": ctx().company,
				"items": [
					{
						"item_code": ITEM,
						"qty": 1,
						"s_warehouse": ctx().stores,
						"t_warehouse": ctx().stores,
						"batch_no": lot,
						"use_serial_batch_fields": 1,
					}
				],
			}
		).insert()
		with pytest.raises(SignatureRequiredError):
			manual.submit()
	with settings_rules({"document_type": "Device Write Off", "sign_submit": 1}):
		draft = write_off([(lot, 1)], approve=False)
		frappe.set_user(APPROVER)
		sign("Device Write Off", draft.name, "Submit", "Approved", APPROVER_PASSWORD)
		frappe.get_doc("Device Write Off", draft.name).submit()
		frappe.set_user("Administrator")
		assert frappe.get_all(
			"Electronic Signature",
			{"ref_doctype": "Device Write Off", "ref_name": draft.name},
			pluck="meaning",
		) == ["Approved"]


def test_a_posting_inherits_the_signature_of_its_source_document_on_submit_and_on_cancel():
	"""medical_devices/medical_devices/ledger.py: the journal a signed Quality Cost Entry posts, and its reversal,
	are part of the signed change (their trail entries name the entry); a journal a person submits still needs
	its own signature."""
	from medical_devices.audit.signature import SignatureRequiredError, sign
	from medical_devices.audit.trail import entries_of, flush

	lot = batch("COST-SIGN-JE")
	receive({lot: 10})
	rules = (
		{"document_type": "Journal Entry", "sign_submit": 1, "sign_cancel": 1},
		{"document_type": "Quality Cost Entry", "sign_submit": 1, "sign_cancel": 1},
	)
	with settings_rules(*rules):
		frappe.set_user(APPROVER)
		entry = frappe.get_doc(
			{
				"doctype": "Quality Cost Entry",
				"company": ctx().company,
				"batch": lot,
				"cost_type": "Inspection",
				"amount": 40,
				"description": "Inspection of the batch",
				"posting_date": today(),
			}
		).insert()
		with pytest.raises(SignatureRequiredError):
			frappe.get_doc("Quality Cost Entry", entry.name).submit()
		sign("Quality Cost Entry", entry.name, "Submit", "Approved", APPROVER_PASSWORD)
		entry = frappe.get_doc("Quality Cost Entry", entry.name)
		entry.submit()
		journal = entry.journal_entry
		assert frappe.db.get_value("Journal Entry", journal, "docstatus") == 1

		sign("Quality Cost Entry", entry.name, "Cancel", "Cancelled", APPROVER_PASSWORD)
		entry.reload()
		entry.md_reason = "Booked to the wrong batch"
		entry.cancel()
		frappe.set_user("Administrator")
		assert frappe.db.get_value("Journal Entry", journal, "docstatus") == 2

		signed = frappe.get_all(
			"Electronic Signature",
			{"ref_doctype": "Quality Cost Entry", "ref_name": entry.name},
			pluck="meaning",
		)
		assert sorted(signed) == ["Approved", "Cancelled"]
		assert not frappe.db.exists(
			"Electronic Signature", {"ref_doctype": "Journal Entry", "ref_name": journal}
		)
		flush()  # chain the staged entries, as the commit would
		journal_entries = entries_of("Journal Entry", journal)
		assert {row.action for row in journal_entries} >= {"Submit", "Cancel"}
		for row in journal_entries:
			assert row.changes["by"] == {"document": ["Quality Cost Entry", entry.name]}, row

		manual = frappe.get_doc(
			{
				"doctype": "Journal Entry",
				"company": ctx().company,
				"posting_date": today(),
				"accounts": [
					{
						"account": finance_account(ctx().company, QUALITY_COSTS),
						"debit_in_account_currency": 5,
					},
					{
						"account": frappe.get_cached_value("Company", ctx().company, "default_cash_account"),
						"credit_in_account_currency": 5,
					},
				],
			}
		).insert()
		with pytest.raises(SignatureRequiredError):
			manual.submit()


def settings_rules(*rules):
	"""Signature rules in Medical Device Settings for a block (rolled back with the test)."""
	import contextlib

	@contextlib.contextmanager
	def apply():
		doc = frappe.get_single("Medical Device Settings")
		before = [row.as_dict() for row in doc.signature_rules]
		doc.set("signature_rules", list(rules))
		doc.md_reason = "Signature rule for the test"
		doc.save()
		try:
			yield
		finally:
			doc = frappe.get_single("Medical Device Settings")
			doc.set("signature_rules", before)
			doc.md_reason = "End of the test"
			doc.save()

	return apply()


def test_writing_off_expired_stock_takes_exactly_its_value_at_risk_to_the_write_off_account():
	lot = batch("COST-X", expiry_days=-5)
	receive({lot: 12}, days_ago=60, rate=7)
	release(lot)
	risk_before = kpis.value_at_risk(ctx().company, today())
	rows = [row for row in expired_stock(ctx().company) if row["batch_no"] == lot]
	assert [(row["qty"], row["amount"]) for row in rows] == [(12, 84)]

	done = write_off([(lot, 12)], reason="Expired")
	assert done.docstatus == 1 and done.approved_by == APPROVER and done.total_amount == 84
	entry = frappe.get_doc("Stock Entry", done.stock_entry)
	assert (entry.purpose, entry.md_is_disposal, entry.items[0].get(BATCH_FIELD)) == (
		"Material Issue",
		1,
		lot,
	)
	account = finance_account(ctx().company, WRITE_OFF)
	assert gl_sum(voucher_no=entry.name, account=account) == 84
	assert flt(risk_before - kpis.value_at_risk(ctx().company, today()), 2) == 84
	assert kpis.company_kpis(ctx().company)["write_offs_ytd"] == gl_sum(
		account=account, company=ctx().company, posting_date=[">=", getdate(today()).replace(month=1, day=1)]
	)

	from frappe.www.printview import get_rendered_template

	done.reload()
	html = get_rendered_template(done, print_format=frappe.get_doc("Print Format", "Device Write Off Record"))
	batch_id = frappe.db.get_value("Batch", lot, "batch_id")
	assert batch_id in html and done.stock_entry in html and "84.00" in html
	assert frappe.utils.get_fullname(APPROVER) in html and "Destruction Witness" in html

	done = frappe.get_doc("Device Write Off", done.name)
	done.md_reason = "Stock found again at the count"
	done.cancel()
	assert frappe.db.get_value("Stock Entry", done.stock_entry, "docstatus") == 2
	assert flt(kpis.value_at_risk(ctx().company, today()), 2) == flt(risk_before, 2)


def test_quality_cost_card_and_monthly_charts_agree_with_the_ledger():
	build_costed_story()
	figures = kpis.company_kpis(ctx().company)
	year_start = getdate(today()).replace(month=1, day=1)
	accounts = {
		row.name: row
		for row in frappe.get_all(
			"Account", filters={"company": ctx().company}, fields=["name", "root_type", "account_type"]
		)
	}
	write_off_account = finance_account(ctx().company, WRITE_OFF)
	rows = frappe.get_all(
		"GL Entry",
		filters={"company": ctx().company, "is_cancelled": 0, "posting_date": [">=", year_start]},
		fields=["account", "debit", "credit", "posting_date", BATCH_FIELD, "md_device_recall"],
	)
	quality = sum(
		row.debit - row.credit
		for row in rows
		if row.get(BATCH_FIELD)
		and not row.md_device_recall
		and row.account != write_off_account
		and accounts[row.account].root_type == "Expense"
		and accounts[row.account].account_type != "Cost of Goods Sold"
	)
	assert figures["quality_cost_ytd"] == flt(quality, 2) and quality >= 130
	kpis.forget_kpis(ctx().company)  # the cards' cached figures predate this test's postings
	assert kpis.quality_cost_ytd_card({"company": ctx().company})["value"] == figures["quality_cost_ytd"]

	series = trends.cost_series(ctx().company)
	this_month = getdate(today()).replace(day=1)
	month_rows = [row for row in rows if getdate(row.posting_date) >= this_month]
	recall = sum(
		row.debit - row.credit
		for row in month_rows
		if row.md_device_recall and accounts[row.account].root_type == "Expense"
	)
	assert series[-1]["month"] == this_month and len(series) == 12
	assert series[-1]["recall"] == flt(recall, 2)

	days = trends.working_capital_days(ctx().company)[-1]
	month_kpis = kpis.company_kpis(ctx().company, this_month, today())
	assert (days["dio"], days["dso"], days["dpo"], days["cash_conversion_cycle"]) == (
		month_kpis["dio"],
		month_kpis["dso"],
		month_kpis["dpo"],
		month_kpis["cash_conversion_cycle"],
	)
	chart = trends.working_capital_chart(ctx().company)
	assert len(chart["labels"]) == 12 and len(chart["datasets"]) == 4


def test_one_definition_of_quality_cost_and_write_off_card_chart_reports_and_documents_agree():
	"""md_finance/figures.py: the card, the chart, Batch Cost, Product Line Margin and the reconciliation count
	the same quality costs and write-offs as the source documents, after receipts, a sale, a recall (whose costs
	and customer return are no quality cost), and cancels of a cost entry and of a write-off."""
	from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return

	from medical_devices.md_finance import figures

	story = build_costed_story()
	cancelled_cost = quality_cost(story.one, "Rework", 55)
	cancelled_cost.md_reason = "Booked to the wrong batch"
	cancelled_cost.cancel()
	cancelled_write_off = write_off([(story.two, 5)])
	cancelled_write_off.md_reason = "Cartons were not damaged after all"
	cancelled_write_off.cancel()
	back = make_sales_return(story.invoice.name)
	back.md_device_recall = story.recall.name
	for row in back.items:
		row.qty = -5
		row.md_device_recall = story.recall.name
	back.insert().submit()

	company, year_start = ctx().company, getdate(today()).replace(month=1, day=1)
	documents = {
		"quality": sum(
			frappe.get_all(
				"Quality Cost Entry",
				filters={"company": company, "docstatus": 1, "posting_date": [">=", year_start]},
				pluck="amount",
			)
		),
		"write_off": sum(
			frappe.get_all(
				"Device Write Off",
				filters={"company": company, "docstatus": 1, "posting_date": [">=", year_start]},
				pluck="total_amount",
			)
		),
	}
	assert documents["quality"] >= 130 and documents["write_off"] >= 110

	kpis.forget_kpis(company)
	card = kpis.company_kpis(company)
	assert card["quality_cost_ytd"] == flt(documents["quality"], 2)
	assert card["write_offs_ytd"] == flt(documents["write_off"], 2)
	assert kpis.write_offs_ytd_card({"company": company})["value"] == card["write_offs_ytd"]

	series = trends.cost_series(company)
	assert (
		flt(sum(row["quality"] for row in series if row["month"] >= year_start), 2)
		== card["quality_cost_ytd"]
	)
	assert (
		flt(sum(row["write_off"] for row in series if row["month"] >= year_start), 2)
		== card["write_offs_ytd"]
	)

	_columns, lines, *_rest = product_line_margin.execute(
		{"company": company, "from_date": year_start, "to_date": today(), "group_by": "Item"}
	)
	assert flt(sum(row["quality_costs"] for row in lines), 2) == card["quality_cost_ytd"]
	assert flt(sum(row["write_offs"] for row in lines), 2) == card["write_offs_ytd"]

	_columns, rows, *_rest = batch_cost.execute({"company": company, "to_date": today()})
	assert flt(sum(row["quality_costs"] for row in rows), 2) == figures.quality_costs(company, None, today())
	assert flt(sum(row["write_offs"] for row in rows), 2) == figures.write_offs(company, None, today())
	by_batch = {row["batch"]: row for row in rows}
	assert (by_batch[story.one]["quality_costs"], by_batch[story.two]["write_offs"]) == (100, 110)

	assert not [
		row
		for row in reconciliation.reconcile(company, today())
		if reconciliation.is_difference(row) and row["check"] == reconciliation.QUALITY
	]
