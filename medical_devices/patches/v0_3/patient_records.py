"""Adverse Event Reports no longer hold the patient's details: each report's patient name, age, sex, medical record
number and treated disease move to a Patient Record of its own (readable only by the regulatory and quality
roles), the report links it, and the old columns are emptied. Frappe's version history of the reports keeps keyed
hashes of those values instead of their text. Trail entries written before keep what they recorded: the chain
cannot be rewritten without breaking it (docs/security.md, personal data)."""

import json

import frappe

from medical_devices.audit import state
from medical_devices.audit.trail import BASELINE, ENTRY, record_changes
from medical_devices.personal_data import mask_changes

REPORT = "Adverse Event Report"
OLD_FIELDS = ("patient_name", "patient_age", "patient_sex", "medical_record_no", "intended_treatment")
BY = {"function": "medical_devices.patches.v0_3.patient_records.execute"}


def execute():
	present = set(
		frappe.db.sql_list(
			"""select column_name from information_schema.columns
			where table_schema = database() and table_name = %s""",
			f"tab{REPORT}",
		)
	)  # as the table is now, not as a cache remembers it
	columns = [field for field in OLD_FIELDS if field in present]
	if columns:
		move_patients(columns)
	mask_versions()
	frappe.db.commit()  # nosemgrep: the patch's own transaction


def move_patients(columns):
	selected = ", ".join(f"`{field}`" for field in columns)
	where = " or ".join(f"ifnull(`{field}`, '') != ''" for field in columns)
	reports = frappe.db.sql(
		f"select name, company, {selected} from `tab{REPORT}` where {where}",  # nosemgrep: names above
		as_dict=True,
	)
	current_key = state.current_definition_key(REPORT)
	moved = {}
	for report in reports:
		patient = frappe.get_doc(
			{"doctype": "Patient Record", "company": report.company, **{f: report[f] for f in columns}}
		).insert(ignore_permissions=True)
		assignments = ", ".join(f"`{field}` = null" for field in columns)
		frappe.db.sql(
			f"update `tab{REPORT}` set patient = %s, {assignments} where name = %s",  # nosemgrep
			(patient.name, report.name),
		)
		if last_key(report.name) == current_key:
			# its newest entry matched before the doctypes were migrated (audit_empty_values): the move is
			# recorded as the new baseline; a report changed around the app before keeps being reported
			moved[report.name] = {"changed": [["patient", None, patient.name]], "moved_to": patient.name}
	if moved:
		record_changes(REPORT, moved, BASELINE, None, BY)


def last_key(name: str) -> str | None:
	recorded = frappe.db.sql(
		f"select state_hash from `tab{ENTRY}` where ref_doctype = %s and ref_name = %s order by name desc limit 1",
		(REPORT, name),
	)
	return recorded[0][0].split(":", 1)[0] if recorded and recorded[0][0] and ":" in recorded[0][0] else None


def mask_versions():
	"""Frappe's Version rows of the reports: the old patient fields' values become keyed hashes."""
	for name, docname, data in frappe.db.sql(
		"select name, docname, data from `tabVersion` where ref_doctype = %s", REPORT
	):
		try:
			changes = json.loads(data or "{}")
		except ValueError:
			continue
		masked = mask_changes(REPORT, docname, changes, extra=OLD_FIELDS)
		if masked != changes:
			frappe.db.sql("update `tabVersion` set data = %s where name = %s", (frappe.as_json(masked), name))
