"""Hospitals, on Address: a hospital left to its province under the two-invoice rule (medical_devices/md_hospitals/
two_invoice.py) is in or out of the rule by its addresses; a change of them that moves it in or out (a province, an
address disabled, linked or unlinked, or deleted) sends its first-business review back to Pending, as a change of
its own rule setting does."""

import frappe

from medical_devices import stored_texts
from medical_devices.gsp.overrides.party import review_again
from medical_devices.md_hospitals import two_invoice


def review_hospitals_again(doc, method=None):
	"""validate and on_trash of Address."""
	listed = two_invoice.provinces()
	if not listed:
		return
	before = None if doc.is_new() else doc.get_doc_before_save()
	customers = linked_customers(doc) | (linked_customers(before) if before else set())
	for customer in customers:
		if frappe.db.get_value("Customer", customer, "md_two_invoice_rule"):
			continue  # its own setting decides, not its addresses
		if frappe.db.get_value("Customer", customer, "md_first_business_status") in (None, "", "Pending"):
			continue
		was = bool(listed & two_invoice.customer_provinces(customer))  # as stored, this address as it was
		now = set(two_invoice.customer_provinces(customer, leaving_out=doc.name))
		if method != "on_trash" and customer in linked_customers(doc) and not doc.get("disabled"):
			now.add(two_invoice.province(doc.get("state")))
		if was == bool(listed & now):
			continue
		hospital = frappe.get_doc("Customer", customer)
		review_again(hospital, stored_texts.PROVINCE_AGAIN)
		hospital.md_reason = stored_texts.PROVINCE_AGAIN.text()
		hospital.save(ignore_permissions=True)  # the address's editor moved the hospital; its review follows


def linked_customers(address) -> set[str]:
	return {link.link_name for link in address.get("links") or [] if link.link_doctype == "Customer"}
