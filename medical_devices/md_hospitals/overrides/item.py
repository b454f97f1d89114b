"""Hospitals, on Item: a device's hospital charge codes (ERPNext's Customer Items, medical_devices/md_hospitals/
three_codes.py) are well formed, one per hospital, and each hospital's own; whether it is under the two-invoice
rule is the regulatory roles' decision."""

import re

import frappe
from frappe import _

from medical_devices.controls import DEVICE_CLASSIFIERS
from medical_devices.devices import is_device_item
from medical_devices.inputs import InvalidInputError

CHARGE_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._/\-]{0,39}$")


def check_charge_codes(doc, method=None):
	"""Item validate: a device's hospital charge codes are well formed, one per hospital, and each hospital's own."""
	if not is_device_item(doc):
		return
	seen = set()
	for row in doc.get("customer_items") or []:
		code = (row.ref_code or "").strip()
		row.ref_code = code
		if not CHARGE_CODE.match(code):
			frappe.throw(
				_(
					"Row #{0} of Customer Items: the hospital charge code {1} may hold only letters, digits and . _ / - (at most 40, no spaces)."
				).format(row.idx, frappe.bold(code)),
				InvalidInputError,
				title=_("Hospital Charge Code"),
			)
		if not row.customer_name:
			continue
		if row.customer_name in seen:
			frappe.throw(
				_("Row #{0} of Customer Items: {1} already has a charge code for this item.").format(
					row.idx, frappe.bold(row.customer_name)
				),
				InvalidInputError,
				title=_("Hospital Charge Code"),
			)
		seen.add(row.customer_name)
		other = frappe.db.get_value(
			"Item Customer Detail",
			{
				"parenttype": "Item",
				"customer_name": row.customer_name,
				"ref_code": code,
				"parent": ("!=", doc.name),
			},
			"parent",
		)
		if other:
			frappe.throw(
				_("Row #{0} of Customer Items: {1} uses the charge code {2} for item {3} already.").format(
					row.idx, frappe.bold(row.customer_name), frappe.bold(code), frappe.bold(other)
				),
				InvalidInputError,
				title=_("Hospital Charge Code"),
			)


def guard_two_invoice_rule(doc, method=None):
	"""Item validate: only the regulatory roles put an item under the two-invoice rule or take it out (untick it,
	sell, tick it again would pass any chain)."""
	before = None if doc.is_new() else doc.get_doc_before_save()
	if bool((before and before.get("md_two_invoice_rule")) or 0) == bool(doc.get("md_two_invoice_rule")):
		return
	require_regulatory_role(_("whether item {0} is under the two-invoice rule").format(frappe.bold(doc.name)))


def require_regulatory_role(what: str):
	if not set(frappe.get_roles()) & set(DEVICE_CLASSIFIERS):
		frappe.throw(
			_("Only a {0} may change {1}.").format(" / ".join(_(role) for role in DEVICE_CLASSIFIERS), what),
			frappe.PermissionError,
			title=_("Two-Invoice Rule"),
		)
