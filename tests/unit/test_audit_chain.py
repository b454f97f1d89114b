"""The audit hash chain without a site: every alteration, insertion and removal is found."""

import copy

from medical_devices.audit.chain import GENESIS_HASH, canonical, entry_hash, state_hash, verify_chain


def make_chain(n=5):
	entries, previous = [], GENESIS_HASH
	for sequence in range(1, n + 1):
		entry = {
			"sequence": sequence,
			"timestamp": f"2026-11-28T07:00:0{sequence}.000000Z",
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


def test_an_intact_chain_verifies():
	entries, head_sequence, head_hash = make_chain()
	assert verify_chain(entries, head_sequence, head_hash) == (5, None)
	assert verify_chain([], 0, GENESIS_HASH) == (0, None)


def test_an_altered_field_is_found_at_its_entry():
	entries, head_sequence, head_hash = make_chain()
	tampered = copy.deepcopy(entries)
	tampered[2]["reason"] = "another reason"
	count, problem = verify_chain(tampered, head_sequence, head_hash)
	assert (problem.kind, problem.sequence) == ("altered", 3)


def test_a_recomputed_hash_still_breaks_the_next_link():
	entries, head_sequence, head_hash = make_chain()
	entries[1]["user"] = "intruder"
	entries[1]["entry_hash"] = entry_hash(entries[1]["previous_hash"], entries[1])
	assert verify_chain(entries, head_sequence, head_hash)[1].sequence == 3


def test_a_removed_entry_and_a_removed_last_entry_are_found():
	entries, head_sequence, head_hash = make_chain()
	assert "missing" in verify_chain(entries[:2] + entries[3:], head_sequence, head_hash)[1].message
	assert "head records entry 5" in verify_chain(entries[:4], head_sequence, head_hash)[1].message


def test_canonical_form_is_key_order_independent_and_keeps_chinese():
	assert canonical({"b": 1, "a": "召回"}) == canonical({"a": "召回", "b": 1}) == '{"a":"召回","b":1}'
