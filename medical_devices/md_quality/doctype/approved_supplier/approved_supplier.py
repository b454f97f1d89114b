"""One entry of the approved supplier list (合格供方名录, ISO 13485 §7.4.1; 医疗器械生产质量管理规范 supplier
control): a supplier approved, approved on conditions or disqualified for one item or for an item group. The
decision, who took it, when and why, is the quality and regulatory roles' alone (Change Status, `qualify_supplier`);
what the supplier's last audit found comes from that audit's submit (medical_devices/controls.py). Purchases of a
controlled item are held to the list by medical_devices/md_quality/suppliers.py."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import now_datetime

from medical_devices import access, inputs
from medical_devices.audit import controlled
from medical_devices.audit.origin import REASON_MAX_LENGTH, clean_reason, mark
from medical_devices.controls import SUPPLIER_QUALIFIERS

DOCTYPE = "Approved Supplier"
QUALIFY = f"{__name__}.qualify_supplier"
PENDING, APPROVED, CONDITIONAL, DISQUALIFIED = "Pending", "Approved", "Conditional", "Disqualified"
DECISIONS = (APPROVED, CONDITIONAL, DISQUALIFIED)
SCOPES = {"Item": "item_code", "Item Group": "item_group"}
MAX_CONDITIONS = 2000
# What the decision is about: fixed once the entry exists (another scope is another entry).
DECIDED_ON_THESE = ("supplier", "scope", "item_code", "item_group")

# Indicator colour of each status in the desk (medical_devices/boot.py)
STATUS_COLOURS = {PENDING: "gray", APPROVED: "green", CONDITIONAL: "orange", DISQUALIFIED: "red"}


class ApprovedSupplier(inputs.CheckedDocument):
	def validate(self):
		self.refuse_changes_of_scope()
		self.scope = inputs.choice(self.scope or "Item", _("Approved For"), SCOPES)
		kept = SCOPES[self.scope]
		for field in SCOPES.values():
			if field != kept:
				self.set(field, None)
		if not self.get(kept):
			inputs.refuse(_(self.meta.get_label(kept)), _("missing"))
		self.refuse_duplicate(kept)

	def refuse_changes_of_scope(self):
		before = None if self.is_new() else self.get_doc_before_save()
		if not before:
			return
		changed = [
			field for field in DECIDED_ON_THESE if str(before.get(field) or "") != str(self.get(field) or "")
		]
		if changed:
			frappe.throw(
				_(
					"{0} cannot change on approved supplier list entry {1}: add an entry for the other supplier, item or item group."
				).format(", ".join(_(self.meta.get_label(field)) for field in changed), self.name),
				frappe.PermissionError,
				title=_("Not Permitted"),
			)

	def refuse_duplicate(self, field: str):
		other = frappe.db.get_value(
			DOCTYPE,
			{"supplier": self.supplier, field: self.get(field), "name": ("!=", self.name or "")},
		)
		if other:
			frappe.throw(
				_("Supplier {0} already has entry {1} on the approved supplier list for {2}.").format(
					frappe.bold(self.supplier), other, frappe.bold(self.get(field))
				),
				frappe.DuplicateEntryError,
				title=_("Already on the List"),
			)


def may_qualify(user: str | None = None) -> bool:
	return bool(set(SUPPLIER_QUALIFIERS) & set(frappe.get_roles(user)))


@frappe.whitelist(methods=["POST"])
@inputs.endpoint
def qualify_supplier(name: str, status: str, reason: str, conditions: str | None = None) -> str:
	"""Approve a supplier for the entry's item or item group, approve it on conditions, or disqualify it: the
	decision, who took it, when and why (the reason is also the trail entry's)."""
	if not may_qualify():
		frappe.throw(
			_("Only a Quality Manager or Regulatory Affairs Manager may change a supplier's approval."),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
	name = access.record(DOCTYPE, name, "write", _("Approved Supplier"))
	status = inputs.choice(status, _("Status"), DECISIONS)
	reason = clean_reason(inputs.text(reason, _("Reason for the Decision"), max_length=REASON_MAX_LENGTH))
	conditions = inputs.text(
		conditions, _("Conditions"), required=status == CONDITIONAL, max_length=MAX_CONDITIONS
	)
	doc = frappe.get_doc(DOCTYPE, name)
	controlled.allow(
		doc,
		QUALIFY,
		status=status,
		conditions=clean_reason(conditions) if status == CONDITIONAL else None,
		decided_by=frappe.session.user,
		decided_on=now_datetime(),
		decision_reason=reason,
	)
	doc.md_reason = reason
	mark(doc, QUALIFY)
	doc.flags.ignore_permissions = True  # the decider's write permission was checked above
	doc.save()
	return doc.status
