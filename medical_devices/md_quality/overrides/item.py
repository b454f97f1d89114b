"""Quality, on Item: an item under supplier control leaves it (its Approved Suppliers Only ticked off, or its item
group changed away from the list's entries) only by the roles that keep the approved supplier list."""

import frappe
from frappe import _

from medical_devices.controls import SUPPLIER_QUALIFIERS
from medical_devices.md_quality.suppliers import FLAG, controlled_items


def keep_supplier_control(doc, method=None):
	"""Item validate."""
	before = None if doc.is_new() else doc.get_doc_before_save()
	if not before or set(SUPPLIER_QUALIFIERS) & set(frappe.get_roles()):
		return
	unflagged = bool(before.get(FLAG)) and not doc.get(FLAG)
	regrouped = before.item_group != doc.item_group
	if not (unflagged or regrouped) or doc.name not in controlled_items([doc.name]):
		return
	frappe.throw(
		_(
			"{0} is bought from the approved supplier list only: a Quality Manager or Regulatory Affairs Manager changes its Approved Suppliers Only or its item group."
		).format(frappe.bold(doc.name)),
		frappe.PermissionError,
		title=_("Not Permitted"),
	)
