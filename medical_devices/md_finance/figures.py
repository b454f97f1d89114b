"""What each device-finance figure counts, defined once for the cards, the charts, the reports and the recall.

A recall's cost is what its submitted *Actual Cost* Recall Cost Entries add up to (their costs and the value of
the replacements they issued), on their posting dates. A customer return naming the recall moves stock back at
its cost of sales: it carries the recall for tracing, and is no cost of the recall; a provision is an estimate
booked ahead, released as the actual costs come.
"""

import frappe
from frappe.utils import flt

from medical_devices.recall.costs import ACTUAL_COST


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
