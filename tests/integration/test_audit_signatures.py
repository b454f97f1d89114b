"""Electronic signatures and two-person review, held on the server: no signature, a wrong password or a review by
the preparer each leave the document unsubmitted."""

import hashlib
import os

import pytest

import frappe
from frappe.utils.password import update_password

from medical_devices.audit import chain
from medical_devices.audit.signature import (
	SIGNED_FIELDS,
	SignatureFailedError,
	SignatureRequiredError,
	review,
	sign,
)
from medical_devices.audit.trail import entries_of, flush
from tests.factories import ensure_item, ensure_user, first_company, material_receipt, new_batch

ITEM = "_Test MD Signed Device"
PREPARER = "md-preparer@example.com"
REVIEWER = "md-reviewer@example.com"
PASSWORD = "Md-sign-2026!"
ADMIN_PASSWORD = os.environ.get("MD_ADMIN_PASSWORD", "admin")
ADMINISTRATOR = "Administrator"


@pytest.fixture(scope="module", autouse=True)
def people(frappe_site):
	ensure_item(ITEM, valuation_rate=10)
	ensure_user(PREPARER, "Stock Manager", "Stock User")
	ensure_user(REVIEWER, "QA Reviewer", "Stock User")
	for user in (PREPARER, REVIEWER):
		update_password(user, PASSWORD)
	frappe.db.commit()  # nosemgrep: shared by this module's tests
	yield


@pytest.fixture
def rule():
	"""Stock Entry needs a signature to submit and cancel, and a two-person review when asked."""

	def apply(require_review=0):
		settings = frappe.get_single("Medical Device Settings")
		settings.set("signature_rules", [])
		settings.append(
			"signature_rules",
			{
				"document_type": "Stock Entry",
				"sign_submit": 1,
				"sign_cancel": 1,
				"require_review": require_review,
			},
		)
		settings.md_reason = "Signature rule for the test"
		settings.save()

	yield apply
	frappe.db.rollback()
	frappe.clear_cache()  # settings, System Settings and role flags the test changed are cached
	forget_attempts()


def forget_attempts():
	"""Failed attempts are committed in a transaction of their own, so the test cleans them up."""
	frappe.db.sql(
		"delete from `tabSignature Attempt` where user in %s", ((ADMINISTRATOR, PREPARER, REVIEWER),)
	)
	frappe.db.commit()  # nosemgrep: the next test starts unlocked


def two_factor_on_for(user):
	"""Two-factor login by authenticator app for Stock Managers (the preparer); the user's secret, set up as the
	first login with two-factor would (and commit)."""
	from frappe.twofactor import get_otpsecret_for_

	secret = get_otpsecret_for_(user)
	frappe.db.set_single_value(
		"System Settings", {"enable_two_factor_auth": 1, "two_factor_method": "OTP App"}
	)
	frappe.db.set_value("Role", "Stock Manager", "two_factor_auth", 1)
	frappe.clear_cache()
	return secret


def draft_receipt():
	return material_receipt(new_batch(ITEM, "SIG", expiry_days=None), 2, submit=False)


def test_submit_and_cancel_need_a_signature_with_the_right_password(rule):
	rule()
	entry = draft_receipt()
	with pytest.raises(SignatureRequiredError):
		frappe.get_doc("Stock Entry", entry.name).submit()
	with pytest.raises(SignatureFailedError):
		sign("Stock Entry", entry.name, "Submit", "Approved", "wrong password")
	with pytest.raises(SignatureRequiredError):
		frappe.get_doc("Stock Entry", entry.name).submit()
	assert frappe.db.get_value("Stock Entry", entry.name, "docstatus") == 0

	sign("Stock Entry", entry.name, "Submit", "Approved", ADMIN_PASSWORD)
	frappe.get_doc("Stock Entry", entry.name).submit()
	[signature] = frappe.get_all(
		"Electronic Signature",
		{"ref_doctype": "Stock Entry", "ref_name": entry.name},
		["*"],
	)
	assert (signature.signer, signature.meaning, signature.signed_action) == (
		"Administrator",
		"Approved",
		"Submit",
	)
	assert signature.signer_name and signature.signed_at.endswith("Z")
	# bound to the content the submit left, and to itself
	from medical_devices.audit.state import document_hash

	assert signature.document_hash == document_hash("Stock Entry", entry.name)
	bound = {key: signature[key] for key in SIGNED_FIELDS}
	assert signature.signature_hash == hashlib.sha256(chain.canonical(bound).encode()).hexdigest()
	flush()
	assert entries_of("Electronic Signature", str(signature.name))[0].action == "Insert"

	# the authorisation was used up: cancelling needs its own signature
	submitted = frappe.get_doc("Stock Entry", entry.name)
	submitted.md_reason = "Test of the cancel signature"
	with pytest.raises(SignatureRequiredError):
		submitted.cancel()
	sign("Stock Entry", entry.name, "Cancel", "Cancelled", ADMIN_PASSWORD)
	submitted = frappe.get_doc("Stock Entry", entry.name)
	submitted.md_reason = "Test of the cancel signature"
	submitted.cancel()
	assert frappe.get_all(
		"Electronic Signature", {"ref_name": entry.name}, pluck="signed_action", order_by="name asc"
	) == ["Submit", "Cancel"]


