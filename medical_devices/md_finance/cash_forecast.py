"""A 13-week cash forecast of one company from what ERPNext already knows: open sales and purchase invoices by the
due dates of their payment schedules, open sales and purchase orders (what is not yet invoiced, by their payment
schedule or delivery date), and recurring documents (Auto Repeat of journal entries and invoices) on the dates
Auto Repeat will make them. Actual receipts and payments are the movements of the bank and cash accounts, per
voucher, so that transfers between them count as neither.

Each source is one grouped query (plus one for its payment schedules); amounts are in the company currency."""

import datetime

import frappe
from frappe.utils import flt, getdate

from medical_devices.md_finance.cash_flows import (
	WEEKS,
	bucket_flows,
	running_balances,
	spread_outstanding,
	week_starts,
)

RECEIPTS_INVOICES = "receipts_from_invoices"
RECEIPTS_ORDERS = "receipts_from_orders"
PAYMENTS_INVOICES = "payments_for_invoices"
PAYMENTS_ORDERS = "payments_for_orders"
RECURRING = "recurring_net"
KINDS = (RECEIPTS_INVOICES, RECEIPTS_ORDERS, PAYMENTS_INVOICES, PAYMENTS_ORDERS, RECURRING)
CASH_ACCOUNT_TYPES = ("Bank", "Cash")


def build_forecast(company: str, start: datetime.date) -> dict:
	"""{opening_balance, weeks: [{week_start, week_end, <kinds>, net_flow, opening_balance, closing_balance}],
	overdue: {kind: amount}} for the 13 weeks from `start` (a Monday)."""
	starts = week_starts(start)
	horizon = starts[-1] + datetime.timedelta(days=6)
	flows = (
		invoice_flows(company, "Sales Invoice", RECEIPTS_INVOICES)
		+ invoice_flows(company, "Purchase Invoice", PAYMENTS_INVOICES)
		+ order_flows(company, "Sales Order", RECEIPTS_ORDERS)
		+ order_flows(company, "Purchase Order", PAYMENTS_ORDERS)
		+ recurring_flows(company, horizon)
	)
	buckets, overdue = bucket_flows(flows, starts)
	opening = cash_balance(company, start - datetime.timedelta(days=1))
	weeks = []
	for first, bucket in zip(starts, buckets, strict=True):
		row = {"week_start": first, "week_end": first + datetime.timedelta(days=6)}
		for kind in KINDS:
			value = flt(bucket.get(kind), 2)
			row[kind] = -value if kind in (PAYMENTS_INVOICES, PAYMENTS_ORDERS) else value
		row["net_flow"] = flt(sum(flt(bucket.get(kind)) for kind in KINDS), 2)
		weeks.append(row)
	for row, (week_opening, week_closing) in zip(
		weeks, running_balances(opening, [row["net_flow"] for row in weeks]), strict=True
	):
		row["opening_balance"], row["closing_balance"] = flt(week_opening, 2), flt(week_closing, 2)
	return {"opening_balance": flt(opening, 2), "weeks": weeks, "overdue": overdue}


# --- sources ------------------------------------------------------------------------------------------------------


def schedules(doctype: str, names: list[str]) -> dict[str, list[tuple[datetime.date, float]]]:
	"""Document -> [(due date, amount in company currency)] of its payment schedule."""
	rows: dict[str, list] = {}
	if not names:
		return rows
	for parent, due_date, amount in frappe.db.sql(
		"""select parent, due_date, base_payment_amount from `tabPayment Schedule`
		where parenttype = %s and parent in %s order by due_date, idx""",
		(doctype, names),
	):
		rows.setdefault(parent, []).append((getdate(due_date), flt(amount)))
	return rows


def invoice_flows(company: str, doctype: str, kind: str) -> list[tuple]:
	"""What is left to receive (or pay) on each submitted invoice, on the due dates of its payment schedule."""
	sign = 1 if doctype == "Sales Invoice" else -1
	currency = frappe.get_cached_value("Company", company, "default_currency")
	invoices = frappe.db.sql(
		f"""select name, due_date, posting_date, outstanding_amount, conversion_rate, party_account_currency
		from `tab{doctype}` where company = %s and docstatus = 1 and outstanding_amount != 0""",
		company,
		as_dict=True,
	)
	plans = schedules(doctype, [invoice.name for invoice in invoices])
	flows = []
	for invoice in invoices:
		outstanding = flt(invoice.outstanding_amount)
		if invoice.party_account_currency and invoice.party_account_currency != currency:
			outstanding *= flt(invoice.conversion_rate) or 1
		plan = plans.get(invoice.name) or [(getdate(invoice.due_date or invoice.posting_date), outstanding)]
		flows += [(due, kind, sign * amount) for due, amount in spread_outstanding(plan, outstanding)]
	return flows


def order_flows(company: str, doctype: str, kind: str) -> list[tuple]:
	"""What is not yet invoiced (less advances paid) on each open order, by the schedule of its payment terms, else
	on its delivery (sales) or required-by (purchase) date. (Without terms ERPNext schedules the whole order on
	its order date, which says nothing about when cash moves.)"""
	sign = 1 if doctype == "Sales Order" else -1
	date_field = "delivery_date" if doctype == "Sales Order" else "schedule_date"
	orders = frappe.db.sql(
		f"""select name, transaction_date, {date_field} as due_date, base_grand_total, per_billed,
			advance_paid, conversion_rate, currency, payment_terms_template
		from `tab{doctype}` where company = %s and docstatus = 1 and per_billed < 100
		and status not in ('Closed', 'Completed', 'On Hold')""",
		company,
		as_dict=True,
	)
	currency = frappe.get_cached_value("Company", company, "default_currency")
	plans = schedules(doctype, [order.name for order in orders if order.payment_terms_template])
	flows = []
	for order in orders:
		unbilled = flt(order.base_grand_total) * (1 - flt(order.per_billed) / 100)
		advance = flt(order.advance_paid) * (flt(order.conversion_rate) if order.currency != currency else 1)
		expected = max(unbilled - advance, 0.0)
		if not expected:
			continue
		plan = plans.get(order.name) or [(getdate(order.due_date or order.transaction_date), expected)]
		flows += [(due, kind, sign * amount) for due, amount in spread_outstanding(plan, expected)]
	return flows


