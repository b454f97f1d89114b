"""What keeps the audit trail whole: Track Changes forced on for audited doctypes (as india-compliance does), and
Frappe's own Version history of them protected from edits and deletion."""

import frappe
from frappe import _

from medical_devices.audit.scope import audited_doctypes, clear_audited_doctypes_cache, is_audited
from medical_devices.audit.trail import ENTRY, ensure_head


def force_track_changes():
	clear_audited_doctypes_cache()
	for doctype in audited_doctypes():
		meta = frappe.get_meta(doctype)
		if meta.issingle or meta.track_changes:
			continue
		frappe.make_property_setter(
			{
				"doctype": doctype,
				"doctype_or_field": "DocType",
				"property": "track_changes",
				"value": 1,
				"property_type": "Check",
			},
			validate_fields_for_doctype=False,
			is_system_generated=True,
		)


def remove_forced_track_changes():
	frappe.db.delete(
		"Property Setter",
		{
			"doc_type": ("in", list(audited_doctypes()) or [""]),
			"property": "track_changes",
			"is_system_generated": 1,
		},
	)


def setup_audit():
	force_track_changes()
	ensure_head()
	add_indexes()


def add_indexes():
	"""A document's entries are looked up by type and name; an authenticator code is used once per user."""
	frappe.db.add_index(ENTRY, ["ref_doctype", "ref_name"], "ref_doctype_ref_name")
	frappe.db.add_unique("Signature Attempt", ["user", "otp_step"], "unique_user_otp_step")


def refuse_track_changes_off(doc, method=None):
	"""Property Setter.validate: Track Changes of an audited doctype stays on (Customize Form included)."""
	if frappe.flags.in_uninstall or frappe.flags.in_install or frappe.flags.in_migrate:
		return
	if doc.property == "track_changes" and str(doc.value) in ("0", "") and is_audited(doc.doc_type):
		frappe.throw(
			_("Track Changes cannot be switched off for {0}: it is an audited document type.").format(
				_(doc.doc_type)
			),
			title=_("Not Permitted"),
		)


def protect_version(doc, method=None):
	"""Version.validate / on_trash: the change history of an audited document is never edited or deleted."""
	if frappe.flags.in_uninstall:
		return
	if method == "validate" and doc.is_new():
		return
	if doc.ref_doctype and is_audited(doc.ref_doctype):
		frappe.throw(
			_("The change history of {0} cannot be altered.").format(_(doc.ref_doctype)),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
