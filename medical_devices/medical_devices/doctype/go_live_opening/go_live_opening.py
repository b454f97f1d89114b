import html

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import comma_or

from medical_devices import access, inputs
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


class GoLiveOpening(inputs.CheckedDocument):
	"""A go-live's opening decisions (docs/golive.md), made in bulk: drafted by Data Import, checked on every save,
	applied on submit through the same review functions as one by one (first-business approval, batch status),
	each with its trail entry, all or none. The checks run again on submit, right before the decisions are applied
	(whatever flags or scripts skipped the earlier ones). Only the reviewers of each kind of decision may submit it,
	on records they may read; it is never cancelled: a decision is taken back by a review of its own."""

	def validate(self):
		if not clean_reason(self.reason):
			frappe.throw(_("Give the basis of the decisions."), inputs.InvalidInputError)
		seen = set()
		for row in self.decisions:
			self.check_row(row)
			if (row.record_type, row.record) in seen:
				frappe.throw(
					_("Row #{0}: {1} {2} is listed twice.").format(
						row.idx, _(row.record_type), frappe.bold(row.record)
					),
					inputs.InvalidInputError,
				)
			seen.add((row.record_type, row.record))
			clean_reason(self.reason_of(row))  # the stored reason fits

	def check_row(self, row):
		if inputs.missing(row.record_type) or inputs.missing(row.record):
			frappe.throw(
				_("Row #{0}: give the record and its type.").format(row.idx), inputs.InvalidInputError
			)
		if row.decision not in DECISIONS.get(row.record_type, ()):
			frappe.throw(
				_("Row #{0}: {1} is not a decision for a {2}.").format(
					row.idx, _(row.decision or ""), _(row.record_type or "")
				),
				inputs.InvalidInputError,
			)
		if not access.may(row.record_type, row.record):
			frappe.throw(
				_("Row #{0}: you may not read {1} {2}.").format(row.idx, _(row.record_type), row.record),
				frappe.PermissionError,
				title=_("Not Permitted"),
			)
		if row.record_type == "Batch" and not is_device(frappe.db.get_value("Batch", row.record, "item")):
			frappe.throw(
				_("Row #{0}: batch {1} is not of a medical device.").format(row.idx, frappe.bold(row.record)),
				inputs.InvalidInputError,
			)

	def before_submit(self):
		self.check_decisions()

	def check_decisions(self):
		roles = set(frappe.get_roles())
		problems = []
		for row in self.decisions:
			self.check_row(row)
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
			if frappe.db.get_value(row.record_type, row.record, "md_first_business_status") == "Rejected":
				return [
					_("{0} {1} was rejected in first-business review: review it on its own.").format(
						_(row.record_type), frappe.bold(row.record)
					)
				]
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

	def reason_of(self, row) -> str:
		# Frappe stores the basis sanitised (& as &amp;); the writers escape what they store once
		reason = f"{html.unescape(self.reason or '').strip()} ({self.name})"
		return f"{row.remarks.strip()}; {reason}" if row.remarks else reason

	def on_submit(self):
		self.check_decisions()
		for row in self.decisions:
			if row.record_type == "Batch":
				set_batch_status(row.record, row.decision, self.reason_of(row), self.doctype, self.name)
			elif frappe.db.get_value(row.record_type, row.record, "md_first_business_status") != "Approved":
				record_first_business_decision(row.record_type, row.record, "Approved", self.reason_of(row))

	def before_cancel(self):
		frappe.throw(
			_("Opening decisions that were applied cannot be cancelled; review the record again instead."),
			title=_("Not Permitted"),
		)