def recurring_flows(company: str, horizon: datetime.date) -> list[tuple]:
	"""Every document Auto Repeat will make by the horizon: a journal entry's net movement of bank and cash, an
	invoice's grand total (received or paid on its due date, as far after the repeat as the template's)."""
	flows = []
	for repeat in frappe.get_all(
		"Auto Repeat",
		filters={
			"disabled": 0,
			"status": "Active",
			"reference_doctype": ["in", ["Journal Entry", "Sales Invoice", "Purchase Invoice"]],
		},
		pluck="name",
	):
		repeat = frappe.get_doc("Auto Repeat", repeat)
		amount, delay = recurring_amount(company, repeat.reference_doctype, repeat.reference_document)
		if not amount:
			continue
		for day in repeat_dates(repeat, horizon):
			flows.append((day + datetime.timedelta(days=delay), RECURRING, amount))
	return flows


def recurring_amount(company: str, doctype: str, name: str) -> tuple[float, int]:
	"""(signed cash effect, days from the document's date to its due date) of one repeated document."""
	if doctype == "Journal Entry":
		if frappe.db.get_value("Journal Entry", name, "company") != company:
			return 0.0, 0
		value = frappe.db.sql(
			"""select sum(row.debit) - sum(row.credit) from `tabJournal Entry Account` row
			join `tabAccount` account on account.name = row.account
			where row.parent = %s and row.parenttype = 'Journal Entry' and account.account_type in %s""",
			(name, CASH_ACCOUNT_TYPES),
		)[0][0]
		return flt(value), 0
	document = frappe.db.get_value(
		doctype, name, ["company", "base_grand_total", "posting_date", "due_date"], as_dict=True
	)
	if not document or document.company != company:
		return 0.0, 0
	delay = (getdate(document.due_date or document.posting_date) - getdate(document.posting_date)).days
	return (1 if doctype == "Sales Invoice" else -1) * flt(document.base_grand_total), max(delay, 0)


def repeat_dates(repeat, horizon: datetime.date) -> list[datetime.date]:
	"""The dates Auto Repeat will make its next documents on, up to the horizon (and its own end date)."""
	dates = []
	day = getdate(repeat.next_schedule_date) if repeat.next_schedule_date else None
	end = min(horizon, getdate(repeat.end_date)) if repeat.end_date else horizon
	while day and day <= end and len(dates) < 400:
		dates.append(day)
		day = getdate(repeat.get_next_schedule_date(day, for_full_schedule=True))
	return dates


# --- actuals ------------------------------------------------------------------------------------------------------


def cash_accounts(company: str) -> list[str]:
	return frappe.get_all(
		"Account",
		filters={"company": company, "account_type": ["in", CASH_ACCOUNT_TYPES], "is_group": 0},
		pluck="name",
	) or [""]


def cash_balance(company: str, on_date) -> float:
	value = frappe.db.sql(
		"""select sum(debit) - sum(credit) from `tabGL Entry` where company = %s and is_cancelled = 0
		and posting_date <= %s and account in %s""",
		(company, on_date, cash_accounts(company)),
	)[0][0]
	return flt(value)


def actual_flows(company: str, start: datetime.date, end: datetime.date) -> dict[datetime.date, dict]:
	"""Week start -> {receipts, payments}: each voucher's net movement of bank and cash in the week it was
	posted, in or out (a transfer between two bank accounts nets to nothing)."""
	weeks: dict[datetime.date, dict] = {}
	for posting_date, net in frappe.db.sql(
		"""select min(posting_date), sum(debit) - sum(credit) from `tabGL Entry`
		where company = %s and is_cancelled = 0 and posting_date between %s and %s and account in %s
		group by voucher_type, voucher_no, posting_date""",
		(company, start, end, cash_accounts(company)),
	):
		first = start + datetime.timedelta(weeks=(getdate(posting_date) - start).days // 7)
		week = weeks.setdefault(first, {"receipts": 0.0, "payments": 0.0})
		if flt(net) > 0:
			week["receipts"] += flt(net)
		else:
			week["payments"] -= flt(net)
	return weeks


def forecast_with_actuals(
	forecast_weeks: list[dict], company: str, start, opening: float, today
) -> list[dict]:
	"""The forecast's weeks with what really came in and went out beside each week that has begun."""
	start = getdate(start)
	end = min(start + datetime.timedelta(weeks=WEEKS, days=-1), getdate(today))
	actual = actual_flows(company, start, end) if start <= getdate(today) else {}
	balance = opening
	rows = []
	for week in forecast_weeks:
		row = dict(week)
		first = getdate(week["week_start"])
		if first <= getdate(today):
			moved = actual.get(first, {"receipts": 0.0, "payments": 0.0})
			row["actual_receipts"] = flt(moved["receipts"], 2)
			row["actual_payments"] = flt(moved["payments"], 2)
			row["actual_net"] = flt(moved["receipts"] - moved["payments"], 2)
			balance += row["actual_net"]
			row["actual_balance"] = flt(balance, 2)
			row["variance"] = flt(row["actual_net"] - flt(week["net_flow"]), 2)
		rows.append(row)
	return rows
