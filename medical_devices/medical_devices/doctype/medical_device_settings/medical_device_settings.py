import frappe
from frappe import _
from frappe.model.document import Document

from medical_devices.gsp.rules import parse_day_windows
from medical_devices.recall.costs import PROVISION_LIABILITY

DEFAULT_ALERT_ROLES = ("Regulatory Affairs Manager", "QA Reviewer", "Quality Manager")


class MedicalDeviceSettings(Document):
	# Non-negative day counts are enforced by the fields' own `non_negative` flag.
	def validate(self):
		for fieldname in ("expiry_alert_windows", "certificate_reminder_days"):
			try:
				parse_day_windows(self.get(fieldname))
			except ValueError as error:
				frappe.throw(
					_(
						"{0}: {1} is not a number of days. Write whole days separated by commas, e.g. 180,90,30."
					).format(_(self.meta.get_label(fieldname)), frappe.bold(str(error))),
					title=_("Invalid Day List"),
				)
		self.validate_recall_cost_accounts()

	def on_update(self):
		from medical_devices.audit.protection import force_track_changes

		force_track_changes()  # also forgets the cached list of audited doctypes
		before = self.get_doc_before_save()
		added = {row.audited_doctype for row in self.get("audited_doctypes")} - {
			row.audited_doctype for row in (before.get("audited_doctypes") if before else [])
		}
		if added:
			# their existing records get a Baseline entry, so that the verifier knows what they held
			frappe.enqueue(
				"medical_devices.audit.trail.baseline",
				queue="long",
				timeout=3600,
				enqueue_after_commit=True,
				doctypes=sorted(added),
				commit=True,
				now=frappe.flags.in_test or frappe.flags.in_install,
			)

	def validate_recall_cost_accounts(self):
		seen = set()
		for row in self.get("recall_cost_accounts"):
			if (row.company, row.purpose) in seen:
				frappe.throw(
					_("Recall Cost Accounts row {0}: {1} of company {2} is set twice.").format(
						row.idx, _(row.purpose), row.company
					)
				)
			seen.add((row.company, row.purpose))
			account = frappe.db.get_value(
				"Account", row.account, ["company", "is_group", "root_type"], as_dict=True
			)
			expected_root = "Liability" if row.purpose == PROVISION_LIABILITY else "Expense"
			if not account or account.company != row.company:
				frappe.throw(
					_("Recall Cost Accounts row {0}: account {1} does not belong to company {2}.").format(
						row.idx, frappe.bold(row.account), row.company
					)
				)
			if account.is_group or account.root_type != expected_root:
				frappe.throw(
					_("Recall Cost Accounts row {0}: {1} needs a ledger (non-group) {2} account.").format(
						row.idx, _(row.purpose), _(expected_root)
					)
				)


def get_settings():
	"""The settings, cached per request and invalidated by Frappe on save across all processes."""
	return frappe.get_cached_doc("Medical Device Settings")


def controls_enabled() -> bool:
	"""False only while an administrator has switched the rules off, e.g. to migrate legacy data."""
	return bool(get_settings().enable_controls)


def alert_windows() -> tuple[int, ...]:
	return parse_day_windows(get_settings().expiry_alert_windows)


def certificate_reminder_windows() -> tuple[int, ...]:
	return parse_day_windows(get_settings().certificate_reminder_days)


def alert_recipients() -> list[str]:
	"""Enabled system users holding any of the alert roles (Administrator and Guest excluded)."""
	return users_with_roles([row.role for row in get_settings().alert_roles])


def users_with_roles(roles: list[str]) -> list[str]:
	"""Enabled system users holding any of `roles` (Administrator and Guest excluded), sorted."""
	if not roles:
		return []
	has_role = frappe.qb.DocType("Has Role")
	user = frappe.qb.DocType("User")
	rows = (
		frappe.qb.from_(has_role)
		.join(user)
		.on(user.name == has_role.parent)
		.select(user.name)
		.distinct()
		.where(has_role.role.isin(roles))
		.where(has_role.parenttype == "User")
		.where(user.enabled == 1)
		.where(user.user_type == "System User")
		.where(user.name.notin(["Administrator", "Guest"]))
		.run(pluck=True)
	)
	return sorted(rows)
