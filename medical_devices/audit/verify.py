"""`bench --site S md-verify-audit [--anchor FILE]`: everything stored that the trail vouches for, checked again.

1. The hash chain, entry by entry, against its head and, given an anchor exported earlier, against that anchor
   (which catches a chain rewritten from some entry on, head included).
2. Every audited document against the state its newest entry recorded (every stored field, medical_devices.audit
   .state); documents deleted outside the app; records of audited doctypes that have no entry at all (inserted with
   SQL); staged entries that were committed without being chained.
3. Every electronic signature: its own hash, and that it signed a content the trail recorded for its document.

Every problem is listed, not only the first. Memory stays flat: on MariaDB the database recomputes each entry's
hash (SHA2 over the same canonical JSON) and link and sends back only the entries it did not find intact, which
Python judges again; elsewhere the chain is streamed to Python. Documents are read in chunks, one doctype at a time.
"""

import json
from dataclasses import dataclass, field

import frappe
from frappe import _

from medical_devices import inputs
from medical_devices.audit import chain, state
from medical_devices.audit.legacy import legacy_hashes
from medical_devices.audit.signature import SIGNED_FIELDS, signed_hash
from medical_devices.audit.trail import (
	ACKNOWLEDGED,
	BASELINE,
	CHANGED_OUTSIDE,
	DELETE,
	ENTRY,
	HEAD,
	RENAME,
	STAGE,
	audited_doctypes,
	unrecorded,
)

MAX_LISTED = 1000
CHUNK = 2000


@dataclass
class AuditReport:
	entries: int = 0
	documents: int = 0
	signatures: int = 0
	head_sequence: int = 0
	head_hash: str = ""
	chain_problems: list[str] = field(default_factory=list)
	document_problems: list[str] = field(default_factory=list)
	unlisted: int = 0  # problems beyond MAX_LISTED per kind, counted only

	@property
	def ok(self) -> bool:
		return not self.chain_problems and not self.document_problems and not self.unlisted

	@property
	def chain_problem(self) -> str | None:
		return self.chain_problems[0] if self.chain_problems else None

	def add(self, problems: list[str], problem: str):
		if len(problems) < MAX_LISTED:
			problems.append(problem)
		else:
			self.unlisted += 1


def verify_audit(check_documents: bool = True, anchor: dict | None = None, documents=None) -> AuditReport:
	"""`documents`: (doctype, name) pairs to check instead of all (the chain is always walked whole)."""
	report = AuditReport()
	verify_entries(report, anchor)
	if documents is not None:
		check_document_states(report, {(doctype, str(name)) for doctype, name in documents})
	elif check_documents:
		check_document_states(report)
		check_outside_changes_found(report)
		check_unrecorded(report)
		check_signatures(report)
	return report


# --- 1. the chain ------------------------------------------------------------------------------------------------


def verify_entries(report: AuditReport, anchor: dict | None = None, in_database: bool | None = None):
	"""The chain against its head (and anchor). On MariaDB the database recomputes every entry's hash and link and
	sends only the entries it did not find intact, which Python then judges; elsewhere (or `in_database=False`)
	Python walks every entry. Both give the same verdict."""
	head = {
		row.field: row.value
		for row in frappe.db.sql(
			"select field, value from `tabSingles` where doctype = %s", HEAD, as_dict=True
		)
	}
	report.head_sequence = int(head.get("last_sequence") or 0)
	report.head_hash = head.get("last_hash") or chain.GENESIS_HASH
	if in_database is None:
		in_database = frappe.db.db_type == "mariadb"
	walk = database_walk if in_database else python_walk
	report.entries, problems = walk(report.head_sequence, report.head_hash, anchor_of(anchor))
	for problem in problems:
		report.add(report.chain_problems, chain_problem_message(problem))
	staged = frappe.db.sql(f"select count(*) from `tab{STAGE}`")[0][0]
	if staged:
		report.add(
			report.chain_problems,
			_("{0} staged entries were committed without being chained (written around the app).").format(
				staged
			),
		)


