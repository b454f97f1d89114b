"""GSP, on purchase and sales documents of device items (Purchase Order, Purchase Receipt, Purchase Invoice,
Sales Order, Delivery Note, Sales Invoice): first-business approval, the party's licences and the registration
certificates (medical_devices/gsp/qualification.py)."""

import frappe
from frappe import _

from medical_devices.devices import device_items
from medical_devices.golive import observed
from medical_devices.gsp.qualification import (
	DEVICE_DETAILS,
	PARTY_OF,
	QualificationError,
	first_business_problems,
	party_licence_problems,
	registration_problems,
	represented_company,
	transaction_date,
)
from medical_devices.medical_devices.doctype.medical_device_settings.medical_device_settings import (
	controls_enabled,
	get_settings,
)


@observed
def validate_document_qualification(doc, method=None):
	"""validate of Purchase Order/Receipt/Invoice, Sales Order, Delivery Note and Sales Invoice."""
	if doc.get("is_return") or not controls_enabled():
		return
	party_type = PARTY_OF[doc.doctype]
	party = doc.get(party_type.lower())
	if not party:
		return
	rows = [row for row in doc.get("items") or [] if row.get("item_code")]
	problems = party_problems(party_type, party, rows, transaction_date(doc))
	if problems:
		frappe.throw(
			"<br>".join(dict.fromkeys(problems)), QualificationError, title=_("Qualification Missing")
		)


def party_problems(party_type: str, party: str, rows, on_date) -> list[str]:
	"""Why `party` may not trade the device items of `rows` on `on_date`: first-business approval, its licences,
	the items' registrations (as Medical Device Settings ask). Also for a transfer to a hospital's consignment
	stock, which is a sale to come."""
	settings = get_settings()
	if not settings.check_licences and not settings.require_first_business_approval:
		return []
	role = party_type
	items = device_items({row.item_code for row in rows}, DEVICE_DETAILS)
	if not items:
		return []
	problems = []
	if settings.require_first_business_approval:
		problems += first_business_problems(party_type, party, rows, items)
	represented = represented_company(party_type, party)
	if represented:
		# a move to or from one of the group's own companies: that company's own licences count (another legal
		# entity still has to be licensed for the devices); the review confirmed that the party is that company
		party_type, party = "Company", represented
	if settings.check_licences:
		problems += party_licence_problems(party_type, party, rows, items, on_date, role)
		problems += registration_problems(rows, items, on_date)
	return problems
