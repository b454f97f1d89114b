"""The two-invoice rule on the sales documents (medical_devices/md_hospitals/two_invoice.py): no sale to a hospital
under the rule is submitted on more invoices than the rule allows, or without the invoices that show its chain; an
invoice row under the rule keeps the purchase invoices it was checked against, written by the server alone; and a
purchase invoice a sale was checked against stays."""

import frappe
from frappe import _

from medical_devices.golive import observed
from medical_devices.md_hospitals import two_invoice
from medical_devices.medical_devices.doctype.medical_device_settings.medical_device_settings import (
	controls_enabled,
)


def clear_purchase_invoices(doc, method=None):
	"""Sales Invoice validate: the row field is the server's, written on submit; whatever a client sends goes."""
	for row in doc.get("items") or []:
		row.set(two_invoice.ROW_FIELD, None)


@observed
def check_chain(doc, method=None):
	"""Sales Invoice, Delivery Note and POS Invoice on_submit (after the ledger is written and every earlier hook and
	script has had its say, inside the transaction): refuse a broken chain; keep the invoices of each row."""
	if not controls_enabled():
		return
	problems, invoices = two_invoice.chain_of(doc)
	if problems:
		frappe.throw("<br>".join(problems), two_invoice.TwoInvoiceError, title=_("Two-Invoice Rule"))
	if doc.doctype != "Sales Invoice":
		return
	for row in doc.items:
		value = "\n".join(invoices.get(row.name, [])) or None
		if (row.get(two_invoice.ROW_FIELD) or None) != value:
			row.db_set(two_invoice.ROW_FIELD, value, update_modified=False)


def keep_checked_purchase_invoices(doc, method=None):
	"""Purchase Invoice before_cancel: a purchase invoice that a submitted sale under the rule was checked against
	is that sale's evidence, and stays."""
	item = frappe.qb.DocType("Sales Invoice Item")
	invoice = frappe.qb.DocType("Sales Invoice")
	sales = (
		frappe.qb.from_(item)
		.join(invoice)
		.on(invoice.name == item.parent)
		.select(item.parent, item[two_invoice.ROW_FIELD])
		.where(invoice.docstatus == 1)
		.where(item[two_invoice.ROW_FIELD].like(f"%{doc.name}%"))
		.run()
	)
	sales = sorted({sale for sale, names in sales if doc.name in (names or "").split("\n")})
	if sales:
		frappe.throw(
			_(
				"Purchase invoice {0} shows the two-invoice chain of {1}: it cannot be cancelled while they stand."
			).format(frappe.bold(doc.name), ", ".join(sales)),
			two_invoice.TwoInvoiceError,
			title=_("Two-Invoice Rule"),
		)