ENTRY_COLUMNS = ", ".join(
	[
		"name as sequence",
		*(f"`{field}`" for field in chain.CONTENT_FIELDS),
		"previous_hash",
		"entry_hash",
	]
)


def python_walk(head_sequence: int, head_hash: str, anchor: chain.Anchor | None):
	with frappe.db.unbuffered_cursor():
		rows = frappe.db.sql(
			f"select {ENTRY_COLUMNS} from `tab{ENTRY}` order by name", as_dict=True, as_iterator=True
		)  # nosemgrep: columns are constants
		return chain.verify_chain(rows, head_sequence, head_hash, anchor)


def canonical_sql(alias: str) -> str:
	"""chain.canonical of an entry's hashed fields, as SQL: JSON with sorted keys, no whitespace, NULL as null."""
	parts = []
	for number, hashed in enumerate(sorted(chain.HASHED_FIELDS)):
		key = ("{" if number == 0 else ",") + json.dumps(hashed) + ":"
		value = f"{alias}.name" if hashed == "sequence" else f"ifnull(json_quote({alias}.`{hashed}`), 'null')"
		parts += [f"'{key}'", value]  # plain ASCII keys: no escaping, whatever the server's sql_mode
	return "concat({}, '}}')".format(", ".join(parts))


# Bytes after which the database's hash is not taken: the control characters JSON_QUOTE spells differently from
# Python (\u000B for \u000b), and the lead bytes of a lone surrogate (CESU-8), which MariaDB's utf8mb4 stores
# and Python cannot read. As a hex literal, the same under any sql_mode: [\x0b\x0e\x0f\x1a-\x1f]|\xed[\xa0-\xbf]
PYTHON_HASHES = "x'5b0b0e0f1a2d1f5d7ced5ba02dbf5d'"
LOWEST_SEQUENCE = -(2**63)  # the entry before it would overflow BIGINT


def database_walk(head_sequence: int, head_hash: str, anchor: chain.Anchor | None):
	table = f"`tab{ENTRY}`"
	count, last = frappe.db.sql(f"select count(*), max(name) from {table}")[0]  # nosemgrep
	last_hash = stored_hash(table, last)[0] if count else None
	anchor_entry = stored_hash(table, anchor.sequence) if anchor is not None else None
	content = ", ".join(f"e.`{field}`" for field in chain.CONTENT_FIELDS)
	# Each entry with the one before it (by sequence, or across a gap the nearest lower one). Hashes are compared
	# and read as bytes: the columns' collation would take "ABC " for "abc", and Python must see what is stored.
	flagged_rows = frappe.db.sql(
		f"""select e.name as entry_no, cast(e.previous_hash as binary) as stored_previous,
			cast(p.entry_hash as binary) as before_hash,
			if(p.name is null, (select max(x.name) from {table} x where x.name < e.name), p.name) as before_name,
			coalesce(
				cast(sha2(concat(e.previous_hash, {canonical_sql("e")}), 256) as binary)
				= cast(e.entry_hash as binary), 0)
			and not coalesce(cast(concat_ws('', {content}) as binary) regexp {PYTHON_HASHES}, 1) as reproduced
		from {table} e left join {table} p on p.name = if(e.name > {LOWEST_SEQUENCE}, e.name - 1, null)
		having not reproduced
			or not (entry_no <=> coalesce(before_name + 1, 1))
			or not (stored_previous <=> cast(if(before_name is null, %(genesis)s, before_hash) as binary))
		order by e.name""",  # nosemgrep: the SQL is built from constants
		{"genesis": chain.GENESIS_HASH},
	)
	entries = stored_entries(table, [row[0] for row in flagged_rows if not row[4]])
	flagged = (
		chain.Flagged(
			sequence=name,
			before=before_name,
			previous_hash=as_text(previous_hash),
			before_hash=as_text(before_hash),
			entry=entries.get(name) if not reproduced else None,
		)
		for name, previous_hash, before_hash, before_name, reproduced in flagged_rows
	)
	return chain.judge_flagged(
		flagged, count, last, last_hash, head_sequence, head_hash, anchor, anchor_entry
	)


