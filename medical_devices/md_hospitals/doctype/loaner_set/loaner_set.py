"""A loaner set instance: its case number, its template, its own warehouse (whose stock is its contents), its
status and its last reprocessing (medical_devices/md_hospitals/loaner_sets.py)."""

import frappe
from frappe import _
from frappe.utils import now_datetime

from medical_devices import access, inputs, stored_texts
from medical_devices.audit import controlled
from medical_devices.audit.origin import mark
from medical_devices.controls import SET_REPROCESSORS
from medical_devices.md_hospitals import loaner_sets

VALIDATE = f"{__name__}.LoanerSet.validate"
STERILISE = f"{__name__}.record_sterilisation"


class LoanerSet(inputs.CheckedDocument):
	def validate(self):
		self.set_no = inputs.text(self.set_no, _("Set No."))
		if self.is_new():
			controlled.allow(
				self, VALIDATE, warehouse=loaner_sets.make_set_warehouse(self.set_no, self.company)
			)
		elif self.company != frappe.db.get_value("Loaner Set", self.name, "company"):
			frappe.throw(_("A loaner set stays with its company."), inputs.InvalidInputError)
		if self.is_new():
			status, missing = loaner_sets.status_of(self)
			controlled.allow(self, VALIDATE, status=status, missing=missing or None)

	def after_insert(self):
		loaner_sets.refresh_status(self.name)


@frappe.whitelist(methods=["POST"])
@inputs.endpoint
def record_sterilisation(loaner_set: str, sterilisation_batch: str) -> str:
	"""The set's reprocessing (清洗消毒灭菌) after its return or refill: it may go out again once complete."""
	if not set(SET_REPROCESSORS) & set(frappe.get_roles()):
		frappe.throw(
			_("Only stock or quality staff record a set's reprocessing."),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
	loaner_set = access.record("Loaner Set", loaner_set)
	sterilisation_batch = inputs.text(sterilisation_batch, _("Sterilisation Batch")).strip()
	doc = frappe.get_doc("Loaner Set", loaner_set)
	if doc.current_loan:
		frappe.throw(
			_("Loaner set {0} is on loan ({1}): record its return first.").format(doc.name, doc.current_loan),
			inputs.InvalidInputError,
		)
	moment = now_datetime()
	pending = frappe.db.get_value(
		"Loaner Set Loan",
		{"loaner_set": doc.name, "docstatus": 1, "status": "Returned", "sterilised_on": ("is", "not set")},
		"name",
	)
	if pending:
		from medical_devices.md_hospitals.doctype.loaner_set_loan.loaner_set_loan import record_reprocessing

		record_reprocessing(pending, moment, sterilisation_batch)
	controlled.allow(doc, STERILISE, last_sterilised_on=moment, last_sterilisation_batch=sterilisation_batch)
	with stored_texts.in_site_language():
		doc.md_reason = _("Reprocessed, sterilisation batch {0}").format(sterilisation_batch)
	mark(doc, STERILISE)
	doc.flags.ignore_permissions = True
	doc.save()
	loaner_sets.refresh_status(doc.name)
	return frappe.db.get_value("Loaner Set", doc.name, "status")
