"""Recall costs in the ledger and the four NMPA recall forms, on the traceability story: two component batches
received, repacked into a finished batch, sold to three customers, one return; a class I recall of component
batch A reaches the finished batch."""

import pytest

import frappe
from frappe.utils import add_days, flt, today

from medical_devices.recall.ledger import (
	DIMENSION_FIELD,
	create_recall_accounts,
	open_provision,
	recall_account,
)
from tests.factories import TRACE_CUSTOMERS as CUSTOMERS
from tests.factories import TRACE_FINISHED as FINISHED
from tests.factories import TRACE_SUPPLIER as SUPPLIER
from tests.factories import (
	company_stores,
	first_company,
	outgoing_email_account,
	release,
	submit,
	trace_masters,
)
from tests.factories import device_recall as recall
from tests.factories import named_batch as new_batch
from tests.factories import trace_story as build_story
from tests.outputs import pdf_text


@pytest.fixture(scope="module", autouse=True)
def recall_accounts(frappe_site):
	trace_masters()
	create_recall_accounts(first_company())
	frappe.db.commit()  # nosemgrep: accounts and settings shared by this module's tests
	yield


def ctx():
	"""The test company, its Stores, and the payable and cash accounts the recall's costs are paid from."""
	found = company_stores()
	found.payable, found.cash = frappe.get_cached_value(
		"Company", found.company, ["default_payable_account", "default_cash_account"]
	)
	return found


def account(purpose):
	return recall_account(ctx().company, purpose)


def cost_entry(recall_name, entry_type="Actual Cost", **fields):
	return frappe.get_doc(
		{
			"doctype": "Recall Cost Entry",
			"device_recall": recall_name,
			"entry_type": entry_type,
			"posting_date": today(),
			**fields,
		}
	)


def recall_balances(recall_name) -> dict[str, float]:
	"""Debit minus credit per account of every live GL entry carrying the recall as dimension."""
	gle = frappe.qb.DocType("GL Entry")
	rows = (
		frappe.qb.from_(gle)
		.select(gle.account, frappe.query_builder.functions.Sum(gle.debit - gle.credit))
		.where(gle[DIMENSION_FIELD] == recall_name)
		.where(gle.is_cancelled == 0)
		.groupby(gle.account)
		.run()
	)
	return {account: flt(balance, 2) for account, balance in rows if flt(balance, 2)}


def replacement_batch():
	"""Two released units of the finished item from another batch, at 25 each, to send as replacements."""
	batch = new_batch("TRACE-R", FINISHED)
	submit(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Receipt",
			"purpose": "Material Receipt",
			"items": [
				{
					"item_code": FINISHED,
					"qty": 5,
					"basic_rate": 25,
					"t_warehouse": ctx().stores,
					"batch_no": batch,
					"use_serial_batch_fields": 1,
				}
			],
		}
	)
	release(batch)
	return batch


