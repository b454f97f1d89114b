"""What the stock ledger holds of each batch: the one query behind temperature logs and recall scopes."""

import frappe
from frappe.query_builder.functions import Sum


def batch_balances(batches: list[str] | None = None, warehouse: str | None = None) -> list[dict]:
	"""Positive balances per warehouse, item and batch from submitted, uncancelled bundles, by batch."""
	if batches is not None and not batches:
		return []
	entry = frappe.qb.DocType("Serial and Batch Entry")
	bundle = frappe.qb.DocType("Serial and Batch Bundle")
	query = (
		frappe.qb.from_(entry)
		.join(bundle)
		.on(bundle.name == entry.parent)
		.select(entry.warehouse, bundle.item_code, entry.batch_no.as_("batch"), Sum(entry.qty).as_("qty"))
		.where(bundle.docstatus == 1)
		.where(bundle.is_cancelled == 0)
		.where(entry.batch_no.isnotnull())
		.groupby(entry.warehouse, bundle.item_code, entry.batch_no)
		.having(Sum(entry.qty) > 0)
		.orderby(entry.batch_no)
		.orderby(entry.warehouse)
	)
	if batches is not None:
		query = query.where(entry.batch_no.isin(batches))
	if warehouse:
		query = query.where(entry.warehouse == warehouse)
	return [dict(row) for row in query.run(as_dict=True)]
