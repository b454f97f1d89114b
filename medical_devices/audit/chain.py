"""The hash chain of the audit trail (pure Python, no Frappe).

Each entry's hash is SHA-256 over the previous entry's hash and a canonical serialisation of the entry: JSON with
sorted keys, no whitespace, UTF-8, values as the strings stored in the database. Changing, inserting or removing
any entry breaks every hash after it, and the chain head (last sequence and hash, kept apart) catches removal of
the newest entries. An anchor (a sequence and its hash, exported and kept outside the database) catches a chain
rewritten from some entry on, head included.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

GENESIS_HASH = "0" * 64

# The stored fields an entry's hash covers, in the order the verifier reads them from the database.
HASHED_FIELDS = (
	"sequence",
	"timestamp",
	"user",
	"ip_address",
	"ref_doctype",
	"ref_name",
	"action",
	"reason",
	"changes",
	"state_hash",
)
CONTENT_FIELDS = tuple(field for field in HASHED_FIELDS if field != "sequence")  # stored as text


def canonical(value) -> str:
	return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(previous_hash: str, entry: dict) -> str:
	payload = canonical({field: entry.get(field) for field in HASHED_FIELDS})
	return hashlib.sha256((previous_hash + payload).encode()).hexdigest()


def state_hash(state: dict) -> str:
	"""Hash of a document's content as the audit trail last saw it."""
	return hashlib.sha256(canonical(state).encode()).hexdigest()


MISSING, UNLINKED, ALTERED, HEAD_MISMATCH, ANCHOR_MISMATCH = (
	"missing",
	"unlinked",
	"altered",
	"head",
	"anchor",
)


@dataclass
class ChainProblem:
	kind: str
	sequence: int | None
	detail: int | None = None


@dataclass
class Anchor:
	sequence: int
	entry_hash: str


def verify_chain(
	entries: Iterable[dict], head_sequence: int, head_hash: str, anchor: Anchor | None = None
) -> tuple[int, list[ChainProblem]]:
	"""Walk entries in sequence order; return how many were checked and every problem found.

	Each entry dict holds HASHED_FIELDS plus "previous_hash" and "entry_hash" as stored. An entry is judged on its
	own stored link, so one broken entry is reported once and the entries after it are still checked.
	"""
	expected_sequence, previous = 1, GENESIS_HASH
	count = 0
	problems = []
	anchor_seen = False
	for entry in entries:
		count += 1
		sequence = int(entry["sequence"])
		if sequence != expected_sequence:
			problems.append(ChainProblem(MISSING, sequence, expected_sequence))
		elif entry["previous_hash"] != previous:
			problems.append(ChainProblem(UNLINKED, sequence))
		if not intact(entry):
			problems.append(ChainProblem(ALTERED, sequence))
		if anchor and sequence == anchor.sequence:
			anchor_seen = True
			if entry["entry_hash"] != anchor.entry_hash:
				problems.append(ChainProblem(ANCHOR_MISMATCH, sequence))
		previous = entry["entry_hash"]
		expected_sequence = sequence + 1
	last = expected_sequence - 1
	if last != int(head_sequence or 0) or previous != (head_hash or GENESIS_HASH):
		problems.append(ChainProblem(HEAD_MISMATCH, last or None, int(head_sequence or 0)))
	if anchor and anchor.sequence and not anchor_seen:
		problems.append(ChainProblem(ANCHOR_MISMATCH, anchor.sequence, last))
	return count, problems


@dataclass
class Flagged:
	"""An entry the database did not find intact and linked to the entry before it."""

	sequence: int
	before: int | None  # the sequence of the entry before it in the chain; None for the first
	previous_hash: str | None  # as stored
	before_hash: str | None  # the entry_hash of the entry before it
	entry: dict | None  # the entry as stored, when the database did not reproduce its hash


def judge_flagged(
	flagged: Iterable[Flagged],
	count: int,
	last_sequence: int | None,
	last_hash: str | None,
	head_sequence: int,
	head_hash: str,
	anchor: Anchor | None = None,
	anchor_entry: tuple[str | None] | None = None,
) -> tuple[int, list[ChainProblem]]:
	"""verify_chain's verdict, in its order, from the flagged entries (in sequence order) of a chain of `count`
	entries ending at `last_sequence` with `last_hash`; `anchor_entry` is (its stored hash,) when the anchor's
	entry is in the chain, None when it is not.

	An entry the database did not reproduce is recomputed here, and this decides: the database's serialisation
	may differ from Python's (the hex case of an escaped control character), never its verdict on an intact one,
	since two JSON strings that decode differently are different strings."""
	problems = []
	anchor_due = anchor is not None and anchor_entry is not None

	def check_anchor():
		nonlocal anchor_due
		anchor_due = False
		if anchor_entry[0] != anchor.entry_hash:
			problems.append(ChainProblem(ANCHOR_MISMATCH, anchor.sequence))

	for row in flagged:
		if anchor_due and row.sequence > anchor.sequence:
			check_anchor()
		expected = row.before + 1 if row.before is not None else 1
		if row.sequence != expected:
			problems.append(ChainProblem(MISSING, row.sequence, expected))
		elif row.previous_hash != (row.before_hash if row.before is not None else GENESIS_HASH):
			problems.append(ChainProblem(UNLINKED, row.sequence))
		if row.entry is not None and not intact(row.entry):
			problems.append(ChainProblem(ALTERED, row.sequence))
	if anchor_due:
		check_anchor()
	last = last_sequence if count else 0
	if last != int(head_sequence or 0) or (last_hash if count else GENESIS_HASH) != (
		head_hash or GENESIS_HASH
	):
		problems.append(ChainProblem(HEAD_MISMATCH, last or None, int(head_sequence or 0)))
	if anchor and anchor.sequence and anchor_entry is None:
		problems.append(ChainProblem(ANCHOR_MISMATCH, anchor.sequence, last))
	return count, problems


def intact(entry: dict) -> bool:
	"""The entry's stored hash is the hash of its stored content and link."""
	if entry.get("previous_hash") is None or entry.get("entry_hash") is None:
		return False
	return entry_hash(entry["previous_hash"], entry) == entry["entry_hash"]
