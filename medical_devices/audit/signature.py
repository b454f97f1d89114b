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
from frappe.utils import add_to_date, cint, cstr, now_datetime

from medical_devices import access, inputs
from medical_devices.audit import chain, state, trail
from medical_devices.audit.connection import separate_transaction
from medical_devices.audit.origin import is_requested_change
from medical_devices.audit.trail import snapshot

AUTHORISATION_TTL_SECONDS = 300
REVIEWER_ROLE = "QA Reviewer"
SIGNATURE = "Electronic Signature"
ATTEMPT = "Signature Attempt"
SUBMIT, CANCEL, REVIEW = "Submit", "Cancel", "Two-Person Review"
MEANINGS = ("Reviewed", "Approved", "Released", "Verified", "Authored", "Cancelled")
# What a signature's own hash covers, in this order.
SIGNED_FIELDS = (
	"signer",
	"signer_name",
	"meaning",
	"signed_at",
	"ref_doctype",
	"ref_name",
	"signed_action",
	"ip_address",
	"document_hash",
)


class SignatureRequiredError(frappe.ValidationError):
	pass


class SignatureFailedError(frappe.AuthenticationError):
	pass


# --- rules -------------------------------------------------------------------------------------------------------


def signature_rules() -> dict[str, frappe._dict]:
	"""Document type -> its rule: Medical Device Settings' rules, and the actions other apps' modules always have
	signed (the `md_signed_actions` hook: a release or a disposition is a signature by definition, which no setting
	turns off)."""
	rules = {
		row.document_type: frappe._dict(
			sign_submit=row.sign_submit, sign_cancel=row.sign_cancel, require_review=row.require_review
		)
		for row in frappe.get_cached_doc("Medical Device Settings").get("signature_rules") or []
	}
	for doctype, actions in (frappe.get_hooks("md_signed_actions") or {}).items():
		rule = rules.setdefault(doctype, frappe._dict(sign_submit=0, sign_cancel=0, require_review=0))
		rule.sign_submit = 1 if SUBMIT in actions else rule.sign_submit
		rule.sign_cancel = 1 if CANCEL in actions else rule.sign_cancel
	return rules


def signature_rule(doctype: str):
	return signature_rules().get(doctype)


def needs_signature(doctype: str, action: str) -> bool:
	rule = signature_rule(doctype)
	return bool(rule and (rule.sign_submit if action == SUBMIT else rule.sign_cancel))


def needs_review(doctype: str) -> bool:
	rule = signature_rule(doctype)
	return bool(rule and rule.require_review)


# --- signing -----------------------------------------------------------------------------------------------------


def authenticate(password: str, otp: str | None = None, doctype=None, name=None, action=None):
	"""Both identification components again (§11.200): the password, and the authenticator code when required.

	Every attempt is kept in Signature Attempt, in the database: consecutive failures lock signing for the user as
	System Settings lock login (count and time), whatever cache or host the next request reaches; an authenticator
	code signs once and never after a newer one.
	"""
	from frappe.utils.password import check_password

	user = frappe.session.user
	if signing_locked(user):
		frappe.throw(
			_("Too many failed attempts: signing is locked for a while, as login is."),
			SignatureFailedError,
			title=_("Signature Refused"),
		)
	step = None
	try:
		check_password(user, password or "")
		if two_factor_required(user):
			step = otp_time_step(user, otp)
			if step is None:
				raise frappe.AuthenticationError
	except frappe.AuthenticationError:
		record_failed_attempt(user, doctype, name, action)
		frappe.throw(
			_("Password or authentication code incorrect: nothing was signed."),
			SignatureFailedError,
			title=_("Signature Refused"),
		)
	if step is not None and code_already_used(user, step):
		frappe.throw(
			_("This authentication code was used already: wait for the next one."),
			SignatureFailedError,
			title=_("Signature Refused"),
		)
	try:
		record_attempt(user, True, doctype, name, action, step)
	except Exception as error:
		if not frappe.db.is_unique_key_violation(error):
			raise
		frappe.throw(
			_("This authentication code was used already: wait for the next one."),
			SignatureFailedError,
			title=_("Signature Refused"),
		)


def lockout_policy() -> tuple[int, int]:
	"""(attempts, seconds): System Settings' login lockout, which signing follows."""
	attempts = cint(frappe.db.get_single_value("System Settings", "allow_consecutive_login_attempts"))
	seconds = cint(frappe.db.get_single_value("System Settings", "allow_login_after_fail"))
	return attempts or 10, seconds or 60


