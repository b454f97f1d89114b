"""The trail's content hash now leaves empty values out (None, "", 0), so that adding a field to an audited
doctype (a consultant's custom field, a new version of ERPNext or of this app) does not change the hash of every
record, and Patient Record values are kept as keyed hashes.

Runs before the doctypes are migrated, while each doctype still has the fields its entries were made with: each
audited document whose newest entry still matches its content under its own definition gets a Baseline entry under
the new one; a document that no longer matches keeps its old entry, so a change made around the app before this
upgrade stays visible to md-verify-audit.
"""

import frappe

from medical_devices.audit import state
from medical_devices.audit.scope import audited_doctypes
from medical_devices.audit.trail import BASELINE, DELETE, record_changes
from medical_devices.audit.verify import hash_key, latest_entries

BY = {"function": "medical_devices.patches.v0_3.audit_empty_values.execute"}


def execute():
	for doctype in sorted(audited_doctypes()):
		if not frappe.db.exists("DocType", doctype):
			continue
		meta = frappe.get_meta(doctype)
		if meta.istable or (not meta.issingle and not frappe.db.table_exists(doctype)):
			continue
		new_key = state.current_definition_key(doctype)
		for chunk in latest_entries(doctype):
			matching = []
			by_key: dict[str, list] = {}
			for name, _sequence, action, recorded in chunk:
				key = hash_key(recorded)
				if action != DELETE and key and key != new_key:
					by_key.setdefault(key, []).append((name, recorded))
			for key, rows in by_key.items():
				definition = state.stored_definition(key)
				if definition is None:
					continue
				found = state.states(doctype, [name for name, _recorded in rows], definition)
				matching += [
					name
					for name, recorded in rows
					if name in found and state.state_hash_of(found[name], key) == recorded
				]
			if matching:
				record_changes(doctype, {name: {"rehashed": True} for name in matching}, BASELINE, None, BY)
				frappe.db.commit()  # nosemgrep: chained chunk by chunk
