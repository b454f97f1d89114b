"""What the desk needs to ask for reasons in time: the audited doctypes, and per document whether it is regulated."""

import frappe

from medical_devices.audit.scope import audited_doctypes, is_audited, is_regulated
from medical_devices.audit.signature import signature_rules


def add_audited_doctypes(bootinfo):
	bootinfo.md_audited_doctypes = sorted(audited_doctypes())
	bootinfo.md_signature_rules = {
		doctype: {
			"sign_submit": rule.sign_submit,
			"sign_cancel": rule.sign_cancel,
			"require_review": rule.require_review,
		}
		for doctype, rule in signature_rules().items()
	}


def mark_regulated(doc, method=None):
	"""onload of every doctype: regulated, audited records tell the form to ask for a reason."""
	if is_audited(doc.doctype) and not doc.is_new() and is_regulated(doc):
		doc.set_onload("md_reason_required", 1)
