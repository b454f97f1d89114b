"""What a batch cost, read from the ledgers: its purchase or production cost (the stock ledger's value of what came
in, landed costs included, since a Landed Cost Voucher revalues those entries), its quality costs and write-offs
(as md_finance/figures.py counts them), and its share of recall costs
(each Recall Cost Entry spread over the recalled batches by recalled quantity, as Recall Cost Summary does).
Every figure is one grouped query, whatever the number of batches."""

from collections import defaultdict

import frappe
from frappe.utils import flt

from medical_devices.md_finance.figures import batch_ledger_costs

# Vouchers that bring a batch into the company: their stock value is what the batch cost to buy or make.
RECEIPT_VOUCHERS = ("Purchase Receipt", "Purchase Invoice", "Subcontracting Receipt")
PRODUCTION_PURPOSES = ("Material Receipt", "Manufacture", "Repack")
SALES_VOUCHERS = ("Delivery Note", "Sales Invoice", "POS Invoice")


def acquisition_costs(company: str, to_date, batches: list[str] | None = None) -> dict[str, dict]:
	"""Batch -> {qty, value} received or produced up to `to_date` (returns to the supplier netted off)."""
	params = {
		"company": company,
		"to_date": to_date,
		"receipts": RECEIPT_VOUCHERS,
		"purposes": PRODUCTION_PURPOSES,
		"batches": batches or [""],
	}
	incoming = """sle.company = %(company)s and sle.is_cancelled = 0 and sle.posting_date <= %(to_date)s
		and (sle.voucher_type in %(receipts)s
			or (sle.voucher_type = 'Stock Entry' and sle.actual_qty > 0 and exists (
				select 1 from `tabStock Entry` se where se.name = sle.voucher_no
				and se.purpose in %(purposes)s)))"""
	only = " and {0} in %(batches)s" if batches else ""
	totals: dict[str, dict] = defaultdict(lambda: {"qty": 0.0, "value": 0.0})
	# A bundle's share of its ledger row's value is its share of the row's quantity.
	bundled = frappe.db.sql(
		f"""select entry.batch_no, sum(entry.qty),
			sum(case when sle.actual_qty = 0 then 0
				else sle.stock_value_difference * entry.qty / sle.actual_qty end)
		from `tabStock Ledger Entry` sle
		join `tabSerial and Batch Entry` entry on entry.parent = sle.serial_and_batch_bundle
		where {incoming} and entry.batch_no is not null {only.format("entry.batch_no")}
		group by entry.batch_no""",
		params,
	)
	legacy = frappe.db.sql(
		f"""select sle.batch_no, sum(sle.actual_qty), sum(sle.stock_value_difference)
		from `tabStock Ledger Entry` sle
		where {incoming} and ifnull(sle.serial_and_batch_bundle, '') = '' and ifnull(sle.batch_no, '') != ''
		{only.format("sle.batch_no")}
		group by sle.batch_no""",
		params,
	)
	for batch, qty, value in (*bundled, *legacy):
		totals[batch]["qty"] += flt(qty)
		totals[batch]["value"] += flt(value)
	return dict(totals)


def allocated_recall_costs(company: str, from_date, to_date) -> list[dict]:
	"""Rows {item_code, batch, amount}: actual recall costs posted in the period, spread by recalled quantity."""
	from medical_devices.recall.report.recall_cost_summary.recall_cost_summary import cost_rows

	return cost_rows(frappe._dict(company=company, from_date=from_date, to_date=to_date))


def recall_costs_by_batch(company: str, from_date, to_date) -> dict[str, float]:
	totals: dict[str, float] = defaultdict(float)
	for row in allocated_recall_costs(company, from_date, to_date):
		totals[row["batch"]] += flt(row["amount"])
	return dict(totals)


def batch_costs(company: str, to_date, batches: list[str] | None = None) -> dict[str, dict]:
	"""Batch -> every cost of the batch up to `to_date`, with its totals."""
	acquired = acquisition_costs(company, to_date, batches)
	posted = batch_ledger_costs(company, None, to_date, batches)
	recalls = recall_costs_by_batch(company, None, to_date)
	names = set(acquired) | set(posted) | {batch for batch in recalls if batch}
	if batches:
		names &= set(batches)
	costs = {}
	for batch in names:
		qty = acquired.get(batch, {}).get("qty", 0.0)
		acquisition = acquired.get(batch, {}).get("value", 0.0)
		quality = posted.get(batch, {}).get("quality", 0.0)
		write_off = posted.get(batch, {}).get("write_off", 0.0)
		recall = recalls.get(batch, 0.0)
		total = acquisition + quality + write_off + recall
		costs[batch] = {
			"received_qty": qty,
			"acquisition_cost": flt(acquisition, 2),
			"quality_costs": flt(quality, 2),
			"write_offs": flt(write_off, 2),
			"recall_costs": flt(recall, 2),
			"total_cost": flt(total, 2),
			"unit_cost": flt(acquisition / qty, 4) if qty else None,
			"total_unit_cost": flt(total / qty, 4) if qty else None,
		}
	return costs
