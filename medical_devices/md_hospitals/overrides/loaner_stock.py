"""Loaner sets, on every document that moves stock (medical_devices/md_hospitals/loaner_sets.py): a set's warehouse
is filled and emptied by Material Transfers while the set is at home; what leaves it otherwise is its loan's return
(the invoice of the implants used and the instruments charged, the write-off of the instruments lost). Nothing
moves in or out while the set is out at a surgery. A movement changes the set's status (complete, to reprocess)."""

import frappe
from frappe import _

from medical_devices.md_hospitals import loaner_sets
from medical_devices.medical_devices import ledger


class LoanerSetStockError(frappe.ValidationError):
	pass


def refuse(message: str):
	frappe.throw(message, LoanerSetStockError, title=_("Loaner Set"))


def warehouses_of(doc) -> set[str]:
	found = {doc.get("set_warehouse"), doc.get("set_target_warehouse"), doc.get("set_from_warehouse")}
	for row in doc.get("items") or []:
		found |= {
			row.get("warehouse"),
			row.get("s_warehouse"),
			row.get("t_warehouse"),
			row.get("rejected_warehouse"),
			row.get("target_warehouse"),
			row.get("from_warehouse"),
		}
	return {name for name in found if name}


def check_stock_document(doc, method=None):
	"""validate of Stock Entry, Delivery Note, Sales Invoice, POS Invoice, Purchase Receipt, Purchase Invoice and
	Stock Reconciliation."""
	sets = loaner_sets.sets_of(warehouses_of(doc))
	if not sets:
		return
	if doc.doctype in ("Sales Invoice", "Purchase Invoice") and not doc.get("update_stock"):
		return
	source = ledger.source_of(doc) if doc.doctype == "Stock Entry" else None
	if source and source[0] == "Loaner Set Loan":
		return  # the loan's own write-off
	loan = doc.get(loaner_sets.LOAN_FIELD) if doc.doctype == "Sales Invoice" else None
	if loan and not doc.get("is_return"):
		loan_set = frappe.db.get_value("Loaner Set Loan", loan, "loaner_set")
		if set(sets.values()) != {loan_set}:
			refuse(_("Loan {0} bills what left loaner set {1} only.").format(loan, loan_set))
		return  # the loan's return bills what the surgery used
	for loaner_set in sets.values():
		if doc.doctype != "Stock Entry" or doc.purpose != "Material Transfer":
			refuse(
				_(
					"Loaner set {0}'s warehouse is filled and emptied by Material Transfers; what a surgery used or lost leaves it by the loan's Record Return."
				).format(frappe.bold(loaner_set))
			)
		current = frappe.db.get_value("Loaner Set", loaner_set, "current_loan")
		if current:
			refuse(
				_(
					"Loaner set {0} is out on loan {1}: nothing moves in or out of it until it is back."
				).format(frappe.bold(loaner_set), current)
			)


def refresh_sets(doc, method=None):
	"""on_submit, on_cancel of the documents above: the sets they moved stock of show their status."""
	for loaner_set in sorted(set(loaner_sets.sets_of(warehouses_of(doc)).values())):
		loaner_sets.refresh_status(loaner_set)
