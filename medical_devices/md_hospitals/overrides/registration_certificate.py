"""Hospitals, on Registration Certificate: its registrant's supplier and national general agent decide whose invoice
is the first under the two-invoice rule (medical_devices/md_hospitals/two_invoice.py), for every receipt of the
items it covers; only the regulatory roles name them, or change the items of a certificate that names them."""

from frappe import _

from medical_devices.md_hospitals.overrides.item import require_regulatory_role

FIRST_SELLER_FIELDS = ("supplier", "general_agent")


def guard_first_sellers(doc, method=None):
	"""Registration Certificate validate."""
	before = None if doc.is_new() else doc.get_doc_before_save()
	if before is None:
		if any(first_sellers(doc)):
			require_regulatory_role(_("the supplier or general agent of a registration certificate"))
		return
	if first_sellers(before) != first_sellers(doc) or (
		any(first_sellers(doc)) and covered(before) != covered(doc)
	):
		require_regulatory_role(
			_("the supplier or general agent of a registration certificate, or its items")
		)


def first_sellers(certificate) -> tuple:
	return tuple(certificate.get(field) or None for field in FIRST_SELLER_FIELDS)


def covered(certificate) -> list[str]:
	return sorted(row.item for row in certificate.get("items") or [] if row.item)