def test_recall_costs_post_to_the_ledger_by_recall_and_cancel_reverses_them():
	story = build_story()
	doc = recall([story.lot_a]).insert()
	doc.submit()

	provision = cost_entry(doc.name, "Provision", provision_amount=1000).insert()
	provision.submit()
	assert open_provision(doc.name, ctx().company) == 1000

	first = cost_entry(
		doc.name,
		costs=[
			{"cost_category": "Logistics", "amount": 300, "party_type": "Supplier", "party": SUPPLIER},
			{"cost_category": "Labour", "amount": 200, "description": "QA overtime"},
			{"cost_category": "Destruction", "amount": 150, "batch": story.finished},
		],
	).insert()
	first.submit()
	assert (first.total_amount, first.provision_released) == (650, 650)
	assert frappe.db.get_value("Journal Entry", first.journal_entry, "md_recall_cost_entry") == first.name

	spare = replacement_batch()
	second = cost_entry(
		doc.name,
		costs=[{"cost_category": "Notification", "amount": 80}],
		replacement_items=[{"item_code": FINISHED, "warehouse": ctx().stores, "batch": spare, "qty": 2}],
	).insert()
	second.submit()
	assert (second.replacement_value, second.total_amount, second.provision_released) == (50, 130, 130)
	issue = frappe.get_doc("Stock Entry", second.stock_entry)
	assert (issue.purpose, issue.md_device_recall, issue.items[0].expense_account) == (
		"Material Issue",
		doc.name,
		account("Replacement Product"),
	)
	stock_account = frappe.db.get_value(
		"GL Entry", {"voucher_no": issue.name, "credit": [">", 0], "is_cancelled": 0}, "account"
	)

	assert recall_balances(doc.name) == {
		account("Logistics"): 300,
		account("Labour"): 200,
		account("Destruction"): 150,
		account("Notification"): 80,
		account("Replacement Product"): 50,
		account("Provision Expense"): 220,  # 1000 provided, 650 + 130 used
		account("Provision Liability"): -220,
		ctx().payable: -300,
		ctx().cash: -430,
		stock_account: -50,
	}
	supplier_owed = frappe.db.sql(
		"select sum(credit - debit) from `tabGL Entry` where party = %s and voucher_no = %s and is_cancelled = 0",
		(SUPPLIER, first.journal_entry),
	)[0][0]
	assert supplier_owed == 300
	assert frappe.db.get_value("Device Recall", doc.name, "total_cost") == 780

	# posting twice is refused; the postings themselves cannot be cancelled behind the entry's back
	with pytest.raises(frappe.ValidationError, match="already posted"):
		second.run_method("on_submit")
	with pytest.raises(frappe.ValidationError, match="cancel that entry instead"):
		frappe.get_doc("Journal Entry", second.journal_entry).cancel()

	second.md_reason = "Booked twice"
	second.cancel()
	assert frappe.db.get_value("Journal Entry", second.journal_entry, "docstatus") == 2
	assert frappe.db.get_value("Stock Entry", second.stock_entry, "docstatus") == 2
	balances = recall_balances(doc.name)
	assert account("Notification") not in balances and account("Replacement Product") not in balances
	assert balances[account("Provision Expense")] == 350 and open_provision(doc.name, ctx().company) == 350
	assert frappe.db.get_value("Batch", spare, "batch_qty") == 5
	assert frappe.db.get_value("Device Recall", doc.name, "total_cost") == 650

	# the amended entry posts afresh, once
	amended = frappe.copy_doc(second, ignore_no_copy=False)
	amended.amended_from = second.name
	amended.md_reason = "Invoice booked once, correctly"
	amended.insert()
	amended.submit()
	assert amended.journal_entry != second.journal_entry
	assert recall_balances(doc.name)[account("Notification")] == 80

	release_rest = cost_entry(doc.name, "Provision Release").insert()
	assert release_rest.provision_amount == 220
	release_rest.submit()
	balances = recall_balances(doc.name)
	assert account("Provision Expense") not in balances and account("Provision Liability") not in balances
	expenses = sum(
		balances[account(c)]
		for c in ("Logistics", "Labour", "Destruction", "Notification", "Replacement Product")
	)
	assert expenses == 780 == frappe.db.get_value("Device Recall", doc.name, "total_cost")
	with pytest.raises(frappe.ValidationError, match="no open provision"):
		cost_entry(doc.name, "Provision Release").insert()

	# ERPNext's own General Ledger report filters by the recall like by any dimension
	from erpnext.accounts.report.general_ledger.general_ledger import execute as general_ledger

	ledger = general_ledger(
		frappe._dict(
			company=ctx().company,
			from_date=add_days(today(), -1),
			to_date=today(),
			account=[account("Logistics")],
			md_device_recall=[doc.name],
			group_by="Group by Voucher (Consolidated)",
		)
	)[1]
	assert next(row for row in ledger if row.get("account") == "'Total'")["debit"] == 300

	summary = cost_summary(doc.name)
	rows = {(row["category"], row["batch"]): row["amount"] for row in summary[1]}
	# recalled quantity: lot A 30 still in stock; finished batch 9 shipped + 2 in stock
	assert rows[("Logistics", story.lot_a)] == 219.51 and rows[("Logistics", story.finished)] == 80.49
	assert rows[("Destruction", story.finished)] == 150
	assert round(sum(row["amount"] for row in summary[1]), 2) == expenses
	assert summary[4][0]["value"] == 780 and summary[4][2]["value"] == 0
	by_category = {row["category"]: row["amount"] for row in cost_summary(doc.name, "Category")[1]}
	assert by_category == {
		"Logistics": 300,
		"Labour": 200,
		"Destruction": 150,
		"Notification": 80,
		"Replacement Product": 50,
	}


def execute_summary(filters):
	from medical_devices.recall.report.recall_cost_summary.recall_cost_summary import execute

	return execute(filters)


def cost_summary(recall_name, group_by="Batch"):
	from medical_devices.recall.report.recall_cost_summary.recall_cost_summary import execute

	return execute({"company": ctx().company, "device_recall": recall_name, "group_by": group_by})