def test_repeated_wrong_passwords_lock_signing_as_login_does(rule):
	rule()
	frappe.db.set_single_value(
		"System Settings", {"allow_consecutive_login_attempts": 3, "allow_login_after_fail": 60}
	)
	entry = draft_receipt()
	for _attempt in range(4):
		with pytest.raises(SignatureFailedError, match="incorrect"):
			sign("Stock Entry", entry.name, "Submit", "Approved", "wrong")
	frappe.cache.flushall()  # the lockout is kept in the database: Redis restarted, or another host
	with pytest.raises(SignatureFailedError, match="locked"):
		sign("Stock Entry", entry.name, "Submit", "Approved", ADMIN_PASSWORD)
	with pytest.raises(SignatureRequiredError):
		frappe.get_doc("Stock Entry", entry.name).submit()
	from medical_devices.audit.connection import separate_transaction

	with separate_transaction() as db:  # committed on their own, whatever this test's transaction does
		failures = db.sql(
			"select count(*) from `tabSignature Attempt` where user = %s and succeeded = 0", ADMINISTRATOR
		)[0][0]
	assert failures == 4


def test_two_person_review_by_someone_other_than_the_preparer(rule):
	rule(require_review=1)
	frappe.set_user(PREPARER)
	entry = draft_receipt()
	with pytest.raises(frappe.PermissionError, match="different person"):
		review("Stock Entry", entry.name, PASSWORD)
	sign("Stock Entry", entry.name, "Submit", "Approved", PASSWORD)
	with pytest.raises(SignatureRequiredError, match="two-person review"):
		frappe.get_doc("Stock Entry", entry.name).submit()

	frappe.set_user(REVIEWER)
	with pytest.raises(SignatureFailedError):
		review("Stock Entry", entry.name, "wrong")
	review("Stock Entry", entry.name, PASSWORD)

	# a reviewer who changed the draft reviews their own work: refused
	frappe.set_user(PREPARER)
	edited = draft_receipt()
	frappe.set_user(REVIEWER)
	doc = frappe.get_doc("Stock Entry", edited.name)
	doc.remarks = "Reviewer's own correction"
	doc.md_reason = "Corrected the remark"
	doc.save()
	with pytest.raises(frappe.PermissionError, match="prepared or changed"):
		review("Stock Entry", edited.name, PASSWORD)

	# a change after the review needs a new one
	frappe.set_user(PREPARER)
	changed = frappe.get_doc("Stock Entry", entry.name)
	changed.items[0].qty = 3
	changed.md_reason = "Counted again"
	changed.save()
	sign("Stock Entry", entry.name, "Submit", "Approved", PASSWORD)
	with pytest.raises(SignatureRequiredError, match="changed after it was reviewed"):
		frappe.get_doc("Stock Entry", entry.name).submit()

	frappe.set_user(REVIEWER)
	review("Stock Entry", entry.name, PASSWORD)
	frappe.set_user(PREPARER)
	sign("Stock Entry", entry.name, "Submit", "Approved", PASSWORD)
	sneaked = frappe.get_doc("Stock Entry", entry.name)
	sneaked.items[0].qty = 30  # a change sent with the submit itself
	with pytest.raises(SignatureRequiredError, match="Save the changes"):
		sneaked.submit()
	frappe.get_doc("Stock Entry", entry.name).submit()
	signatures = frappe.get_all(
		"Electronic Signature",
		{"ref_name": entry.name},
		["signer", "signed_action", "meaning"],
		order_by="name asc",
	)
	assert [(s.signer, s.signed_action) for s in signatures] == [
		(REVIEWER, "Two-Person Review"),
		(REVIEWER, "Two-Person Review"),
		(PREPARER, "Submit"),
	]


