"""What the stock ledger holds of each batch: the one query behind temperature logs and recall scopes; and the
check every row that moves a batch out of a warehouse makes."""

import frappe
from frappe import _
from frappe.query_builder.functions import Sum

from medical_devices.gsp.batch_status import batch_label


def check_batch_and_warehouse(
	row_label: str, item_code: str, batch: str | None, warehouse: str, company: str
):
	"""The batch is of the item and the warehouse of the company; `row_label` names the row ("Row 2")."""
	if batch and frappe.db.get_value("Batch", batch, "item") != item_code:
		frappe.throw(
			_("{0}: batch {1} is not of item {2}.").format(
				row_label, frappe.bold(batch_label(batch)), item_code
			)
		)
	if frappe.get_cached_value("Warehouse", warehouse, "company") != company:
		frappe.throw(
			_("{0}: warehouse {1} does not belong to company {2}.").format(row_label, warehouse, company)
		)


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
