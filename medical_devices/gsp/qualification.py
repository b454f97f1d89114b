"""Qualification of trading partners and devices (首营企业 / 首营品种, licences, registration certificates).

Orders, receipts, deliveries and invoices that carry a device item are blocked when the party has not passed
first-business review, when its licences are missing, expired or do not cover the device's class and category,
or when the item's registration certificate is not valid on the posting date.
"""

import datetime

import frappe
from frappe import _
from frappe.utils import formatdate, get_link_to_form, getdate, now_datetime

from medical_devices import access, inputs, stored_texts
from medical_devices.audit import controlled
from medical_devices.audit.origin import clean_reason, mark
from medical_devices.controls import FIRST_BUSINESS_REVIEWERS
from medical_devices.devices import is_device
from medical_devices.gsp import rules

PARTY_OF = {
	"Purchase Order": "Supplier",
	"Purchase Receipt": "Supplier",
	"Purchase Invoice": "Supplier",
	"Sales Order": "Customer",
	"Delivery Note": "Customer",
	"Sales Invoice": "Customer",
}
FIRST_BUSINESS_DOCTYPES = ("Supplier", "Customer", "Item")
RECORD_DECISION = f"{__name__}.record_first_business_decision"


class QualificationError(frappe.ValidationError):
	pass


def transaction_date(doc) -> datetime.date:
	return getdate(doc.get("posting_date") or doc.get("transaction_date"))


# --- hook ----------------------------------------------------------------------------------------------------


def represented_company(party_type: str, party: str) -> str | None:
	"""The group company an internal customer or supplier stands for (ERPNext's inter-company setting)."""
	field = "is_internal_customer" if party_type == "Customer" else "is_internal_supplier"
	internal, company = frappe.get_cached_value(party_type, party, [field, "represents_company"])
	return company if internal and company and frappe.db.exists("Company", company) else None


DEVICE_DETAILS = ("item_name", "md_device_class", "md_classification_code", "md_first_business_status")


# --- first business -------------------------------------------------------------------------------------


def first_business_problems(party_type, party, rows, items) -> list[str]:
	problems = []
	if frappe.db.get_value(party_type, party, "md_first_business_status") != "Approved":
		problems.append(
			_(
				"{0} {1} has not passed first-business review (首营审核); a QA reviewer must approve it first."
			).format(_(party_type), frappe.bold(party))
		)
	for row in rows:
		item = items.get(row.item_code)
		if item and item.md_first_business_status != "Approved":
			problems.append(
				_("Row #{0}: device {1} has not passed first-business review (首营品种) yet.").format(
					row.idx, frappe.bold(row.item_code)
				)
			)
	return problems


