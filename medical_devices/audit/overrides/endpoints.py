"""ERPNext endpoints that change records without checking the caller's permission, or with SQL past the document
events: wrapped so that a person's change of a record needs write permission on it and, for a regulated record, a
reason, and is in the trail. (hooks.override_whitelisted_methods)"""

import frappe
from frappe import _

from medical_devices.audit import trail
from medical_devices.audit.origin import reason_for
from medical_devices.audit.reason import ReasonRequiredError, is_regulated


@frappe.whitelist()
def update_delivery_note_status(docname, status):
	from erpnext.stock.doctype.delivery_note.delivery_note import update_delivery_note_status as update

	frappe.has_permission("Delivery Note", "write", docname, throw=True)
	return update(docname, status)


@frappe.whitelist()
def update_purchase_receipt_status(docname, status):
	from erpnext.stock.doctype.purchase_receipt.purchase_receipt import (
		update_purchase_receipt_status as update,
	)

	frappe.has_permission("Purchase Receipt", "write", docname, throw=True)
	return update(docname, status)


@frappe.whitelist()
def update_sales_order_status(status, name):
	from erpnext.selling.doctype.sales_order.sales_order import update_status

	frappe.has_permission("Sales Order", "write", name, throw=True)
	return update_status(status, name)


@frappe.whitelist()
def update_purchase_order_status(status, name):
	from erpnext.buying.doctype.purchase_order.purchase_order import update_status

	frappe.has_permission("Purchase Order", "write", name, throw=True)
	return update_status(status, name)


CUSTOMER_INFO_FIELDS = ("loyalty_program", "customer_primary_contact", "email_id", "mobile_no")


@frappe.whitelist()
def set_customer_info(fieldname, customer, value=""):
	"""The point of sale's customer edit (ERPNext writes the customer with SQL, whoever asks)."""
	from erpnext.selling.page.point_of_sale.point_of_sale import set_customer_info as set_info

	frappe.has_permission("Customer", "write", customer, throw=True)
	doc = frappe.get_doc("Customer", customer)
	regulated = is_regulated(doc)
	reason = reason_for(doc)
	if regulated and not reason:
		frappe.throw(
			_("{0} {1} is a regulated record: give a reason for {2}.").format(
				_("Customer"), customer, _("changing it")
			),
			ReasonRequiredError,
			title=_("Reason for Change Required"),
		)
	before = frappe.db.get_value("Customer", customer, CUSTOMER_INFO_FIELDS, as_dict=True)
	result = set_info(fieldname, customer, value)
	after = frappe.db.get_value("Customer", customer, CUSTOMER_INFO_FIELDS, as_dict=True)
	changed = [
		[field, before[field], after[field]]
		for field in CUSTOMER_INFO_FIELDS
		if before[field] != after[field]
	]
	if changed and trail.is_audited("Customer"):
		trail.record_changes(
			"Customer",
			{customer: {"changed": changed}},
			trail.UPDATE,
			reason,
			{"function": "erpnext.selling.page.point_of_sale.point_of_sale.set_customer_info"},
		)
	return result
