"""`bench --site S md-verify-audit`: recompute the whole hash chain, then every audited document's current content
against the state its last entry recorded. Reports the first broken link and each document changed outside the
app (direct SQL), and exits non-zero when it finds any."""

import json
from dataclasses import dataclass, field

import frappe
from frappe import _

from medical_devices.audit import chain
from medical_devices.audit.trail import DELETE, ENTRY, HEAD, RENAME, document_exists, document_state

MAX_REPORTED = 50


@dataclass
class AuditReport:
	entries: int = 0
	documents: int = 0
	chain_problem: str | None = None
	document_problems: list[str] = field(default_factory=list)

	@property
	def ok(self) -> bool:
		return not self.chain_problem and not self.document_problems


def verify_audit(check_documents: bool = True) -> AuditReport:
	report = AuditReport()
	head = {
		row.field: row.value
		for row in frappe.db.sql(
			"select field, value from `tabSingles` where doctype = %s", HEAD, as_dict=True
		)
	}
	columns = ", ".join(
		[
			"name as sequence",
			*(f"`{f}`" for f in chain.HASHED_FIELDS if f != "sequence"),
			"previous_hash",
			"entry_hash",
		]
	)
	with frappe.db.unbuffered_cursor():
		rows = frappe.db.sql(
			f"select {columns} from `tab{ENTRY}` order by name", as_dict=True, as_iterator=True
		)  # nosemgrep: columns are constants
		report.entries, problem = chain.verify_chain(
			rows, int(head.get("last_sequence") or 0), head.get("last_hash") or chain.GENESIS_HASH
		)
	if problem:
		report.chain_problem = chain_problem_message(problem)
	if check_documents:
		check_document_states(report)
	return report


def chain_problem_message(problem: chain.ChainProblem) -> str:
	return {
		chain.MISSING: _("Entry {0} is missing (the next one is {1}).").format(
			problem.detail, problem.sequence
		),
		chain.UNLINKED: _("Entry {0} does not point to the entry before it.").format(problem.sequence),
		chain.ALTERED: _("Entry {0} was altered after it was written.").format(problem.sequence),
		chain.HEAD_MISMATCH: _("The chain ends at entry {0} but its head records entry {1}.").format(
			problem.sequence or 0, problem.detail
		),
	}[problem.kind]


def check_document_states(report: AuditReport):
	renamed_away = set()
	for row in frappe.db.sql(
		f"select ref_doctype, changes from `tab{ENTRY}` where action = %s", RENAME, as_dict=True
	):
		renamed_away.add((row.ref_doctype, json.loads(row.changes or "{}").get("renamed_from")))
	latest = frappe.db.sql(
		f"""select e.ref_doctype, e.ref_name, e.action, e.state_hash, e.name
		from `tab{ENTRY}` e
		join (select max(name) as last from `tab{ENTRY}` group by ref_doctype, ref_name) l on l.last = e.name""",
		as_dict=True,
	)
	existing_tables = {}
	for row in latest:
		if (row.ref_doctype, row.ref_name) in renamed_away and row.action != RENAME:
			continue
		if row.ref_doctype not in existing_tables:
			existing_tables[row.ref_doctype] = frappe.db.table_exists(row.ref_doctype)
		if not existing_tables[row.ref_doctype]:
			continue
		report.documents += 1
		exists = document_exists(row.ref_doctype, row.ref_name)
		if row.action == DELETE:
			if exists:
				add(
					report,
					_("{0} {1} was deleted (entry {2}) but exists again.").format(
						_(row.ref_doctype), row.ref_name, row.name
					),
				)
			continue
		if not exists:
			add(
				report,
				_("{0} {1} was deleted outside the app (last entry {2}).").format(
					_(row.ref_doctype), row.ref_name, row.name
				),
			)
			continue
		if not row.state_hash:
			continue
		current = chain.state_hash(document_state(row.ref_doctype, row.ref_name))
		if current != row.state_hash:
			add(
				report,
				_("{0} {1} was changed outside the app after entry {2}.").format(
					_(row.ref_doctype), row.ref_name, row.name
				),
			)


def add(report: AuditReport, problem: str):
	if len(report.document_problems) < MAX_REPORTED:
		report.document_problems.append(problem)