def as_text(value: bytes | None) -> str | None:
	"""Stored bytes as a string that equals another only when the bytes do (undecodable bytes kept apart)."""
	return None if value is None else value.decode("utf-8", "surrogateescape")


def stored_hash(table: str, sequence) -> tuple[str | None] | None:
	"""(the entry's stored entry_hash,), or None when there is no such entry."""
	rows = frappe.db.sql(
		f"select cast(entry_hash as binary) from {table} where name = %s", sequence
	)  # nosemgrep
	return (as_text(rows[0][0]),) if rows else None


def stored_entries(table: str, sequences: list[int]) -> dict[int, dict]:
	"""The stored entries, for Python to hash; one whose text is not UTF-8 is none Python wrote (its hash is
	taken as wrong)."""
	columns = ", ".join(["name", *(f"cast(`{field}` as binary)" for field in chain.CONTENT_FIELDS)])
	names = ["sequence", *chain.CONTENT_FIELDS]
	entries = {}
	for start in range(0, len(sequences), CHUNK):
		for row in frappe.db.sql(
			f"select {columns}, cast(previous_hash as binary), cast(entry_hash as binary) from {table} "
			"where name in %s",  # nosemgrep
			[tuple(sequences[start : start + CHUNK])],
		):
			try:
				values = [row[0], *(None if value is None else value.decode("utf-8") for value in row[1:])]
			except UnicodeDecodeError:
				entries[row[0]] = {"sequence": row[0], "previous_hash": None, "entry_hash": None}
				continue
			entries[row[0]] = dict(zip([*names, "previous_hash", "entry_hash"], values, strict=True))
	return entries


def anchor_of(anchor: dict | None) -> chain.Anchor | None:
	if not anchor:
		return None
	return chain.Anchor(int(anchor["sequence"]), str(anchor["entry_hash"]))


def chain_problem_message(problem: chain.ChainProblem) -> str:
	if problem.kind == chain.MISSING:
		if problem.sequence - problem.detail == 1:
			return _("Entry {0} is missing (the next one is {1}).").format(problem.detail, problem.sequence)
		return _("Entries {0} to {1} are missing (the next one is {2}).").format(
			problem.detail, problem.sequence - 1, problem.sequence
		)
	if problem.kind == chain.UNLINKED:
		return _("Entry {0} does not point to the entry before it.").format(problem.sequence)
	if problem.kind == chain.ALTERED:
		return _("Entry {0} was altered after it was written.").format(problem.sequence)
	if problem.kind == chain.ANCHOR_MISMATCH:
		if problem.detail is not None:
			return _("The anchor records entry {0}, but the chain ends at entry {1}.").format(
				problem.sequence, problem.detail
			)
		return _("Entry {0} differs from the anchor exported earlier: the chain was rewritten.").format(
			problem.sequence
		)
	return _("The chain ends at entry {0} but its head records entry {1}.").format(
		problem.sequence or 0, problem.detail
	)


# --- 2. documents ------------------------------------------------------------------------------------------------


def renamed_away() -> dict[tuple[str, str], int]:
	"""(doctype, old name) -> the sequence of the entry that renamed it."""
	renamed = {}
	for row in frappe.db.sql(
		f"select name, ref_doctype, changes from `tab{ENTRY}` where action = %s", RENAME, as_dict=True
	):
		old = json.loads(row.changes or "{}").get("renamed_from")
		renamed[(row.ref_doctype, old)] = max(renamed.get((row.ref_doctype, old), 0), int(row.name))
	return renamed


def entry_doctypes() -> list[str]:
	return frappe.db.sql_list(f"select distinct ref_doctype from `tab{ENTRY}`")


