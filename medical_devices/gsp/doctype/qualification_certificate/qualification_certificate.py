import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate

from medical_devices import stored_texts
from medical_devices.audit import controlled, trail
from medical_devices.gsp import rules
from medical_devices.udi.doctype.registration_certificate.registration_certificate import (
	certificate_status,
	near_expiry_days,
)

# Licences that are about devices must say which classes they cover; the others (business licence) do not.
CLASS_SCOPED_TYPES = (
	rules.MANUFACTURING_LICENCE,
	rules.MANUFACTURING_FILING,
	rules.DISTRIBUTION_LICENCE,
	rules.CLASS_II_FILING,
)


class QualificationCertificate(Document):
	def validate(self):
		self.party_name = party_display_name(self.party_type, self.party)
		self.validate_dates()
		self.validate_scope()
		controlled.allow(
			self, f"{__name__}.QualificationCertificate.validate", status=qualification_status(self)
		)

	def validate_dates(self):
		if self.valid_to and getdate(self.valid_to) < getdate(self.valid_from):
			frappe.throw(_("Valid To must not be before Valid From."), title=_("Invalid Validity"))
		if not self.valid_to and self.licence_type in (
			rules.MANUFACTURING_LICENCE,
			rules.DISTRIBUTION_LICENCE,
		):
			frappe.throw(
				_("A {0} is issued for a term (5 years): enter Valid To.").format(_(self.licence_type)),
				title=_("Valid To Missing"),
			)

	def validate_scope(self):
		if self.licence_type == rules.CLASS_II_FILING and (self.covers_class_iii or self.covers_class_i):
			frappe.throw(
				_("A Class II distribution filing covers Class II devices only."), title=_("Invalid Scope")
			)
		if self.licence_type == rules.DISTRIBUTION_LICENCE and not self.covers_class_iii:
			frappe.throw(
				_("A distribution licence is issued for Class III devices: tick Covers Class III."),
				title=_("Invalid Scope"),
			)
		if self.licence_type in CLASS_SCOPED_TYPES and not (
			self.covers_class_i or self.covers_class_ii or self.covers_class_iii
		):
			frappe.throw(_("Tick the device classes this licence covers."), title=_("Invalid Scope"))
		self.scope_codes = ", ".join(rules.parse_scope_codes(self.scope_codes))

	def on_trash(self):
		frappe.throw(_("Qualification records are kept; tick Revoked instead of deleting."))


def party_display_name(party_type: str, party: str) -> str | None:
	field = {
		"Supplier": "supplier_name",
		"Customer": "customer_name",
		"Company": "company_name",
		"Manufacturer": "full_name",
	}.get(party_type)
	return frappe.db.get_value(party_type, party, field) if field else None


def qualification_status(doc, near_days: int | None = None, on_date=None) -> str:
	if doc.disabled:
		return "Revoked"
	return certificate_status(
		getdate(doc.valid_from),
		getdate(doc.valid_to) if doc.valid_to else None,
		near_expiry_days() if near_days is None else near_days,
		on_date,
	)


def update_qualification_statuses():
	"""Daily: move licences to Expiring Soon, Expired or Valid as the calendar turns."""
	near_days = near_expiry_days()
	for row in frappe.get_all(
		"Qualification Certificate", fields=["name", "valid_from", "valid_to", "disabled", "status"]
	):
		status = qualification_status(row, near_days)
		if status != row.status:
			trail.set_values(
				"Qualification Certificate",
				row.name,
				{"status": status},
				f"{__name__}.update_qualification_statuses",
				stored_texts.LICENCE_STATUS.text(),
			)