def test_only_a_qa_reviewer_reviews_and_signatures_cannot_be_altered(rule):
	rule(require_review=1)
	entry = draft_receipt()
	frappe.set_user(PREPARER)
	with pytest.raises(frappe.PermissionError, match="Only a"):
		review("Stock Entry", entry.name, PASSWORD)
	frappe.set_user(REVIEWER)
	name = review("Stock Entry", entry.name, PASSWORD)
	frappe.set_user("Administrator")
	signature = frappe.get_doc("Electronic Signature", name)
	signature.meaning = "Approved"
	with pytest.raises(frappe.PermissionError):
		signature.save()
	with pytest.raises(frappe.PermissionError):
		frappe.delete_doc("Electronic Signature", name)


def test_print_formats_show_the_signatures(rule):
	from frappe.www.printview import get_rendered_template

	settings = frappe.get_single("Medical Device Settings")
	settings.append("signature_rules", {"document_type": "Device Recall", "sign_submit": 1, "sign_cancel": 0})
	settings.md_reason = "Signature rule for the test"
	settings.save()
	batch = frappe.get_doc(
		{"doctype": "Batch", "item": ITEM, "batch_id": f"SIG-R-{frappe.generate_hash(length=5)}"}
	)
	batch.insert()
	recall = frappe.get_doc(
		{
			"doctype": "Device Recall",
			"company": first_company(),
			"recall_class": "Class III Recall",
			"start_date": frappe.utils.today(),
			"reason": "Label misprint",
			"batches": [{"batch": batch.name}],
		}
	).insert()
	sign("Device Recall", recall.name, "Submit", "Approved", ADMIN_PASSWORD)
	recall.submit()
	signature = frappe.get_last_doc("Electronic Signature", {"ref_name": recall.name})
	html = get_rendered_template(recall, print_format=frappe.get_doc("Print Format", "Recall Event Report"))
	assert (
		signature.signer_name in html and signature.signed_at in html and signature.document_hash[:16] in html
	)


def test_with_two_factor_login_on_the_signature_needs_the_authenticator_code(rule):
	import pyotp

	secret = two_factor_on_for(PREPARER)
	rule()
	frappe.set_user(PREPARER)
	entry = draft_receipt()
	with pytest.raises(SignatureFailedError):
		sign("Stock Entry", entry.name, "Submit", "Approved", PASSWORD)  # the password alone is not enough
	with pytest.raises(SignatureFailedError):
		sign("Stock Entry", entry.name, "Submit", "Approved", PASSWORD, otp="000000")
	code = pyotp.TOTP(secret).now()
	sign("Stock Entry", entry.name, "Submit", "Approved", PASSWORD, otp=code)
	frappe.get_doc("Stock Entry", entry.name).submit()
	assert frappe.db.get_value("Stock Entry", entry.name, "docstatus") == 1


def test_signing_is_refused_without_a_rule_or_for_a_step_already_taken(rule):
	rule()
	entry = draft_receipt()
	with pytest.raises(SignatureRequiredError, match="not submitted"):
		sign("Stock Entry", entry.name, "Cancel", "Approved", ADMIN_PASSWORD)
	with pytest.raises(SignatureRequiredError, match="nothing to sign"):
		sign("Quality Inspection", entry.name, "Submit", "Approved", ADMIN_PASSWORD)
	with pytest.raises(SignatureRequiredError, match="nothing to sign"):
		sign("Delivery Note", entry.name, "Submit", "Approved", ADMIN_PASSWORD)
	assert not frappe.db.exists("Signature Attempt", {"user": ADMINISTRATOR, "ref_doctype": "Delivery Note"})
	sign("Stock Entry", entry.name, "Submit", "Approved", ADMIN_PASSWORD)
	frappe.get_doc("Stock Entry", entry.name).submit()
	with pytest.raises(SignatureRequiredError, match="not a draft"):  # the signature of a submit once done
		sign("Stock Entry", entry.name, "Submit", "Approved", ADMIN_PASSWORD)


def test_an_authenticator_code_signs_once(rule):
	import pyotp

	secret = two_factor_on_for(PREPARER)
	rule()
	frappe.set_user(PREPARER)
	first, second = draft_receipt(), draft_receipt()
	code = pyotp.TOTP(secret).now()
	sign("Stock Entry", first.name, "Submit", "Approved", PASSWORD, otp=code)
	with pytest.raises(SignatureFailedError, match="used already"):
		sign("Stock Entry", second.name, "Submit", "Approved", PASSWORD, otp=code)
	with pytest.raises(SignatureRequiredError):
		frappe.get_doc("Stock Entry", second.name).submit()