def signing_locked(user: str) -> bool:
	attempts, seconds = lockout_policy()
	with separate_transaction() as db:
		recent = db.sql(
			f"""select succeeded from `tab{ATTEMPT}` where user = %s and attempted_at > %s
			order by attempted_at desc, name desc limit %s""",
			(user, add_to_date(now_datetime(), seconds=-seconds), attempts + 1),
		)
	return len(recent) > attempts and not any(row[0] for row in recent)  # as frappe.auth counts


def record_failed_attempt(user, doctype=None, name=None, action=None):
	"""Committed at once, on its own: it counts although the request that made it rolls back."""
	with separate_transaction() as db:
		record_attempt(user, False, doctype, name, action, db=db)


def record_attempt(user, succeeded, doctype=None, name=None, action=None, otp_step=None, db=None):
	db = db or frappe.db
	values = {
		"user": user,
		"attempted_at": now_datetime(),
		"succeeded": int(bool(succeeded)),
		"ref_doctype": doctype,
		"ref_name": cstr(name) if name is not None else None,
		"signed_action": action,
		"ip_address": cstr(getattr(frappe.local, "request_ip", None) or ""),
		"otp_step": None if otp_step is None else str(otp_step),
	}
	stamp = frappe.utils.now()
	db.sql(
		f"""insert into `tab{ATTEMPT}` (name, creation, modified, owner, modified_by, {", ".join(values)})
		values (%s, %s, %s, %s, %s, {", ".join(["%s"] * len(values))})""",
		(next_attempt_name(db), stamp, stamp, user, user, *values.values()),
	)


def next_attempt_name(db) -> int:
	if db.db_type == "mariadb":
		return db.sql("select nextval(`signature_attempt_id_seq`)")[0][0]
	return db.sql("select nextval('signature_attempt_id_seq')")[0][0]


def code_already_used(user: str, step: int) -> bool:
	with separate_transaction() as db:
		last = db.sql(
			f"""select max(cast(otp_step as unsigned)) from `tab{ATTEMPT}`
			where user = %s and otp_step is not null""",
			user,
		)[0][0]
	return last is not None and int(last) >= step


def two_factor_required(user: str) -> bool:
	from frappe.twofactor import two_factor_is_enabled_for_

	return bool(two_factor_is_enabled_for_(user))


def otp_time_step(user: str, otp: str | None) -> int | None:
	"""The time step of the authenticator code, checked against the secret the user's app was set up with at
	login (none yet: no valid code), one step of clock drift either way."""
	import pyotp

	from frappe.twofactor import get_default
	from frappe.utils.password import decrypt

	stored = get_default(user + "_otpsecret")  # where and how frappe.twofactor keeps it: encrypted
	code = cstr(otp).strip()
	if not (code and stored):
		return None
	totp = pyotp.TOTP(decrypt(stored, key=f"{user}.otpsecret"))
	now = datetime.now(timezone.utc)
	current = totp.timecode(now)
	for step in (current, current - 1, current + 1):
		if pyotp.utils.strings_equal(code, totp.generate_otp(step)):
			return step
	return None


def authorisation_key(doctype: str, name: str, action: str) -> str:
	return f"md_esign|{frappe.session.user}|{doctype}|{name}|{action}"


@frappe.whitelist(methods=["POST"])
@inputs.endpoint
def sign(doctype: str, name: str, action: str, meaning: str, password: str, otp: str | None = None) -> dict:
	"""Sign before submitting or cancelling: authenticate, then authorise this one action for 5 minutes."""
	if action not in (SUBMIT, CANCEL):
		frappe.throw(_("A signature is given for Submit or Cancel."))
	if meaning not in MEANINGS:
		frappe.throw(_("Choose the meaning of the signature."))
	if not needs_signature(doctype, action):
		frappe.throw(
			_("No signature rule asks for a signature to {0} {1}: there is nothing to sign.").format(
				_(action).lower(), _(doctype)
			),
			SignatureRequiredError,
			title=_("Nothing to Sign"),
		)
	frappe.has_permission(doctype, action.lower(), name, throw=True)
	if frappe.db.get_value(doctype, name, "docstatus") != (0 if action == SUBMIT else 1):
		message = (
			_("{0} {1} is not a draft: there is no submit to sign.")
			if action == SUBMIT
			else _("{0} {1} is not submitted: there is no cancel to sign.")
		)
		frappe.throw(message.format(_(doctype), name), SignatureRequiredError, title=_("Nothing to Sign"))
	authenticate(password, otp, doctype, name, action)
	frappe.cache.set_value(
		authorisation_key(doctype, name, action),
		{"meaning": meaning, "signed_at": utc_now()},
		expires_in_sec=AUTHORISATION_TTL_SECONDS,
	)
	return {"authorised": True, "expires_in": AUTHORISATION_TTL_SECONDS}


