"""Reason for change (EU GMP Annex 11 §9): editing a regulated record after its first save, updating it after
submit, cancelling and amending it need a reason, given by the person who asked for the change. Regulated records
are never deleted.

"Regulated" is this app's own records and the ERPNext records that concern medical devices; ERPNext records of
other goods are recorded in the trail too but keep ERPNext's own behaviour. The rule binds the document the
request is about (desk save, cancel, REST or frappe.client call), not documents ERPNext updates as a consequence.
"""

import json
from urllib.parse import unquote

import frappe
from frappe import _

from medical_devices.audit.trail import app_modules, is_audited

REASON_FIELD = "md_reason"
REASON_TTL_SECONDS = 600
ITEM_TABLE_DOCTYPES = {
	"Purchase Receipt": "items",
	"Purchase Invoice": "items",
	"Delivery Note": "items",
	"Sales Invoice": "items",
	"Stock Entry": "items",
	"Purchase Order": "items",
	"Sales Order": "items",
}


class ReasonRequiredError(frappe.ValidationError):
	pass


def is_regulated(doc) -> bool:
	if frappe.get_meta(doc.doctype).module in app_modules():
		return True
	if doc.doctype == "Item":
		return bool(doc.get("md_is_medical_device"))
	if doc.doctype in ("Batch", "Serial No"):
		return is_device(doc.get("item") or doc.get("item_code"))
	if doc.doctype == "Quality Inspection":
		return is_device(doc.get("item_code"))
	if doc.doctype in ITEM_TABLE_DOCTYPES:
		return any(is_device(row.item_code) for row in doc.get(ITEM_TABLE_DOCTYPES[doc.doctype]) or [])
	if doc.doctype in ("Supplier", "Customer"):
		return bool(doc.get("md_first_business_status")) or bool(
			frappe.db.exists("Qualification Certificate", {"party_type": doc.doctype, "party": doc.name})
		)
	if doc.doctype == "Journal Entry":
		return bool(doc.get("md_recall_cost_entry")) or any(
			row.get("md_device_recall") for row in doc.get("accounts") or []
		)
	return False


def is_device(item_code) -> bool:
	return bool(item_code) and bool(frappe.get_cached_value("Item", item_code, "md_is_medical_device"))


def reason_for(doc) -> str | None:
	"""The reason given with this request: on the document, as a request parameter, or noted beforehand."""
	reason = doc.get(REASON_FIELD) or (frappe.form_dict or {}).get(REASON_FIELD)
	if not reason and getattr(frappe.local, "session", None):
		reason = frappe.cache.get_value(pending_key(doc.doctype, doc.name), expires=True)
	return (reason or "").strip() or None


def pending_key(doctype: str, name: str) -> str:
	return f"md_audit_reason|{frappe.session.user}|{doctype}|{name}"


@frappe.whitelist(methods=["POST"])
def note_reason(doctype: str, name: str, reason: str):
	"""Desk: the reason typed in the dialog before a cancel, which sends no document body of its own."""
	frappe.has_permission(doctype, "read", name, throw=True)
	if not (reason or "").strip():
		frappe.throw(_("Enter a reason."))
	frappe.cache.set_value(pending_key(doctype, name), reason.strip(), expires_in_sec=REASON_TTL_SECONDS)


def require_reason(doc, method=None):
	"""validate / before_cancel / before_update_after_submit of every doctype; acts on regulated, audited ones."""
	if not is_audited(doc.doctype) or not is_requested_document(doc):
		return
	action = change_needing_reason(doc, method)
	if not action or not is_regulated(doc):
		return
	if not reason_for(doc):
		frappe.throw(
			_("{0} {1} is a regulated record: give a reason for {2}.").format(
				_(doc.doctype), doc.name or "", action
			),
			ReasonRequiredError,
			title=_("Reason for Change Required"),
		)


def change_needing_reason(doc, method) -> str | None:
	if method == "before_cancel":
		return _("cancelling it")
	if method == "before_update_after_submit":
		return _("changing it after submit")
	if doc.is_new():
		return _("amending it") if doc.get("amended_from") else None
	if getattr(doc, "_action", None) == "save" and doc.docstatus == 0:
		return _("changing it")
	return None


def is_requested_document(doc) -> bool:
	"""Whether this document is the one the current request names (not one updated as a side effect)."""
	if doc.flags.md_require_reason:
		return True
	form = frappe.form_dict or {}
	if form.get("doctype") == doc.doctype and form.get("name") in (doc.name, doc.get("amended_from")):
		return True
	body = form.get("doc")
	if body:
		try:
			body = json.loads(body) if isinstance(body, str) else body
		except ValueError:
			body = None
		if isinstance(body, dict) and body.get("doctype") == doc.doctype:
			return body.get("name") in (doc.name, None) or body.get("__islocal") or body.get("amended_from")
	request = getattr(frappe.local, "request", None)
	path = unquote(getattr(request, "path", "") or "")
	if path.startswith("/api/resource/"):
		parts = path.split("/")
		return len(parts) > 3 and parts[3] == doc.doctype and (len(parts) == 4 or parts[4] == doc.name)
	return False


def refuse_regulated_delete(doc):
	if frappe.flags.in_uninstall or frappe.flags.in_install or frappe.flags.in_migrate:
		return
	if is_regulated(doc):
		from medical_devices.nmpa.retention import deletion_refusal

		frappe.throw(deletion_refusal(doc), frappe.PermissionError, title=_("Not Permitted"))
