"""The hash chain of the audit trail (pure Python, no Frappe).

Each entry's hash is SHA-256 over the previous entry's hash and a canonical serialisation of the entry: JSON with
sorted keys, no whitespace, UTF-8, values as the strings stored in the database. Changing, inserting or removing
any entry breaks every hash after it, and the chain head (last sequence and hash, kept apart) catches removal of
the newest entries.
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


MISSING, UNLINKED, ALTERED, HEAD_MISMATCH = "missing", "unlinked", "altered", "head"


@dataclass
class ChainProblem:
	kind: str
	sequence: int | None
	detail: int | None = None

	@property
	def message(self) -> str:
		return {
			MISSING: f"entry {self.detail} is missing (the next one is {self.sequence})",
			UNLINKED: f"entry {self.sequence} does not point to entry {(self.sequence or 1) - 1}",
			ALTERED: f"entry {self.sequence} was altered after it was written",
			HEAD_MISMATCH: f"the chain ends at entry {self.sequence or 0} but its head records entry {self.detail}",
		}[self.kind]


def verify_chain(
	entries: Iterable[dict], head_sequence: int, head_hash: str
) -> tuple[int, ChainProblem | None]:
	"""Walk entries in sequence order; return how many were checked and the first problem, if any.

	Each entry dict holds HASHED_FIELDS plus "previous_hash" and "entry_hash" as stored.
	"""
	expected_sequence, previous = 1, GENESIS_HASH
	count = 0
	for entry in entries:
		count += 1
		sequence = int(entry["sequence"])
		if sequence != expected_sequence:
			return count, ChainProblem(MISSING, sequence, expected_sequence)
		if entry["previous_hash"] != previous:
			return count, ChainProblem(UNLINKED, sequence)
		if entry_hash(previous, entry) != entry["entry_hash"]:
			return count, ChainProblem(ALTERED, sequence)
		previous = entry["entry_hash"]
		expected_sequence += 1
	last = expected_sequence - 1
	if last != int(head_sequence or 0) or previous != (head_hash or GENESIS_HASH):
		return count, ChainProblem(HEAD_MISMATCH, last or None, int(head_sequence or 0))
	return count, None
