"""What each device-finance figure counts, defined once for the cards, the charts, the reports, the reconciliation
and the recall.

- A **recall's cost** is what its submitted *Actual Cost* Recall Cost Entries add up to (their costs and the value
  of the replacements they issued), on their posting dates. A customer return naming the recall moves stock back
  at its cost of sales: it carries the recall for tracing, and is no cost of the recall; a provision is an
  estimate booked ahead, released as the actual costs come.
- A **batch's quality cost** and its **write-off** are General Ledger expense postings carrying the batch as
  accounting dimension, neither a recall cost (those are spread over the recalled batches by recalled quantity)
  nor cost of sales: on one of the company's write-off accounts (Medical Device Settings) a write-off, on any other
  account a quality cost. Quality Cost Entries and Device Write Offs post them; a cost booked to a batch by hand
  counts as well (and the reconciliation shows it against no source document).
- A company's quality cost and write-offs in a period are the sums of its batches' ones.
- The **cost of poor quality** of a batch is its quality cost told by where each posting came from: complaint
  handling (a Quality Cost Entry of a complaint, or of type Complaint Handling), nonconformance dispositions (the
  scrap and disposition cost a Device Nonconformance posts, or a Quality Cost Entry of one), CAPA (a Quality Cost
  Entry of a CAPA, or of type CAPA), supplier returns (a nonconformance returned to its supplier, or a Quality
  Cost Entry of type Supplier Return), and other quality costs (inspection, testing, costs booked by hand). The
  parts add up to the quality cost.
"""

import frappe
from frappe.utils import flt, getdate

from medical_devices.md_finance.ledger import BATCH_FIELD, write_off_accounts
from medical_devices.recall.costs import ACTUAL_COST

# A GL row (alias gle, joined to its account as `account`) that is a cost of its batch.
BATCH_COST_POSTING = f"""ifnull(gle.{BATCH_FIELD}, '') != '' and ifnull(gle.md_device_recall, '') = ''
	and account.root_type = 'Expense' and ifnull(account.account_type, '') != 'Cost of Goods Sold'"""


def recall_costs(company=None, from_date=None, to_date=None, recall=None, by_month: bool = False):
	"""The recall cost of the company (or of one recall) in the period: a total, or {first day of month: total}."""
	entry = frappe.qb.DocType("Recall Cost Entry")
	total = frappe.query_builder.functions.Sum(entry.total_amount)
	query = frappe.qb.from_(entry).where(entry.docstatus == 1).where(entry.entry_type == ACTUAL_COST)
	if company:
		query = query.where(entry.company == company)
	if recall:
		query = query.where(entry.device_recall == recall)
	if from_date:
		query = query.where(entry.posting_date >= from_date)
	if to_date:
		query = query.where(entry.posting_date <= to_date)
	if not by_month:
		return flt(query.select(total).run()[0][0], 2)
	month = frappe.query_builder.functions.DateFormat(entry.posting_date, "%Y-%m-01")
	return {
		frappe.utils.getdate(first): flt(amount, 2)
		for first, amount in query.select(month, total).groupby(month).run()
	}


def batch_ledger_costs(company: str, from_date, to_date, batches: list[str] | None = None) -> dict[str, dict]:
	"""Batch -> {quality, write_off} posted in the period (from the start when `from_date` is None)."""
	return {
		batch: {"quality": flt(quality), "write_off": flt(write_off)}
		for batch, quality, write_off in _batch_cost_rows(company, from_date, to_date, "batch", batches)
	}


COPQ_PARTS = ("complaints", "nonconformances", "capa", "supplier_returns", "other_quality")
_COPQ_PART = """case
	when nc.name is not null and nc.disposition = 'Return to Supplier' then 'supplier_returns'
	when nc.name is not null then 'nonconformances'
	when qce.quality_record_type = 'Device Complaint' or qce.cost_type = 'Complaint Handling' then 'complaints'
	when qce.quality_record_type = 'CAPA' or qce.cost_type = 'CAPA' then 'capa'
	when qce.quality_record_type = 'Device Nonconformance' then 'nonconformances'
	when qce.cost_type = 'Supplier Return' then 'supplier_returns'
	else 'other_quality' end"""


