import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import comma_or

from medical_devices import inputs
from medical_devices.audit.origin import clean_reason
from medical_devices.controls import FIRST_BUSINESS_REVIEWERS, QA_ROLES
from medical_devices.devices import is_device
from medical_devices.gsp import rules
from medical_devices.gsp.batch_status import release_refusal, set_batch_status
from medical_devices.gsp.qualification import (
	FIRST_BUSINESS_DOCTYPES,
	QualificationError,
	first_business_prerequisites,
	record_first_business_decision,
)

APPROVED = "Approved for First Business"
DECISIONS = {
	**{doctype: (APPROVED,) for doctype in FIRST_BUSINESS_DOCTYPES},
	"Batch": rules.MANUAL_STATUSES,
}


class GoLiveOpening(Document):
	"""A go-live's opening decisions (docs/golive.md), made in bulk: drafted by Data Import, checked on every save,
	applied on submit through the same review functions as one by one (first-business approval, batch status),
	each with its trail entry, all or none. Only the reviewers of each kind of decision may submit it, and it is
	never cancelled: a decision is taken back by a review of its own."""

	def validate(self):
		self.reason = clean_reason(self.reason)
		if not self.reason:
			frappe.throw(_("Give the basis of the decisions."), inputs.InvalidInputError)
		seen = set()
		for row in self.decisions:
			if row.decision not in DECISIONS.get(row.record_type, ()):
				frappe.throw(
					_("Row #{0}: {1} is not a decision for a {2}.").format(
						row.idx, _(row.decision or ""), _(row.record_type or "")
					),
					inputs.InvalidInputError,
				)
			if (row.record_type, row.record) in seen:
				frappe.throw(
					_("Row #{0}: {1} {2} is listed twice.").format(
						row.idx, _(row.record_type), frappe.bold(row.record)
					),
					inputs.InvalidInputError,
				)
			seen.add((row.record_type, row.record))
			if row.record_type == "Batch" and not is_device(frappe.db.get_value("Batch", row.record, "item")):
				frappe.throw(
					_("Row #{0}: batch {1} is not of a medical device.").format(
						row.idx, frappe.bold(row.record)
					),
					inputs.InvalidInputError,
				)

	def before_submit(self):
		roles = set(frappe.get_roles())
		problems = []
		for row in self.decisions:
			reviewers = QA_ROLES if row.record_type == "Batch" else FIRST_BUSINESS_REVIEWERS
			if not roles & set(reviewers):
				frappe.throw(
					_("Row #{0}: only a {1} may take this decision.").format(
						row.idx, comma_or([_(role) for role in reviewers], add_quotes=False)
					),
					frappe.PermissionError,
					title=_("Not Permitted"),
				)
			problems += [_("Row #{0}: {1}").format(row.idx, problem) for problem in self.row_problems(row)]
		if problems:
			frappe.throw("<br>".join(problems), QualificationError, title=_("Cannot Apply Yet"))

	def row_problems(self, row) -> list[str]:
		if row.record_type != "Batch":
			return first_business_prerequisites(row.record_type, row.record)
		status = frappe.db.get_value("Batch", row.record, "md_batch_status")
		if status == row.decision:
			return []
		if not rules.can_transition(status, row.decision):
			return [
				_("Batch {0} is {1}; it cannot become {2}.").format(
					frappe.bold(row.record), _(status), _(row.decision)
				)
			]
		refusal = release_refusal(row.record, status, row.decision, self.doctype, self.name)
		return [refusal] if refusal else []

	def on_submit(self):
		for row in self.decisions:
			reason = f"{self.reason} ({self.name})"
			if row.remarks:
				reason = f"{row.remarks}; {reason}"
			if row.record_type == "Batch":
				set_batch_status(row.record, row.decision, reason, self.doctype, self.name)
			elif frappe.db.get_value(row.record_type, row.record, "md_first_business_status") != "Approved":
				record_first_business_decision(row.record_type, row.record, "Approved", reason)

	def before_cancel(self):
		frappe.throw(
			_("Opening decisions that were applied cannot be cancelled; review the record again instead."),
			title=_("Not Permitted"),
		)
