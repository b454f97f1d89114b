"""Electronic signatures (21 CFR Part 11 §11.50, §11.70, §11.200) and two-person review (双人复核).

For the document types set in Medical Device Settings → Signature Rules, submitting and cancelling need the user to
sign first: re-enter the password (and the authenticator code when two-factor login is on for them) and choose a
meaning. A correct signature leaves a one-time authorisation for that user, document and action (5 minutes, in
Redis, so any web host may receive the submit); the submit or cancel consumes it and writes the Electronic
Signature record, bound to the content the document has after the action by its hash. A wrong password signs
nothing, submits nothing, and counts towards Frappe's login lockout for that user.

Two-person review: a user with the QA Reviewer role other than the preparer signs the draft as Reviewed; the
document can then be submitted only while its content is still what was reviewed.
"""

import hashlib
from datetime import datetime, timezone

import frappe
from frappe import _
from frappe.utils import cstr

from medical_devices.audit import chain
from medical_devices.audit.trail import INSERT, document_state, record, snapshot

AUTHORISATION_TTL_SECONDS = 300
REVIEWER_ROLE = "QA Reviewer"
SIGNATURE = "Electronic Signature"
SUBMIT, CANCEL, REVIEW = "Submit", "Cancel", "Two-Person Review"
MEANINGS = ("Reviewed", "Approved", "Released", "Verified", "Authored", "Cancelled")


class SignatureRequiredError(frappe.ValidationError):
	pass


class SignatureFailedError(frappe.AuthenticationError):
	pass


# --- rules -------------------------------------------------------------------------------------------------------


def signature_rule(doctype: str):
	for row in frappe.get_cached_doc("Medical Device Settings").get("signature_rules") or []:
		if row.document_type == doctype:
			return row
	return None


def needs_signature(doctype: str, action: str) -> bool:
	rule = signature_rule(doctype)
	return bool(rule and (rule.sign_submit if action == SUBMIT else rule.sign_cancel))


def needs_review(doctype: str) -> bool:
	rule = signature_rule(doctype)
	return bool(rule and rule.require_review)


# --- signing -----------------------------------------------------------------------------------------------------


def authenticate(password: str, otp: str | None = None):
	"""Both identification components again (§11.200): the password, and the authenticator code when required."""
	from frappe.auth import get_login_attempt_tracker
	from frappe.utils.password import check_password

	user = frappe.session.user
	tracker = get_login_attempt_tracker(user, raise_locked_exception=False)
	if not tracker.is_user_allowed():
		frappe.throw(
			_("Too many failed attempts: signing is locked for a while, as login is."),
			SignatureFailedError,
			title=_("Signature Refused"),
		)
	try:
		check_password(user, password or "")
		if two_factor_required(user) and not valid_otp(user, otp):
			raise frappe.AuthenticationError
	except frappe.AuthenticationError:
		tracker.add_failure_attempt()  # kept in Redis: it counts although this request rolls back
		frappe.throw(
			_("Password or authentication code incorrect: nothing was signed."),
			SignatureFailedError,
			title=_("Signature Refused"),
		)
	tracker.add_success_attempt()


def two_factor_required(user: str) -> bool:
	from frappe.twofactor import two_factor_is_enabled_for_

	return bool(two_factor_is_enabled_for_(user))


def valid_otp(user: str, otp: str | None) -> bool:
	"""Against the secret the user's authenticator app was set up with at login (none yet: no valid code)."""
	import pyotp

	from frappe.twofactor import get_default
	from frappe.utils.password import decrypt

	stored = get_default(user + "_otpsecret")  # where and how frappe.twofactor keeps it: encrypted
	if not (otp and stored):
		return False
	secret = decrypt(stored, key=f"{user}.otpsecret")
	return pyotp.TOTP(secret).verify(cstr(otp).strip(), valid_window=1)


def authorisation_key(doctype: str, name: str, action: str) -> str:
	return f"md_esign|{frappe.session.user}|{doctype}|{name}|{action}"


@frappe.whitelist(methods=["POST"])
def sign(doctype: str, name: str, action: str, meaning: str, password: str, otp: str | None = None) -> dict:
	"""Sign before submitting or cancelling: authenticate, then authorise this one action for 5 minutes."""
	if action not in (SUBMIT, CANCEL):
		frappe.throw(_("A signature is given for Submit or Cancel."))
	if meaning not in MEANINGS:
		frappe.throw(_("Choose the meaning of the signature."))
	frappe.has_permission(doctype, action.lower(), name, throw=True)
	authenticate(password, otp)
	frappe.cache.set_value(
		authorisation_key(doctype, name, action),
		{"meaning": meaning, "signed_at": utc_now()},
		expires_in_sec=AUTHORISATION_TTL_SECONDS,
	)
	return {"authorised": True, "expires_in": AUTHORISATION_TTL_SECONDS}