def test_bad_cost_entries_are_refused_with_a_reason_and_leave_nothing():
	story = build_story()
	draft = recall([story.lot_a]).insert()
	with pytest.raises(frappe.ValidationError, match="not submitted"):
		cost_entry(draft.name, costs=[{"cost_category": "Logistics", "amount": 10}]).insert()
	draft.submit()
	other = story.lot_b  # not in this recall's scope
	cases = [
		({"costs": []}, "at least one cost line"),
		({"costs": [{"cost_category": "Logistics", "amount": 10, "batch": other}]}, "not one of the batches"),
		(
			{"costs": [{"cost_category": "Logistics", "amount": 10, "credit_account": ctx().payable}]},
			"needs the party",
		),
		(
			{"costs": [{"cost_category": "Logistics", "amount": 10, "party_type": "Supplier"}]},
			"both the party type",
		),
		(
			{"replacement_items": [{"item_code": FINISHED, "warehouse": ctx().stores, "qty": 1}]},
			"choose the batch",
		),
	]
	from medical_devices.recall.doctype.recall_cost_entry.recall_cost_entry import recalled_batch_query

	offered = recalled_batch_query("Batch", "", "name", 0, 20, {"device_recall": draft.name})
	assert {row[1] for row in offered} == {"TRACE-A", "TRACE-F"}
	assert [
		row[1]
		for row in recalled_batch_query("Batch", "trace-f", "name", 0, 20, {"device_recall": draft.name})
	] == ["TRACE-F"]
	before = frappe.db.count("Journal Entry")
	for fields, message in cases:
		with pytest.raises(frappe.ValidationError, match=message):
			cost_entry(draft.name, **fields).insert()
	with pytest.raises(frappe.ValidationError, match="Enter the provision amount"):
		cost_entry(draft.name, "Provision").insert()
	assert frappe.db.count("Journal Entry") == before
	assert not frappe.get_all("Recall Cost Entry", {"device_recall": draft.name})