@frappe.whitelist(methods=["POST"])
@inputs.endpoint
def review_first_business(doctype: str, name: str, decision: str, remarks: str | None = None) -> str:
	"""The 首营 review: a quality or regulatory reviewer approves or rejects a new party or device item."""
	if inputs.text(doctype, _("Document Type")) not in FIRST_BUSINESS_DOCTYPES:
		frappe.throw(
			_("First-business review applies to suppliers, customers and device items only."),
			inputs.InvalidInputError,
		)
	if inputs.text(decision, _("Decision")) not in ("Approved", "Rejected"):
		frappe.throw(_("The decision must be Approved or Rejected."), inputs.InvalidInputError)
	if not set(FIRST_BUSINESS_REVIEWERS) & set(frappe.get_roles()):
		frappe.throw(
			_("Only a Quality Manager, QA Reviewer or Regulatory Affairs Manager may review first business."),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
	name = access.record(doctype, name)
	if decision == "Approved":
		missing = first_business_prerequisites(doctype, name)
		if missing:
			frappe.throw("<br>".join(missing), QualificationError, title=_("Cannot Approve Yet"))
	elif not (remarks or "").strip():
		frappe.throw(_("Give the reason for rejecting."))
	record_first_business_decision(doctype, name, decision, remarks)
	return decision


IDENTITY_FIELDS = {
	"Customer": (
		"is_internal_customer",
		"represents_company",
		"md_two_invoice_rule",
		"md_two_invoice_extra_invoice",
	),
	"Supplier": ("is_internal_supplier", "represents_company"),
}


def record_first_business_decision(
	doctype: str, name: str, decision: str, remarks: str | None = None, check_role: bool = True
):
	"""The one writer of the first-business fields: the decision, who took it and when, in the trail."""
	if check_role and not set(FIRST_BUSINESS_REVIEWERS) & set(frappe.get_roles()):
		frappe.throw(
			_("Only a Quality Manager, QA Reviewer or Regulatory Affairs Manager may review first business."),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
	doc = frappe.get_doc(doctype, name)
	remarks = clean_reason(remarks) or None
	controlled.allow(
		doc,
		RECORD_DECISION,
		md_first_business_status=decision,
		md_first_business_approved_by=frappe.session.user,
		md_first_business_approved_on=now_datetime(),
		md_first_business_remarks=remarks,
	)
	doc.md_reason = remarks or stored_texts.FIRST_BUSINESS_REVIEW.text(decision)
	mark(doc, RECORD_DECISION)
	doc.flags.ignore_permissions = True
	doc.save()


def first_business_prerequisites(doctype: str, name: str) -> list[str]:
	"""What the file must hold before approval: the party's identity licence, the item's registration."""
	today = getdate()
	if doctype == "Item":
		if not is_device(name):
			return [_("Item {0} is not a medical device.").format(frappe.bold(name))]
		if not valid_registration(name, today):
			return [
				_("Device {0} has no registration or filing certificate valid today.").format(
					frappe.bold(name)
				)
			]
		return []
	represented = represented_company(doctype, name)
	certificates = (
		party_certificates("Company", represented) if represented else party_certificates(doctype, name)
	)
	if rules.licence_problem(certificates, rules.IDENTITY_LICENCES, today):
		return [
			_(
				"{0} {1} has no valid business licence or medical institution practice licence on file."
			).format(_(doctype), frappe.bold(name))
		]
	return []


# --- licences -------------------------------------------------------------------------------------------------


def party_certificates(party_type: str, party: str) -> list[dict]:
	rows = frappe.get_all(
		"Qualification Certificate",
		filters={"party_type": party_type, "party": party},
		fields=[
			"name",
			"licence_type",
			"certificate_number",
			"valid_from",
			"valid_to",
			"disabled",
			"covers_class_i",
			"covers_class_ii",
			"covers_class_iii",
			"scope_codes",
		],
	)
	for row in rows:
		row.valid_from = getdate(row.valid_from) if row.valid_from else None
		row.valid_to = getdate(row.valid_to) if row.valid_to else None
	return rows


def party_licence_problems(party_type, party, rows, items, on_date, role=None) -> list[str]:
	"""`role`: Supplier or Customer, the side the licence holder `party_type` `party` is on in the document."""
	role = role or party_type
	certificates = party_certificates(party_type, party)
	problems = []
	identity = rules.licence_problem(certificates, rules.IDENTITY_LICENCES, on_date)
	if identity:
		problems.append(
			describe_licence_problem(party_type, party, identity, rules.IDENTITY_LICENCES, on_date)
		)
	for row in rows:
		item = items.get(row.item_code)
		if not item:
			continue
		accepted = rules.DEVICE_LICENCES[role].get(item.md_device_class)
		if not accepted:
			continue  # Class I: no licence for distribution
		problem = rules.licence_problem(
			certificates, accepted, on_date, item.md_device_class, item.md_classification_code
		)
		if problem:
			message = describe_licence_problem(party_type, party, problem, accepted, on_date, item)
			problems.append(_("Row #{0}: {1}").format(row.idx, message))
	return problems


def describe_licence_problem(party_type, party, problem, accepted, on_date, item=None) -> str:
	code, certificate = problem
	party_label = f"{_(party_type)} {frappe.bold(party)}"
	types = " / ".join(_(t) for t in accepted)
	if code == rules.LICENCE_MISSING:
		if item:
			return _("{0} has no {1} for {2} devices such as {3}.").format(
				party_label, types, _(item.md_device_class), frappe.bold(item.name)
			)
		return _("{0} has no {1} on file.").format(party_label, types)
	link = get_link_to_form("Qualification Certificate", certificate.name, certificate.certificate_number)
	if code == rules.LICENCE_EXPIRED:
		return _("{0}: {1} {2} expired on {3}.").format(
			party_label, _(certificate.licence_type), link, formatdate(certificate.valid_to)
		)
	if code == rules.LICENCE_NOT_YET_VALID:
		return _("{0}: {1} {2} is valid only from {3}.").format(
			party_label, _(certificate.licence_type), link, formatdate(certificate.valid_from)
		)
	if code == rules.CLASS_NOT_COVERED:
		return _("{0}: {1} {2} does not cover {3} devices such as {4}.").format(
			party_label, _(certificate.licence_type), link, _(item.md_device_class), frappe.bold(item.name)
		)
	return _("{0}: {1} {2} does not cover category {3} of device {4}.").format(
		party_label,
		_(certificate.licence_type),
		link,
		frappe.bold(item.md_classification_code),
		frappe.bold(item.name),
	)


# --- registration certificates ---------------------------------------------------------------------------


def registrations(item_codes: list[str]) -> dict[str, list[frappe._dict]]:
	certificate = frappe.qb.DocType("Registration Certificate")
	row = frappe.qb.DocType("Registration Certificate Item")
	result: dict[str, list] = {}
	for entry in (
		frappe.qb.from_(row)
		.join(certificate)
		.on(certificate.name == row.parent)
		.select(row.item, certificate.name, certificate.approval_date, certificate.expiry_date)
		.where(row.item.isin(item_codes))
		.where(row.parenttype == "Registration Certificate")
		.run(as_dict=True)
	):
		result.setdefault(entry.item, []).append(entry)
	return result


def valid_registration(item_code: str, on_date: datetime.date) -> str | None:
	for entry in registrations([item_code]).get(item_code, []):
		if registration_valid_on(entry, on_date):
			return entry.name
	return None


def registration_valid_on(entry, on_date) -> bool:
	if entry.approval_date and on_date < getdate(entry.approval_date):
		return False
	return not (entry.expiry_date and on_date > getdate(entry.expiry_date))


def registration_problems(rows, items, on_date) -> list[str]:
	by_item = registrations(list(items))
	problems = []
	for row in rows:
		if row.item_code not in items:
			continue
		entries = by_item.get(row.item_code, [])
		if any(registration_valid_on(entry, on_date) for entry in entries):
			continue
		if entries:
			latest = max(
				entries, key=lambda e: getdate(e.expiry_date) if e.expiry_date else datetime.date.max
			)
			problems.append(
				_(
					"Row #{0}: registration certificate {1} of device {2} is not valid on {3} (valid {4} to {5})."
				).format(
					row.idx,
					get_link_to_form("Registration Certificate", latest.name),
					frappe.bold(row.item_code),
					formatdate(on_date),
					formatdate(latest.approval_date),
					formatdate(latest.expiry_date) if latest.expiry_date else "-",
				)
			)
		else:
			problems.append(
				_("Row #{0}: device {1} has no registration or filing certificate.").format(
					row.idx, frappe.bold(row.item_code)
				)
			)
	return problems


def is_reviewed_party(doc) -> bool:
	"""md_regulated_records of Supplier and Customer: a party whose first business was reviewed, or that holds a
	licence on file, is a GSP record."""
	return doc.get("md_first_business_status") not in (None, "", "Pending") or bool(
		frappe.db.exists("Qualification Certificate", {"party_type": doc.doctype, "party": doc.name})
	)
