"""The two-invoice rule on the sales documents (medical_devices/md_hospitals/two_invoice.py): an invoice row
under the rule keeps the purchase invoices of its batches, and no sale to a hospital under the rule is submitted on
more invoices than the rule allows, or without the invoices that show its chain."""

import frappe
from frappe import _

from medical_devices.md_hospitals import two_invoice
from medical_devices.medical_devices.doctype.medical_device_settings.medical_device_settings import (
	controls_enabled,
)


def link_purchase_invoices(doc, method=None):
	"""Sales Invoice validate: each row under the rule keeps the purchase invoices of its batches; no other row
	keeps any (whatever the client sent)."""
	bound = {id(row) for row in two_invoice.rule_rows(doc)} if controls_enabled() else set()
	for row in doc.get("items") or []:
		if id(row) not in bound:
			row.set(two_invoice.ROW_FIELD, None)
			continue
		batches, serials = two_invoice.row_units(row, doc.doctype)
		ways = two_invoice.ways_in(doc.company, batches, serials)
		row.set(
			two_invoice.ROW_FIELD,
			"\n".join(dict.fromkeys(link.purchase_invoice for w in ways for link in w.upstream)) or None,
		)


def check_chain(doc, method=None):
	"""Sales Invoice and Delivery Note before_submit: no row under the rule reaches the hospital on more invoices
	than it allows, or without the invoices that show it."""
	if not controls_enabled():
		return
	rows = two_invoice.rule_rows(doc)
	if not rows:
		return
	allowed = two_invoice.allowed_invoices(doc.customer)
	problems = []
	for row in rows:
		batches, serials = two_invoice.row_units(row, doc.doctype)
		if not batches and not serials:
			problems.append(
				_(
					"Row #{0}: which batch of {1} is sold is not known; bill it from its delivery note or name its batch."
				).format(row.idx, frappe.bold(row.item_code))
			)
			continue
		ways = two_invoice.ways_in(doc.company, batches, serials)
		if not ways:
			problems.append(
				_("Row #{0}: {1} shows no way into {2} in the ledger.").format(
					row.idx, frappe.bold(row.item_code), doc.company
				)
			)
		for w in ways:
			unit = w.batch or w.serial_no
			if w.problem:
				problems.append(
					_("Row #{0}: {1} {2}: {3}.").format(row.idx, frappe.bold(row.item_code), unit, w.problem)
				)
			elif w.invoices_before + 1 > allowed:
				problems.append(
					_(
						"Row #{0}: {1} {2} would reach {3} on the invoice no. {4} of its chain, and the two-invoice rule allows {5}: {6}."
					).format(
						row.idx,
						frappe.bold(row.item_code),
						unit,
						frappe.bold(doc.customer),
						w.invoices_before + 1,
						allowed,
						two_invoice.describe_chain(row.item_code, w, doc),
					)
				)
	if problems:
		frappe.throw(
			"<br>".join(dict.fromkeys(problems)), two_invoice.TwoInvoiceError, title=_("Two-Invoice Rule")
		)