def test_the_whole_recall_story_from_receipt_to_the_regulator_forms():
	"""Receive 2 batches, make a finished batch of them, sell to 3 customers, one returns; a class I recall of one
	component batch; notices, a return against the recall, two cost entries (one cancelled), close-out, forms."""
	from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_return

	from medical_devices.recall.doctype.device_recall.device_recall import close_recall, send_notices

	outgoing_email_account()
	story = build_story()
	frappe.db.set_value("Customer", CUSTOMERS[0], "email_id", "qa@hospital-a.example")
	frappe.db.set_value("Customer", CUSTOMERS[1], "email_id", "buyer@hospital-b.example")
	doc = recall(
		[story.lot_a],
		recall_method="Market Withdrawal",
		responsible_person="王经理",
		responsible_phone="0571-88886666",
		handler_name="李质量",
		intended_use="一次性使用无菌注射器",
		regions="浙江省、江苏省",
		investigation_result="密封不良",
		treatment="集中销毁",
	).insert()
	assert doc.affected_batches.split("\n") == ["TRACE-A", "TRACE-F"]
	assert {(c.customer, c.delivered_qty, c.returned_qty, c.held_qty) for c in doc.customers} == {
		(CUSTOMERS[0], 4, 1, 3),
		(CUSTOMERS[1], 3, 0, 3),
		(CUSTOMERS[2], 2, 0, 2),
	}
	doc.submit()

	assert sorted(send_notices(doc.name)["sent"]) == sorted(CUSTOMERS[:2])
	back = make_sales_return(story.notes[1].name)
	back.md_device_recall = doc.name
	back.insert()
	back.submit()

	first = cost_entry(
		doc.name,
		costs=[
			{"cost_category": "Logistics", "amount": 300, "party_type": "Supplier", "party": SUPPLIER},
			{"cost_category": "Labour", "amount": 200},
		],
	).insert()
	first.submit()
	second = cost_entry(
		doc.name, costs=[{"cost_category": "Destruction", "amount": 150, "batch": story.finished}]
	)
	second.insert().submit()
	# the return names the recall, so its stock movement is in the recall's ledger too: 3 units back at 12
	returned = {
		row.account: row.debit - row.credit
		for row in frappe.get_all(
			"GL Entry", {"voucher_no": back.name, "is_cancelled": 0}, ["account", "debit", "credit"]
		)
	}
	assert sorted(returned.values()) == [-36, 36]
	assert recall_balances(doc.name) == {
		account("Logistics"): 300,
		account("Labour"): 200,
		account("Destruction"): 150,
		ctx().payable: -300,
		ctx().cash: -350,
		**returned,
	}
	second.md_reason = "Invoice booked twice"
	second.cancel()
	assert recall_balances(doc.name) == {
		account("Logistics"): 300,
		account("Labour"): 200,
		ctx().payable: -300,
		ctx().cash: -200,
		**returned,
	}

	close_recall(doc.name, "全部客户书面确认", "召回有效且已完成")
	doc = frappe.get_doc("Device Recall", doc.name)
	assert (doc.status, doc.total_returned, doc.recovery_rate, doc.total_cost) == ("Closed", 4, 44.44, 500)

	# one figure: the workspace card, its chart, the recall and the report agree, after a return naming the recall
	# (its cost of sales credited back, 36, carries the recall and is no cost), a provision, its release and a cancel
	from medical_devices.md_finance import kpis, trends
	from medical_devices.md_finance.figures import recall_costs

	assert recall_costs(recall=doc.name) == 500
	company_total = sum(
		frappe.get_all("Device Recall", {"company": ctx().company, "docstatus": 1}, pluck="total_cost")
	)
	this_year = today()[:4] + "-01-01"
	summary_total = round(
		sum(
			row["amount"]
			for row in execute_summary(
				{"company": ctx().company, "from_date": this_year, "to_date": today()}
			)[1]
		),
		2,
	)
	kpis.forget_kpis(ctx().company)
	card = kpis.company_kpis(ctx().company)["recall_cost_ytd"]
	assert card == summary_total == flt(company_total, 2) and card >= 500
	assert trends.cost_series(ctx().company)[-1]["recall"] == recall_costs(
		ctx().company, today()[:8] + "01", today()
	)
	tagged_expense = frappe.db.sql(
		"""select sum(gle.debit - gle.credit) from `tabGL Entry` gle join tabAccount a on a.name = gle.account
		where gle.company = %s and gle.is_cancelled = 0 and a.root_type = 'Expense' and gle.voucher_no = %s""",
		(ctx().company, back.name),
	)[0][0]
	assert flt(tagged_expense) == -36  # what the card used to take off the recall's cost

	made_on = frappe.utils.formatdate(frappe.db.get_value("Batch", story.lot_a, "manufacturing_date"))
	expires = frappe.utils.formatdate(frappe.db.get_value("Batch", story.lot_a, "expiry_date"))
	event = pdf_text(doc, "Recall Event Report")
	for text in (
		"医疗器械召回事件报告表",
		"☑省级药品监督管理部门",
		"注册证或备案凭证编码_TestMDReg_TestMDTraceComponent",
		"一级召回",
		f"TRACE-A{made_on}{expires}500",  # lot A: 50 received, none sold as such
		"TRACE-F",
		"涉及产品在中国的销售数量9",
		"王经理0571-88886666",
		"浙江省、江苏省",
		"收回",
	):
		assert text in event, text

	plan = pdf_text(doc, "Recall Plan")
	for text in (
		"调查评估报告",
		"召回计划",
		"密封不良",
		"集中销毁",
		"TRACE-F1095",
	):  # made 10, shipped 9, 5 at hand
		assert text in plan, text

	progress = pdf_text(doc, "Recall Progress Report")
	for text in (
		"召回计划实施情况报告",
		"应当通知人数3已通知人数2",
		"电子邮件",
		"应当召回数量9已完成数量4",
		"44.44%",
		CUSTOMERS[2].replace(" ", ""),
	):
		assert text in progress, text

	summary = pdf_text(doc, "Recall Summary Evaluation Report")
	for text in (
		"召回总结评估报告",
		"全部客户书面确认",
		"召回有效且已完成",
		"物流:$300.00",
		"人工:$200.00",
		"$500.00",
	):
		assert text in summary, text
	assert "销毁:" not in summary  # the cancelled entry's cost is gone


def test_notify_deadline_examples_still_hold_for_costs():
	# a recall started three days ago is open; a cost dated before it is still accepted (invoices arrive late)
	story = build_story()
	doc = recall([story.lot_b], start_date=add_days(today(), -3)).insert()
	doc.submit()
	entry = cost_entry(
		doc.name, posting_date=add_days(today(), -10), costs=[{"cost_category": "Labour", "amount": 5}]
	)
	entry.insert().submit()
	assert recall_balances(doc.name)[account("Labour")] == 5
