"""GSP, on Customer and Supplier: a reviewed party whose identity changes (or that becomes, or stops being, one
of the group's own companies) is reviewed again."""

from frappe import _

from medical_devices import stored_texts
from medical_devices.audit import controlled
from medical_devices.gsp.qualification import IDENTITY_FIELDS

REVIEW_AGAIN = f"{__name__}.review_again_when_identity_changes"


def review_again_when_identity_changes(doc, method=None):
	"""validate of Customer and Supplier: a reviewed party that now says it is (or is no longer) one of the group's
	own companies, or stands for another one, trades on other licences; a hospital now under (or no longer under)
	the two-invoice rule buys on other terms: its first-business review starts again."""
	before = None if doc.is_new() else doc.get_doc_before_save()
	if not before or before.get("md_first_business_status") in (None, "", "Pending"):
		return
	# an empty link reads None when loaded and "" once validated: no change of identity
	changed = [
		field
		for field in IDENTITY_FIELDS[doc.doctype]
		if (before.get(field) or None) != (doc.get(field) or None)
	]
	if not changed:
		return
	again = stored_texts.FIRST_BUSINESS_AGAIN
	if all(field.startswith("md_two_invoice") for field in changed):
		again = stored_texts.TWO_INVOICE_AGAIN
	review_again(doc, again)


def review_again(doc, message):
	"""The party's first-business review starts again, the stored message saying why."""
	controlled.allow(
		doc,
		REVIEW_AGAIN,
		md_first_business_status="Pending",
		md_first_business_approved_by=None,
		md_first_business_approved_on=None,
		md_first_business_remarks=message.text(),
	)