def latest_entries(doctype: str):
	"""(name, sequence, action, state_hash) of each document's newest entry, in chunks of CHUNK names."""
	after = ""
	while True:
		lasts = frappe.db.sql(
			f"""select ref_name, max(name) from `tab{ENTRY}`
			where ref_doctype = %s and ref_name > %s group by ref_name order by ref_name limit %s""",
			(doctype, after, CHUNK),
		)
		if not lasts:
			return
		details = {
			row.name: row
			for row in frappe.db.sql(
				f"select name, action, state_hash from `tab{ENTRY}` where name in %s",
				(tuple(last for _name, last in lasts),),
				as_dict=True,
			)
		}
		yield [(name, int(last), details[last].action, details[last].state_hash) for name, last in lasts]
		after = lasts[-1][0]


def check_document_states(report: AuditReport, only: set[tuple[str, str]] | None = None):
	renamed = renamed_away()
	definitions: dict[str, dict | None] = {}
	for doctype in entry_doctypes() if only is None else sorted({doctype for doctype, _name in only}):
		meta = frappe.get_meta(doctype) if frappe.db.exists("DocType", doctype) else None
		if not meta or (not meta.issingle and not frappe.db.table_exists(doctype)):
			continue
		for chunk in latest_entries(doctype):
			chunk = [
				row
				for row in chunk
				if row[0]
				and row[1] >= renamed.get((doctype, row[0]), 0)
				and (only is None or (doctype, row[0]) in only)
			]
			by_key: dict[str | None, list] = {}
			for row in chunk:
				by_key.setdefault(hash_key(row[3]), []).append(row)
			for key, rows in by_key.items():
				current = current_hashes(doctype, [row[0] for row in rows], key, definitions, report)
				if current is None:
					continue  # its definition is missing or altered: reported once
				for name, sequence, action, recorded in rows:
					report.documents += 1
					check_document(report, doctype, name, sequence, action, recorded, current.get(name))


def hash_key(recorded: str | None) -> str | None:
	"""The definition a recorded state hash names ("<key>:<hash>"); None for hashes of version 0.1."""
	return recorded.split(":", 1)[0] if recorded and ":" in recorded else None


def current_hashes(doctype, names, key, definitions, report) -> dict[str, str] | None:
	"""name -> the document's state hash now, computed under the definition its newest entry was made with."""
	if key is None:
		return legacy_hashes(doctype, names)
	if key not in definitions:
		definitions[key] = state.stored_definition(key)
		if definitions[key] is None:
			report.add(
				report.document_problems,
				_("Audit hash definition {0} of {1} is missing or was altered.").format(key, _(doctype)),
			)
	excluded = definitions[key]
	if excluded is None:
		return None
	return {
		name: state.state_hash_of(value, key)
		for name, value in state.states(doctype, names, excluded).items()
	}


def check_document(report, doctype, name, sequence, action, recorded, current):
	label = _(doctype)
	if action == DELETE:
		if current is not None:
			report.add(
				report.document_problems,
				_("{0} {1} was deleted (entry {2}) but exists again.").format(label, name, sequence),
			)
		return
	if current is None:
		report.add(
			report.document_problems,
			_("{0} {1} was deleted outside the app (last entry {2}).").format(label, name, sequence),
		)
		return
	if recorded and current != recorded:
		report.add(
			report.document_problems,
			_("{0} {1} was changed outside the app after entry {2}.").format(label, name, sequence),
		)


def check_outside_changes_found(report: AuditReport):
	"""Writes that found their record already changed outside the app: reported until a person acknowledges
	each one (acknowledge_outside_change), whatever was saved over it."""
	acknowledged = {
		json.loads(row[0] or "{}").get("acknowledges")
		for row in frappe.db.sql(f"select changes from `tab{ENTRY}` where action = %s", ACKNOWLEDGED)
	}
	for sequence, doctype, name, changes in frappe.db.sql(
		f"select name, ref_doctype, ref_name, changes from `tab{ENTRY}` where action = %s order by name",
		CHANGED_OUTSIDE,
	):
		if int(sequence) in acknowledged:
			continue
		report.add(
			report.document_problems,
			_(
				"{0} {1} was found changed outside the app (it differed from entry {2}) when entry {3} was written."
			).format(_(doctype), name, json.loads(changes or "{}").get("differs_from_entry"), sequence),
		)