def cost_of_poor_quality(
	company: str, from_date, to_date, batches: list[str] | None = None
) -> dict[str, dict]:
	"""Batch -> {part: amount} of its quality cost in the period (from the start when `from_date` is None)."""
	conditions = ""
	if from_date:
		conditions += " and gle.posting_date >= %(from_date)s"
	if batches:
		conditions += f" and gle.{BATCH_FIELD} in %(batches)s"
	parts: dict[str, dict] = {}
	for batch, part, amount in frappe.db.sql(
		f"""select gle.{BATCH_FIELD}, {_COPQ_PART}, sum(gle.debit - gle.credit)
		from `tabGL Entry` gle
		join `tabAccount` account on account.name = gle.account
		left join `tabJournal Entry` journal on gle.voucher_type = 'Journal Entry' and journal.name = gle.voucher_no
		left join `tabStock Entry` stock on gle.voucher_type = 'Stock Entry' and stock.name = gle.voucher_no
		left join `tabQuality Cost Entry` qce on qce.name = journal.md_quality_cost_entry
		left join `tabDevice Nonconformance` nc
			on nc.name = coalesce(journal.md_device_nonconformance, stock.md_device_nonconformance)
		where gle.company = %(company)s and gle.is_cancelled = 0 and gle.posting_date <= %(to_date)s
		and {BATCH_COST_POSTING} and gle.account not in %(write_offs)s {conditions}
		group by 1, 2""",
		{
			"company": company,
			"from_date": from_date,
			"to_date": to_date,
			"write_offs": write_off_accounts(company) or [""],
			"batches": batches or [""],
		},
	):
		parts.setdefault(batch, dict.fromkeys(COPQ_PARTS, 0.0))[part] = flt(amount, 2)
	return parts


def quality_costs(company: str, from_date, to_date, by_month: bool = False):
	"""The company's quality cost in the period: a total, or {first day of month: total}."""
	return _company_figure(company, from_date, to_date, by_month, "quality")


def write_offs(company: str, from_date, to_date, by_month: bool = False):
	"""The company's device write-offs in the period: a total, or {first day of month: total}."""
	return _company_figure(company, from_date, to_date, by_month, "write_off")


def _company_figure(company, from_date, to_date, by_month, figure):
	column = {"quality": 1, "write_off": 2}[figure]
	if not by_month:
		return flt(sum(flt(row[column]) for row in _batch_cost_rows(company, from_date, to_date, None)), 2)
	return {
		getdate(row[0]): flt(row[column], 2) for row in _batch_cost_rows(company, from_date, to_date, "month")
	}


def _batch_cost_rows(company, from_date, to_date, group: str | None, batches: list[str] | None = None):
	"""(key, quality, write_off) rows of BATCH_COST_POSTING, grouped by batch, by month or not at all."""
	key = {
		"batch": f"gle.{BATCH_FIELD}",
		"month": "date_format(gle.posting_date, '%%Y-%%m-01')",
		None: "''",
	}[group]
	conditions = ""
	if from_date:
		conditions += " and gle.posting_date >= %(from_date)s"
	if batches:
		conditions += f" and gle.{BATCH_FIELD} in %(batches)s"
	return frappe.db.sql(
		f"""select {key},
			sum(case when gle.account in %(write_offs)s then 0 else gle.debit - gle.credit end),
			sum(case when gle.account in %(write_offs)s then gle.debit - gle.credit else 0 end)
		from `tabGL Entry` gle
		join `tabAccount` account on account.name = gle.account
		where gle.company = %(company)s and gle.is_cancelled = 0 and gle.posting_date <= %(to_date)s
		and {BATCH_COST_POSTING} {conditions}
		{"group by " + key if group else ""}""",
		{
			"company": company,
			"from_date": from_date,
			"to_date": to_date,
			"write_offs": write_off_accounts(company) or [""],
			"batches": batches or [""],
		},
	)
