"""The trail's content hash now covers every stored field (it used to leave read-only fields out), and the verifier
now also reports records without any entry.

Each audited document whose newest entry still matches its content under the old definition gets a Baseline entry
holding its content under the new one; a document that no longer matches keeps its old entry, so a change made
around the app before this upgrade stays visible to md-verify-audit. Records that never had an entry (they
predate the app, or their doctype's audit) get their Baseline entry too.
"""

import frappe

from medical_devices.audit import chain
from medical_devices.audit.legacy import exists, legacy_state
from medical_devices.audit.scope import audited_doctypes
from medical_devices.audit.trail import BASELINE, DELETE, ENTRY, baseline, record_changes

BY = {"function": "medical_devices.patches.v0_2.audit_baseline.execute"}


def execute():
	for doctype in sorted(audited_doctypes()):
		meta = frappe.get_meta(doctype)
		if meta.istable or (not meta.issingle and not frappe.db.table_exists(doctype)):
			continue
		matching = []
		for name, action, recorded in latest_entries(doctype):
			if action == DELETE or not recorded or not exists(meta, name):
				continue
			if chain.state_hash(legacy_state(frappe.get_doc(doctype, name))) == recorded:
				matching.append(name)
		for start in range(0, len(matching), 5000):
			chunk = matching[start : start + 5000]
			record_changes(doctype, {name: {"rehashed": True} for name in chunk}, BASELINE, None, BY)
			frappe.db.commit()  # nosemgrep: chained chunk by chunk
	baseline(commit=True)


def latest_entries(doctype: str):
	return frappe.db.sql(
		f"""select e.ref_name, e.action, e.state_hash from `tab{ENTRY}` e
		join (select max(name) as last from `tab{ENTRY}` where ref_doctype = %s group by ref_name) l
		on l.last = e.name""",
		doctype,
	)