@frappe.whitelist(methods=["POST"])
@inputs.endpoint
def acknowledge_outside_change(entry: str, finding: str | None = None) -> str:
	"""A regulatory or quality manager's finding about a change made outside the app (investigated, put right or
	accepted): the record's content now becomes what the trail knows, and the verifier stops reporting it."""
	from medical_devices.audit.origin import clean_reason
	from medical_devices.audit.trail import record_changes
	from medical_devices.controls import RECALL_MANAGERS

	if not set(RECALL_MANAGERS) & set(frappe.get_roles()):
		frappe.throw(
			_(
				"Only a Regulatory Affairs Manager or Quality Manager may acknowledge a change made outside the app."
			),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
	finding = clean_reason(finding)
	if not finding:
		frappe.throw(_("Describe what was found and done about it."))
	if isinstance(entry, int) and not isinstance(entry, bool):
		entry = str(entry)  # its sequence number, as JSON sends it
	entry = inputs.text(entry, _("Audit Trail Entry"), max_length=20)
	row = entry.isdigit() and frappe.db.get_value(
		ENTRY, entry, ["ref_doctype", "ref_name", "action", "user"], as_dict=True
	)
	if not row or row.action != CHANGED_OUTSIDE:
		frappe.throw(_("Audit Trail Entry {0} does not record a change found outside the app.").format(entry))
	name = current_name(row.ref_doctype, row.ref_name, int(entry))
	if frappe.db.exists(row.ref_doctype, name):
		frappe.has_permission(row.ref_doctype, "read", name, throw=True)
	if row.user == frappe.session.user:
		frappe.throw(
			_("The change was found in a write of yours: another person acknowledges it."),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
	record_changes(
		row.ref_doctype,
		{name: {"acknowledges": int(entry)}},
		ACKNOWLEDGED,
		finding,
		{"function": f"{__name__}.acknowledge_outside_change"},
	)
	return row.ref_name


def current_name(doctype: str, name: str, since: int) -> str:
	"""The name the record has now, following the renames recorded after entry `since`."""
	for _sequence, changes in frappe.db.sql(
		f"select name, changes from `tab{ENTRY}` where ref_doctype = %s and action = %s and name > %s order by name",
		(doctype, RENAME, since),
	):
		moved = json.loads(changes or "{}")
		if moved.get("renamed_from") == name and not moved.get("merged"):
			name = moved.get("renamed_to") or name
	return name


def check_unrecorded(report: AuditReport):
	"""Records of audited doctypes that have no entry at all: inserted around the app."""
	for doctype in sorted(audited_doctypes()):
		meta = frappe.get_meta(doctype)
		if meta.issingle or meta.istable or not frappe.db.table_exists(doctype):
			continue
		for name in unrecorded(doctype):
			report.add(
				report.document_problems,
				_("{0} {1} has no audit trail entry: it was written outside the app.").format(
					_(doctype), name
				),
			)


# --- 3. signatures -----------------------------------------------------------------------------------------------


def check_signatures(report: AuditReport):
	after = 0
	while True:
		rows = frappe.db.sql(
			f"""select name, signature_hash, {", ".join(SIGNED_FIELDS)} from `tabElectronic Signature`
			where name > %s order by name limit %s""",
			(after, CHUNK),
			as_dict=True,
		)
		if not rows:
			return
		for row in rows:
			report.signatures += 1
			check_signature(report, row)
		after = rows[-1].name


def check_signature(report: AuditReport, row):
	if signed_hash(row) != row.signature_hash:
		report.add(
			report.document_problems,
			_("Electronic Signature {0} was altered after it was written.").format(row.name),
		)
		return
	signed = frappe.db.sql(
		f"""select 1 from `tab{ENTRY}` where ref_doctype = %s and ref_name = %s and state_hash = %s
		and action != %s limit 1""",
		(row.ref_doctype, row.ref_name, row.document_hash, BASELINE),
	)
	if not signed:
		report.add(
			report.document_problems,
			_(
				"Electronic Signature {0} does not match any content the trail recorded for {1} {2}: what it signed is not there."
			).format(row.name, _(row.ref_doctype), row.ref_name),
		)
