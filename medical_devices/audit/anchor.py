"""Anchors of the chain kept outside the database: someone with database access who rewrites the whole chain from
some entry on, recomputing every hash and the head, still cannot change what was exported before.

`bench --site S md-export-audit-anchor [--to PATH]` (and a daily job) writes the newest entry's sequence and hash
as a small JSON file, by default into the site's private files under audit-anchors/ (a folder on the server's
disk, which a database account cannot reach), and e-mails it to the addresses in Medical Device Settings, if any.
`md-verify-audit --anchor FILE` then checks that the chain still holds that entry with that hash.
"""

import json
import os
from datetime import datetime, timezone

import frappe
from frappe import _

from medical_devices.audit.trail import HEAD

FORMAT = "medical-devices-audit-anchor/1"


def current_anchor() -> dict:
	head = {
		row.field: row.value
		for row in frappe.db.sql(
			"select field, value from `tabSingles` where doctype = %s", HEAD, as_dict=True
		)
	}
	return {
		"format": FORMAT,
		"site": frappe.local.site,
		"sequence": int(head.get("last_sequence") or 0),
		"entry_hash": head.get("last_hash") or "",
		"exported_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
	}


def anchor_folder() -> str:
	return frappe.conf.get("md_audit_anchor_folder") or frappe.get_site_path("private", "audit-anchors")


def export_anchor(path: str | None = None) -> tuple[str, dict]:
	anchor = current_anchor()
	if not path:
		folder = anchor_folder()
		os.makedirs(folder, exist_ok=True)
		path = os.path.join(folder, f"audit-anchor-{anchor['exported_at'].replace(':', '')}.json")
	with open(path, "w", encoding="utf-8") as f:
		json.dump(anchor, f, indent=1)
	return path, anchor


def export_daily():
	"""Daily job: one anchor file, and the same anchor by e-mail to the configured recipients."""
	path, anchor = export_anchor()
	recipients = [
		address.strip()
		for address in (
			frappe.db.get_single_value("Medical Device Settings", "audit_anchor_recipients") or ""
		)
		.replace(";", ",")
		.replace("\n", ",")
		.split(",")
		if address.strip()
	]
	if recipients:
		frappe.sendmail(
			recipients=recipients,
			subject=_("Audit trail anchor of {0}: entry {1}").format(anchor["site"], anchor["sequence"]),
			message=_(
				"Keep this file outside the system. md-verify-audit --anchor checks later that the audit trail still holds entry {0} with hash {1}."
			).format(anchor["sequence"], anchor["entry_hash"]),
			attachments=[{"fname": os.path.basename(path), "fcontent": json.dumps(anchor, indent=1)}],
		)
	return path


def read_anchor(path: str) -> dict:
	try:
		with open(path, encoding="utf-8") as f:
			anchor = json.load(f)
		int(anchor["sequence"])
		str(anchor["entry_hash"])
	except (OSError, ValueError, KeyError, TypeError) as error:
		frappe.throw(
			_("{0} is not an audit anchor file: {1}").format(path, error), title=_("Unreadable Anchor")
		)
	if anchor.get("format") != FORMAT:
		frappe.throw(_("{0} is not an audit anchor file.").format(path), title=_("Unreadable Anchor"))
	return anchor
