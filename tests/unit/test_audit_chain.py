"""The audit hash chain without a site: every alteration, insertion and removal is found, each one where it is,
all of them at once, and a chain rewritten whole is caught by an anchor exported earlier."""

import copy

from medical_devices.audit.chain import (
	GENESIS_HASH,
	Anchor,
	Flagged,
	canonical,
	entry_hash,
	intact,
	judge_flagged,
	state_hash,
	verify_chain,
)


def make_chain(n=5, start=None):
	entries, previous = [], GENESIS_HASH
	for sequence in range(1, n + 1):
		entry = {
			"sequence": sequence,
			"timestamp": f"2026-11-28T07:00:{sequence:02d}.000000Z",
			"user": "qa@example.com",
			"ip_address": "10.0.0.1",
			"ref_doctype": "Batch",
			"ref_name": f"B-{sequence}",
			"action": "Update",
			"reason": "校正有效期",
			"changes": canonical({"changed": [["expiry_date", "2027-01-01", "2027-02-01"]]}),
			"state_hash": state_hash({"expiry_date": "2027-02-01"}),
			"previous_hash": previous,
		}
		entry["entry_hash"] = previous = entry_hash(previous, entry)
		entries.append(entry)
	return entries, n, previous


def kinds(problems):
	return [(problem.kind, problem.sequence) for problem in problems]


def test_an_intact_chain_verifies():
	entries, head_sequence, head_hash = make_chain()
	assert verify_chain(entries, head_sequence, head_hash) == (5, [])
	assert verify_chain([], 0, GENESIS_HASH) == (0, [])


def test_an_altered_field_is_found_at_its_entry_and_only_there():
	entries, head_sequence, head_hash = make_chain()
	tampered = copy.deepcopy(entries)
	tampered[2]["reason"] = "another reason"
	assert kinds(verify_chain(tampered, head_sequence, head_hash)[1]) == [("altered", 3)]


def test_a_recomputed_hash_still_breaks_the_next_link():
	entries, head_sequence, head_hash = make_chain()
	entries[1]["user"] = "intruder"
	entries[1]["entry_hash"] = entry_hash(entries[1]["previous_hash"], entries[1])
	assert kinds(verify_chain(entries, head_sequence, head_hash)[1]) == [("unlinked", 3)]


def test_a_removed_entry_and_a_removed_last_entry_are_found():
	entries, head_sequence, head_hash = make_chain()
	[problem] = verify_chain(entries[:2] + entries[3:], head_sequence, head_hash)[1]
	assert (problem.kind, problem.sequence, problem.detail) == ("missing", 4, 3)
	[problem] = verify_chain(entries[:4], head_sequence, head_hash)[1]
	assert (problem.kind, problem.sequence, problem.detail) == ("head", 4, 5)


def test_every_problem_is_listed_not_only_the_first():
	entries, head_sequence, head_hash = make_chain(8)
	tampered = copy.deepcopy(entries)
	tampered[1]["reason"] = "edited"  # entry 2
	del tampered[4]  # entry 5
	tampered[6]["changes"] = "{}"  # entry 8 (index 6 after the deletion)
	count, problems = verify_chain(tampered, head_sequence, head_hash)
	assert count == 7
	assert kinds(problems) == [("altered", 2), ("missing", 6), ("altered", 8)]


def test_an_anchor_catches_a_chain_rewritten_from_the_start_head_included():
	entries, head_sequence, head_hash = make_chain()
	anchor = Anchor(3, entries[2]["entry_hash"])
	assert verify_chain(entries, head_sequence, head_hash, anchor)[1] == []

	rewritten, previous = copy.deepcopy(entries), GENESIS_HASH
	rewritten[0]["reason"] = "rewritten by someone with database access"
	for entry in rewritten:
		entry["previous_hash"] = previous
		entry["entry_hash"] = previous = entry_hash(previous, entry)
	assert verify_chain(rewritten, head_sequence, previous)[1] == []  # consistent in itself
	assert kinds(verify_chain(rewritten, head_sequence, previous, anchor)[1]) == [("anchor", 3)]
	# a chain cut back below the anchor is caught too
	assert kinds(verify_chain(rewritten[:2], 2, rewritten[1]["entry_hash"], anchor)[1]) == [("anchor", 3)]


def test_canonical_form_is_key_order_independent_and_keeps_chinese():
	assert canonical({"b": 1, "a": "召回"}) == canonical({"a": "召回", "b": 1}) == '{"a":"召回","b":1}'


def flagged_by_a_database(entries):
	"""What the database walk sends: each entry not intact, or not the next one after the entry before it, or not
	linked to it; with its content only when its hash was not reproduced."""
	flagged, before = [], None
	for entry in entries:
		expected = before["sequence"] + 1 if before else 1
		linked = entry["previous_hash"] == (before["entry_hash"] if before else GENESIS_HASH)
		reproduced = intact(entry)
		if not reproduced or entry["sequence"] != expected or not linked:
			flagged.append(
				Flagged(
					sequence=entry["sequence"],
					before=before["sequence"] if before else None,
					previous_hash=entry["previous_hash"],
					before_hash=before["entry_hash"] if before else None,
					entry=None if reproduced else entry,
				)
			)
		before = entry
	return flagged


def judged(entries, head_sequence, head_hash, anchor=None):
	found = next(((e["entry_hash"],) for e in entries if anchor and e["sequence"] == anchor.sequence), None)
	last = entries[-1] if entries else None
	return judge_flagged(
		flagged_by_a_database(entries),
		len(entries),
		last["sequence"] if last else None,
		last["entry_hash"] if last else None,
		head_sequence,
		head_hash,
		anchor,
		found,
	)


def test_the_verdict_from_flagged_entries_is_the_walks_for_any_tampering():
	import random

	rng = random.Random(20261206)
	for _round in range(300):
		entries, head_sequence, head_hash = make_chain(rng.randrange(0, 12))
		tampered = copy.deepcopy(entries)
		for _edit in range(rng.randrange(0, 4)):
			if not tampered:
				break
			at = rng.randrange(len(tampered))
			edit = rng.choice(("alter", "delete", "relink", "rehash", "null", "renumber"))
			if edit == "alter":
				tampered[at]["reason"] = "edited"
			elif edit == "delete":
				del tampered[at]
			elif edit == "relink":
				tampered[at]["previous_hash"] = "f" * 64
			elif edit == "rehash":
				tampered[at]["user"] = "intruder"
				tampered[at]["entry_hash"] = entry_hash(tampered[at]["previous_hash"] or "", tampered[at])
			elif edit == "null":
				tampered[at][rng.choice(("previous_hash", "entry_hash"))] = None
			else:
				tampered[at]["sequence"] = rng.choice((0, -3, 40))
				tampered.sort(key=lambda e: e["sequence"])
		sequence = rng.choice((head_sequence, max(head_sequence - 1, 0)))
		anchor = rng.choice(
			(None, Anchor(rng.randrange(1, 14), entries[0]["entry_hash"] if entries else "x"))
		)
		assert judged(tampered, sequence, head_hash, anchor) == verify_chain(
			tampered, sequence, head_hash, anchor
		), (tampered, anchor)