@frappe.whitelist(methods=["POST"])
@inputs.endpoint
def review(doctype: str, name: str, password: str, otp: str | None = None) -> int:
	"""Two-person review: a QA Reviewer other than the preparer signs the draft as Reviewed."""
	doctype = inputs.docname("DocType", doctype, _("Document Type"))
	name = access.record(doctype, name)
	doc = frappe.get_doc(doctype, name)
	if doc.owner == frappe.session.user or trail.has_edited(doctype, name, frappe.session.user):
		frappe.throw(
			_("{0} prepared or changed {1}: a different person must review it.").format(
				frappe.session.user, name
			),
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
	if not needs_review(doctype):
		frappe.throw(
			_("No signature rule asks for a two-person review of {0}.").format(_(doctype)),
			SignatureRequiredError,
			title=_("Nothing to Sign"),
		)
	authenticate(password, otp, doctype, name, REVIEW)
	return write_signature(doc, REVIEW, "Reviewed")


def signed_hash(values: dict) -> str:
	return hashlib.sha256(
		chain.canonical({field: values.get(field) for field in SIGNED_FIELDS}).encode()
	).hexdigest()


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
		"document_hash": state.document_hash(doc.doctype, doc.name),
	}
	values["signature_hash"] = signed_hash(values)
	signature = frappe.new_doc(SIGNATURE)
	signature.update(values)
	signature.name = frappe.db.sql(
		"select coalesce(max(name), 0) + 1 from `tabElectronic Signature` for update"
	)[0][0]
	signature.owner = signature.modified_by = user
	signature.creation = signature.modified = frappe.utils.now()
	signature.db_insert()  # append-only: never through the document API
	trail.record_changes(
		SIGNATURE,
		{str(signature.name): {"created": snapshot(signature)}},
		trail.INSERT,
		None,
		{"document": [doc.doctype, doc.name]},
	)
	return signature.name


# --- enforcement (doc_events) ------------------------------------------------------------------------------------


def require_signature(doc, method=None):
	"""before_submit / before_cancel of every doctype (early, for a clear refusal): the signature, and for a
	submit the two-person review, that the rules ask for."""
	action = SUBMIT if method == "before_submit" else CANCEL
	if not is_requested_change(doc):
		return  # a document the app or another document generates is covered by that one's signature
	if action == SUBMIT and needs_review(doc.doctype):
		require_review(doc)
	if needs_signature(doc.doctype, action) and not authorisation_of(doc, action):
		refuse_unsigned(doc, action)


def authorisation_of(doc, action: str) -> dict | None:
	return frappe.cache.get_value(authorisation_key(doc.doctype, doc.name, action), expires=True)


def refuse_unsigned(doc, action: str):
	frappe.throw(
		_("{0} {1} needs your electronic signature to {2}: sign with your password first.").format(
			_(doc.doctype), doc.name, _(action).lower()
		),
		SignatureRequiredError,
		title=_("Electronic Signature Required"),
	)


def write_signed_action(doc, method=None):
	"""on_change of every doctype (the invariant, after every flag and server script): a submit or cancel that a
	rule asks to be signed writes its signature now, over the content it left, or rolls back."""
	action = {"submit": SUBMIT, "cancel": CANCEL}.get(getattr(doc, "_action", None))
	if not action or doc.flags.get("md_signed") == action or not signature_rule(doc.doctype):
		return
	if not is_requested_change(doc):
		return
	if action == SUBMIT and needs_review(doc.doctype):
		before = doc.get_doc_before_save()
		draft = state.state_of(before, docstatus=0) if before else None
		require_review(
			doc, state.state_hash_of(draft, state.current_definition_key(doc.doctype)) if draft else "-"
		)
	if not needs_signature(doc.doctype, action):
		doc.flags.md_signed = action
		return
	authorisation = authorisation_of(doc, action)
	if not authorisation:
		refuse_unsigned(doc, action)
	frappe.cache.delete_value(authorisation_key(doc.doctype, doc.name, action))
	doc.flags.md_signed = action
	write_signature(doc, action, authorisation["meaning"], authorisation["signed_at"])


def require_review(doc, draft_hash: str | None = None):
	"""A valid review of exactly the draft being submitted (its hash: as stored now, unless given)."""
	reviews = frappe.get_all(
		SIGNATURE,
		filters={"ref_doctype": doc.doctype, "ref_name": doc.name, "signed_action": REVIEW},
		fields=["signer", "document_hash"],
		order_by="name desc",
	)
	# the draft as saved; refuse_unreviewed_changes made sure the submit itself brings no change to it
	current = draft_hash or state.document_hash(doc.doctype, doc.name)
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
	if before and state.state_of(doc, docstatus=0) != state.state_of(before, docstatus=0):
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
