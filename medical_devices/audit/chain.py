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
		if entry_hash(entry["previous_hash"], entry) != entry["entry_hash"]:
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
