"""An audit of a supplier (供应商审核, ISO 13485 §7.4.1): a draft is the planned audit, the submitted one the audit
done, with its findings, score (0-100) and result. Its submit shows the audit on every entry of the supplier on
the approved supplier list (last audit, score, next audit due), and a Disqualified result disqualifies the supplier
on every entry. A submitted audit is never cancelled: what it found was found; a correction is a new audit."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt, getdate, now_datetime

from medical_devices import inputs, stored_texts
from medical_devices.audit import trail
from medical_devices.md_quality.doctype.approved_supplier.approved_supplier import (
	DISQUALIFIED,
	may_qualify,
)

DOCTYPE = "Supplier Audit"
ON_SUBMIT = f"{__name__}.SupplierAudit.on_submit"
RESULTS = ("Approved", "Conditional", "Disqualified")
MIN_SCORE, MAX_SCORE = 0, 100


class SupplierAudit(inputs.CheckedDocument):
	def validate(self):
		if self.audit_date and getdate(self.audit_date) > getdate():
			inputs.refuse(_("Audit Date"), _("an audit cannot be done later than today"))
		if self.score is not None and self.score != "" and not MIN_SCORE <= flt(self.score) <= MAX_SCORE:
			inputs.refuse(
				_("Audit Score"),
				_("{0} is not between {1} and {2}").format(
					frappe.bold(str(self.score)[:40]), MIN_SCORE, MAX_SCORE
				),
			)
		if self.result:
			inputs.choice(self.result, _("Result"), RESULTS)
		if (
			self.next_audit_due
			and self.audit_date
			and getdate(self.next_audit_due) <= getdate(self.audit_date)
		):
			inputs.refuse(_("Next Audit Due"), _("must be after the audit date"))

	def before_submit(self):
		if not may_qualify():
			frappe.throw(
				_("Only a Quality Manager or Regulatory Affairs Manager may submit a supplier audit."),
				frappe.PermissionError,
				title=_("Not Permitted"),
			)
		missing = [
			_(self.meta.get_label(field))
			for field in ("audit_date", "score", "result")
			if self.get(field) in (None, "")
		]
		if self.result != DISQUALIFIED and not self.next_audit_due:
			missing.append(_("Next Audit Due"))
		if missing:
			inputs.refuse(", ".join(missing), _("needed to submit the audit (a draft is the planned audit)"))

	def on_submit(self):
		"""Every entry of the supplier on the list shows this audit; a Disqualified result disqualifies them all."""
		entries = frappe.get_all("Approved Supplier", filters={"supplier": self.supplier}, pluck="name")
		if not entries:
			return
		values = {}
		if not self.later_audit():
			values.update(
				last_audit=self.name, last_audit_score=flt(self.score), next_audit_due=self.next_audit_due
			)
		reason = stored_texts.SUPPLIER_AUDIT_RESULT.text(self.name, self.result)
		if self.result == DISQUALIFIED:
			values.update(
				status=DISQUALIFIED,
				conditions=None,
				decided_by=frappe.session.user,
				decided_on=now_datetime(),
				decision_reason=reason,
			)
		if values:
			trail.set_values("Approved Supplier", entries, values, ON_SUBMIT, reason)

	def later_audit(self) -> str | None:
		"""A submitted audit of the supplier done after this one: the list keeps showing that one."""
		return frappe.db.get_value(
			DOCTYPE,
			{
				"supplier": self.supplier,
				"docstatus": 1,
				"name": ("!=", self.name),
				"audit_date": (">", self.audit_date),
			},
		)

	def before_cancel(self):
		frappe.throw(
			_(
				"Supplier Audit {0} was done and stays on record: record a new audit of the supplier to correct what it found."
			).format(self.name),
			frappe.ValidationError,
			title=_("Not Permitted"),
		)
