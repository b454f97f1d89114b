"""ERPNext endpoints that change records without checking the caller's permission, or with SQL past the document
events: wrapped so that a person's change of a record needs write permission on it and, for a regulated record, a
reason, and is in the trail. (hooks.override_whitelisted_methods)"""

import frappe
from frappe import _

from medical_devices import access, inputs
from medical_devices.audit import trail
from medical_devices.audit.origin import reason_for
from medical_devices.audit.reason import ReasonRequiredError
from medical_devices.audit.scope import is_audited, is_regulated


@frappe.whitelist()
@inputs.endpoint
def update_delivery_note_status(docname, status):
	from erpnext.stock.doctype.delivery_note.delivery_note import update_delivery_note_status as update

	docname = access.record("Delivery Note", docname, "write")
	return update(docname, inputs.text(status, _("Status")))


@frappe.whitelist()
@inputs.endpoint
def update_purchase_receipt_status(docname, status):
	from erpnext.stock.doctype.purchase_receipt.purchase_receipt import (
		update_purchase_receipt_status as update,
	)

	docname = access.record("Purchase Receipt", docname, "write")
	return update(docname, inputs.text(status, _("Status")))


@frappe.whitelist()
@inputs.endpoint
def update_sales_order_status(status, name):
	from erpnext.selling.doctype.sales_order.sales_order import update_status

	name = access.record("Sales Order", name, "write")
	return update_status(inputs.text(status, _("Status")), name)


@frappe.whitelist()
@inputs.endpoint
def update_purchase_order_status(status, name):
	from erpnext.buying.doctype.purchase_order.purchase_order import update_status

	name = access.record("Purchase Order", name, "write")
	return update_status(inputs.text(status, _("Status")), name)


@frappe.whitelist()
@inputs.endpoint
def change_release_date(name, release_date=None):
	from erpnext.accounts.doctype.purchase_invoice.purchase_invoice import change_release_date as change

	name = access.record("Purchase Invoice", name, "write")
	return change(name, inputs.date(release_date, _("Release Date"), required=False))


@frappe.whitelist()
@inputs.endpoint
def block_invoice(name, release_date, hold_comment=None):
	from erpnext.accounts.doctype.purchase_invoice.purchase_invoice import block_invoice as block

	name = access.record("Purchase Invoice", name, "write")
	release_date = inputs.date(release_date, _("Release Date"), required=False)
	return block(
		name, release_date, inputs.text(hold_comment, _("Hold Comment"), required=False, max_length=2000)
	)


@frappe.whitelist()
@inputs.endpoint
def unblock_invoice(name):
	from erpnext.accounts.doctype.purchase_invoice.purchase_invoice import unblock_invoice as unblock

	return unblock(access.record("Purchase Invoice", name, "write"))


@frappe.whitelist()
@inputs.endpoint
def update_serial_or_batch(bundle_id, serial_no=None, batch_no=None):
	"""The serial and batch selector's scan into a bundle: ERPNext raises the quantity with SQL on any bundle,
	whoever asks. Only a draft bundle changes, by someone who may change the document it belongs to."""
	from erpnext.stock.doctype.serial_and_batch_bundle.serial_and_batch_bundle import (
		update_serial_or_batch as update,
	)

	bundle_id = inputs.docname("Serial and Batch Bundle", bundle_id, _("Serial and Batch Bundle"))
	serial_no = inputs.text(serial_no, _("Serial No"), required=False)
	batch_no = inputs.text(batch_no, _("Batch"), required=False)
	bundle = frappe.db.get_value(
		"Serial and Batch Bundle", bundle_id, ["docstatus", "voucher_type", "voucher_no"], as_dict=True
	)
	if bundle.docstatus != 0:
		frappe.throw(
			_("Serial and Batch Bundle {0} is submitted: its entries change with its document only.").format(
				bundle_id
			),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
	if bundle.voucher_no and frappe.db.exists(bundle.voucher_type, bundle.voucher_no):
		frappe.has_permission(bundle.voucher_type, "write", bundle.voucher_no, throw=True)
	else:
		frappe.has_permission(bundle.voucher_type or "Serial and Batch Bundle", "create", throw=True)
	return update(bundle_id, serial_no, batch_no)


CUSTOMER_INFO_FIELDS = ("loyalty_program", "customer_primary_contact", "email_id", "mobile_no")


@frappe.whitelist()
@inputs.endpoint
def set_customer_info(fieldname, customer, value=""):
	"""The point of sale's customer edit (ERPNext writes the customer with SQL, whoever asks)."""
	from erpnext.selling.page.point_of_sale.point_of_sale import set_customer_info as set_info

	customer = access.record("Customer", customer, "write")
	fieldname = inputs.choice(fieldname, _("Field"), CUSTOMER_INFO_FIELDS)
	value = inputs.text(value, _("Value"), required=False) or ""
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
	if changed and is_audited("Customer"):
		trail.record_changes(
			"Customer",
			{customer: {"changed": changed}},
			trail.UPDATE,
			reason,
			{"function": "erpnext.selling.page.point_of_sale.point_of_sale.set_customer_info"},
		)
	return result