@frappe.whitelist(methods=["POST"])
def review(doctype: str, name: str, password: str, otp: str | None = None) -> int:
	"""Two-person review: a QA Reviewer other than the preparer signs the draft as Reviewed."""
	frappe.has_permission(doctype, "read", name, throw=True)
	doc = frappe.get_doc(doctype, name)
	if doc.owner == frappe.session.user:
		frappe.throw(
			_("{0} prepared {1}: a different person must review it.").format(frappe.session.user, name),
			frappe.PermissionError,
			title=_("Two-Person Review"),
		)
	if REVIEWER_ROLE not in frappe.get_roles():
		frappe.throw(
			_("Only a {0} can review a document.").format(_(REVIEWER_ROLE)),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
	if doc.docstatus != 0:
		frappe.throw(_("Only a draft is reviewed before it is submitted."))
	authenticate(password, otp)
	return write_signature(doc, REVIEW, "Reviewed")


def utc_now() -> str:
	return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def write_signature(doc, action: str, meaning: str, signed_at: str | None = None) -> int:
	"""The signature record, bound to the document's content now, and its own entry in the audit trail."""
	user = frappe.session.user
	values = {
		"signer": user,
		"signer_name": frappe.utils.get_fullname(user),
		"meaning": meaning,
		"signed_at": signed_at or utc_now(),
		"ref_doctype": doc.doctype,
		"ref_name": doc.name,
		"signed_action": action,
		"ip_address": cstr(getattr(frappe.local, "request_ip", None) or ""),
		"document_hash": chain.state_hash(document_state(doc.doctype, doc.name)),
	}
	values["signature_hash"] = hashlib.sha256(chain.canonical(values).encode()).hexdigest()
	signature = frappe.new_doc(SIGNATURE)
	signature.update(values)
	signature.name = frappe.db.sql(
		"select coalesce(max(name), 0) + 1 from `tabElectronic Signature` for update"
	)[0][0]
	signature.owner = signature.modified_by = user
	signature.creation = signature.modified = frappe.utils.now()
	signature.db_insert()  # the controller refuses every write through the document API
	record(signature, INSERT, {"created": snapshot(signature)})
	return signature.name


# --- enforcement (doc_events) ------------------------------------------------------------------------------------


def require_signature(doc, method=None):
	"""before_submit / before_cancel of every doctype; acts on those with a signature or review rule."""
	action = SUBMIT if method == "before_submit" else CANCEL
	if action == SUBMIT and needs_review(doc.doctype):
		require_review(doc)
	if not needs_signature(doc.doctype, action):
		return
	authorisation = frappe.cache.get_value(authorisation_key(doc.doctype, doc.name, action), expires=True)
	if not authorisation:
		frappe.throw(
			_("{0} {1} needs your electronic signature to {2}: sign with your password first.").format(
				_(doc.doctype), doc.name, _(action).lower()
			),
			SignatureRequiredError,
			title=_("Electronic Signature Required"),
		)
	doc.flags.md_signature = authorisation


def write_signed_action(doc, method=None):
	"""on_submit / on_cancel: the signature of the action just carried out, over the content it left."""
	authorisation = doc.flags.pop("md_signature", None) if doc.flags else None
	if not authorisation:
		return
	action = SUBMIT if method == "on_submit" else CANCEL
	frappe.cache.delete_value(authorisation_key(doc.doctype, doc.name, action))
	write_signature(doc, action, authorisation["meaning"], authorisation["signed_at"])


def require_review(doc):
	reviews = frappe.get_all(
		SIGNATURE,
		filters={"ref_doctype": doc.doctype, "ref_name": doc.name, "signed_action": REVIEW},
		fields=["signer", "document_hash"],
		order_by="name desc",
	)
	# the draft as saved; refuse_unreviewed_changes made sure the submit itself brings no change to it
	current = chain.state_hash(document_state(doc.doctype, doc.name))
	valid = [
		row
		for row in reviews
		if row.signer not in (doc.owner, frappe.session.user) and row.document_hash == current
	]
	if not valid:
		message = (
			_("{0} {1} changed after it was reviewed: it needs a new review before it can be submitted.")
			if reviews
			else _(
				"{0} {1} needs a two-person review: a QA Reviewer other than its preparer must review it first."
			)
		)
		frappe.throw(
			message.format(_(doc.doctype), doc.name), SignatureRequiredError, title=_("Two-Person Review")
		)


def refuse_unreviewed_changes(doc, method=None):
	"""before_validate of every doctype: a submit of a reviewed doctype may not carry changes of its own."""
	if getattr(doc, "_action", None) != "submit" or doc.is_new() or not needs_review(doc.doctype):
		return
	before = doc.get_doc_before_save()
	if before and document_state(doc.doctype, doc.name, doc=doc, docstatus=0) != document_state(
		doc.doctype, doc.name, doc=before, docstatus=0
	):
		frappe.throw(
			_("Save the changes to {0} {1} first: they need a review before it can be submitted.").format(
				_(doc.doctype), doc.name
			),
			SignatureRequiredError,
			title=_("Two-Person Review"),
		)


def signatures_of(doc) -> list[dict]:
	"""Jinja method for print formats: the document's signatures, oldest first (printed name, time, meaning)."""
	return frappe.get_all(
		SIGNATURE,
		filters={"ref_doctype": doc.doctype, "ref_name": doc.name},
		fields=["signer_name", "signer", "meaning", "signed_at", "signed_action", "document_hash"],
		order_by="name asc",
	)
