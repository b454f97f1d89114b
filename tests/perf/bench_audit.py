"""What the audit trail costs: submitting a 50-row Delivery Note with auditing on and off, and verifying a chain
of a million entries.

Run from the bench's sites folder with the bench's Python:
    ../env/bin/python /path/to/checkout/tests/perf/bench_audit.py delivery --site md-test.localhost [--rounds 7]
    ../env/bin/python /path/to/checkout/tests/perf/bench_audit.py verify --site md-perf.localhost --entries 1000000

delivery: the records of bench_gsp_delivery (10 device items x 5 released batches, a qualified customer), then,
alternating, a 50-row Delivery Note inserted and submitted and its audit entries appended (what the commit runs),
with the audit hooks in place and with them replaced by no-ops in this process (the app has no switch to turn
auditing off). Rolled back at the end. Exits 1 when the median with auditing is 1.15x the median without or more.

writers: --writers processes (8), each saving its own audited document (--record stock-entry: a 5-row draft
Material Receipt of a device, one row's quantity and the remarks changed; --record batch: a device batch's
description, the lightest regulated record there is), with a reason, over and over for --seconds, all at once, as many web workers on several hosts would; rounds alternate the audit hooks on
and off in every writer. Prints saves per second of each and their ratio; exits 1 when the audited throughput is
below 0.9x of the unaudited.
    ../env/bin/python /path/to/checkout/tests/perf/bench_audit.py writers --site md-test.localhost [--writers 8]

verify: makes --documents batches (inserted directly, a plain item's, each with its stored content), then appends
generated entries (realistic size: a Batch update with a reason and two changed fields), ten per batch in turn, each
carrying the batch's true keyed state hash, until the chain holds --entries; committed. Then it times
`verify_audit(check_documents=False)`, the chain walk of `bench md-verify-audit --chain-only`, and `verify_audit()`,
the full check (chain, every document's state, records without entries, signatures). Exits 1 if either finds a
problem or the full check takes 60 s or more.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.perf.bench_gsp_delivery import make_records, submit_delivery

AUDIT_HOOKS = (
	("medical_devices.audit.trail", "on_change"),
	("medical_devices.audit.trail", "on_trash"),
	("medical_devices.audit.reason", "require_reason"),
	("medical_devices.audit.reason", "refuse_regulated_delete"),
	("medical_devices.audit.boot", "mark_regulated"),
	("medical_devices.audit.controlled", "check"),
	("medical_devices.audit.controlled", "normalise_insert"),
	("medical_devices.audit.signature", "require_signature"),
	("medical_devices.audit.signature", "write_signed_action"),
	("medical_devices.audit.signature", "refuse_unreviewed_changes"),
)


def set_audit(on: bool, originals: dict):
	import importlib

	for module_name, attr in AUDIT_HOOKS:
		module = importlib.import_module(module_name)
		originals.setdefault((module_name, attr), getattr(module, attr))
		setattr(module, attr, originals[(module_name, attr)] if on else (lambda *args, **kwargs: None))


def bench_delivery(frappe, rounds: int) -> int:
	from medical_devices.audit.trail import flush

	def audited_delivery():
		started = time.perf_counter()
		submit_delivery(frappe, company, warehouse, rows)
		flush()
		return time.perf_counter() - started

	originals = {}
	try:
		company, warehouse, rows = make_records(frappe)
		flush()
		audited_delivery()  # warm caches, as a running server has them
		timings = {True: [], False: []}
		for round_no in range(rounds):
			for on in (True, False) if round_no % 2 == 0 else (False, True):
				set_audit(on, originals)
				timings[on].append(audited_delivery())
		set_audit(True, originals)
		entries = frappe.db.count("Audit Trail Entry")
	finally:
		frappe.db.rollback()
	on, off = statistics.median(timings[True]), statistics.median(timings[False])
	ratio = on / off
	print(f"50-row Delivery Note insert + submit + audit append, {rounds} rounds each, alternating")
	print(
		f"audit on   median {on * 1000:7.1f} ms  (min {min(timings[True]) * 1000:.1f}, max {max(timings[True]) * 1000:.1f})"
	)
	print(
		f"audit off  median {off * 1000:7.1f} ms  (min {min(timings[False]) * 1000:.1f}, max {max(timings[False]) * 1000:.1f})"
	)
	print(f"ratio      {ratio:.3f}x (target under 1.15x); {entries} entries in the chain during the run")
	return 0 if ratio < 1.15 else 1


WRITER_ITEM = "PERF-AUDIT-WRITERS"


def writer_batches(frappe, count: int) -> list[str]:
	"""One released batch of a registered device item per writer (committed: the writers are other processes)."""
	from tests.factories import ensure_item, register_item, release

	ensure_item(WRITER_ITEM, valuation_rate=10)
	register_item(WRITER_ITEM)
	names = []
	for index in range(count):
		batch_id = f"PERF-W{index:02d}"
		name = frappe.db.get_value("Batch", {"batch_id": batch_id})
		if not name:
			name = (
				frappe.get_doc({"doctype": "Batch", "item": WRITER_ITEM, "batch_id": batch_id}).insert().name
			)
			release(name)
		names.append(name)
	frappe.db.commit()  # nosemgrep: benchmark data for the writer processes
	return names


def writer_entries(frappe, batches: list[str]) -> list[str]:
	"""One draft Material Receipt of five rows of the writer's batch per writer: a typical regulated document."""
	from tests.factories import first_company_stores

	company, stores = first_company_stores()
	names = []
	for batch in batches:
		rows = [
			{
				"item_code": WRITER_ITEM,
				"qty": 1 + row,
				"basic_rate": 10,
				"t_warehouse": stores,
				"batch_no": batch,
				"use_serial_batch_fields": 1,
			}
			for row in range(5)
		]
		entry = frappe.get_doc(
			{
				"doctype": "Stock Entry",
				"stock_entry_type": "Material Receipt",
				"purpose": "Material Receipt",
				"company": company,
				"items": rows,
			}
		).insert()
		names.append(entry.name)
	frappe.db.commit()  # nosemgrep: benchmark data for the writer processes
	return names


def writer(site: str, doctype: str, name: str, audit_on: bool, seconds: float, start_at: float, results):
	"""One process: save its document with a reason until the time is up; its count of committed saves."""
	import frappe

	frappe.init(site=site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	set_audit(audit_on, {})
	saves = 0
	while time.time() < start_at:
		time.sleep(0.01)
	end = start_at + seconds
	while time.time() < end:
		doc = frappe.get_doc(doctype, name)
		if doctype == "Batch":
			doc.description = f"writer round {saves}"
		else:
			doc.remarks = f"writer round {saves}"
			doc.items[saves % len(doc.items)].qty += 1
		doc.md_reason = "Concurrency benchmark"
		doc.save()
		frappe.db.commit()  # nosemgrep: one transaction per save, as a web request
		saves += 1
	frappe.destroy()
	results.put(saves)


def bench_writers(frappe, site: str, writers: int, seconds: float, rounds: int, record: str) -> int:
	import multiprocessing

	batches = writer_batches(frappe, writers)
	doctype = "Batch" if record == "batch" else "Stock Entry"
	names = batches if record == "batch" else writer_entries(frappe, batches)
	entries_before = frappe.db.count("Audit Trail Entry")
	frappe.destroy()  # the writers open their own connections
	context = multiprocessing.get_context("spawn")
	rates = {True: [], False: []}
	for round_no in range(-1, rounds * 2):  # round -1 warms the site's caches up and is not counted
		on = round_no % 2 == 0 if round_no % 4 < 2 else round_no % 2 == 1
		results = context.Queue()
		start_at = time.time() + 8  # every process connected and warmed before the clock starts
		processes = [
			context.Process(target=writer, args=(site, doctype, name, on, seconds, start_at, results))
			for name in names
		]
		for process in processes:
			process.start()
		counts = [results.get(timeout=seconds + 120) for _process in processes]
		for process in processes:
			process.join()
		if round_no >= 0:
			rates[on].append(sum(counts) / seconds)
		print(
			f"round {round_no + 1}: audit {'on ' if on else 'off'} {sum(counts) / seconds:7.1f} saves/s {counts}"
		)
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	from medical_devices.audit.trail import BASELINE, record_changes
	from medical_devices.audit.verify import verify_audit

	# the rounds with the hooks off wrote around the trail on purpose: their documents get a Baseline entry, so that
	# the site stays verifiable
	record_changes(
		doctype, {name: {"benchmark": True} for name in names}, BASELINE, None, {"function": __name__}
	)
	frappe.db.commit()  # nosemgrep: chained at the commit
	report = verify_audit(check_documents=False)
	written = frappe.db.count("Audit Trail Entry") - entries_before
	on, off = statistics.median(rates[True]), statistics.median(rates[False])
	ratio = on / off
	mean_ratio = statistics.mean(rates[True]) / statistics.mean(rates[False])
	what = "device batch" if record == "batch" else "5-row draft Stock Entry"
	print(
		f"{writers} writers, each its own {what}, {seconds:.0f} s per round, {rounds} rounds each, alternating"
	)
	print(f"audit on   median {on:7.1f} saves/s")
	print(f"audit off  median {off:7.1f} saves/s")
	print(f"ratio      {ratio:.3f}x of the medians, {mean_ratio:.3f}x of the means (target 0.9x or more)")
	print(f"{written} entries chained, chain ok: {report.ok}")
	return 0 if min(ratio, mean_ratio) >= 0.9 and report.ok else 1


PLAIN_ITEM = "PERF-AUDIT-PLAIN"


def generate_documents(frappe, count: int) -> list[str]:
	"""`count` batches of a plain item, inserted directly (benchmark data); names PERF-B000000..."""
	from frappe.utils import now

	if not frappe.db.exists("Item", PLAIN_ITEM):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": PLAIN_ITEM,
				"item_group": frappe.db.get_value("Item Group", {"is_group": 0}),
				"stock_uom": "Nos",
				"is_stock_item": 1,
				"has_batch_no": 1,
			}
		).insert()
	names = [f"PERF-B{i:06d}" for i in range(count)]
	have = set(frappe.get_all("Batch", filters={"item": PLAIN_ITEM}, pluck="name"))
	missing = [name for name in names if name not in have]
	stamp = now()
	for start in range(0, len(missing), 20000):
		frappe.db.bulk_insert(
			"Batch",
			["name", "batch_id", "item", "creation", "modified", "owner", "modified_by"],
			[
				(name, name, PLAIN_ITEM, stamp, stamp, "Administrator", "Administrator")
				for name in missing[start : start + 20000]
			],
		)
	frappe.db.commit()
	return names


def document_hashes(frappe, names: list[str]) -> dict[str, str]:
	from medical_devices.audit import state

	hashes = {}
	for start in range(0, len(names), 5000):
		hashes.update(state.state_hashes("Batch", names[start : start + 5000]))
	return hashes


def generate_entries(frappe, total: int, names: list[str], hashes: dict[str, str], chunk: int = 20000):
	"""Append generated entries to the chain until it holds `total`, the way the trail writes them."""
	from datetime import datetime, timedelta, timezone

	from medical_devices.audit import chain
	from medical_devices.audit.trail import ENTRY, lock_head, move_head

	sequence, previous = lock_head()
	start = datetime(2026, 1, 1, tzinfo=timezone.utc)
	fields = ["name", "creation", "modified", "owner", "modified_by"]
	fields += [*chain.CONTENT_FIELDS, "previous_hash", "entry_hash"]
	while sequence < total:
		rows = []
		for _ in range(min(chunk, total - sequence)):
			sequence += 1
			stamp = start + timedelta(seconds=sequence)
			name = names[sequence % len(names)]
			entry = {
				"sequence": sequence,
				"timestamp": stamp.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
				"user": "qa@example.com",
				"ip_address": "10.1.2.3",
				"ref_doctype": "Batch",
				"ref_name": name,
				"action": "Update",
				"reason": "供应商更正有效期 Supplier corrected the expiry date",
				"changes": chain.canonical(
					{
						"changed": [
							["expiry_date", "2027-01-01", "2027-02-01"],
							["description", None, f"Relabelled lot {sequence}"],
						]
					}
				),
				"state_hash": hashes[name],
				"previous_hash": previous,
			}
			entry["entry_hash"] = previous = chain.entry_hash(previous, entry)
			created = stamp.strftime("%Y-%m-%d %H:%M:%S.%f")
			rows.append(
				(
					sequence,
					created,
					created,
					"qa@example.com",
					"qa@example.com",
					*(entry[f] for f in chain.CONTENT_FIELDS),
					entry["previous_hash"],
					entry["entry_hash"],
				)
			)
		frappe.db.bulk_insert(ENTRY, fields, rows)
		move_head(sequence, previous)
		frappe.db.commit()
		sequence, previous = lock_head()
		print(f"  chain holds {sequence} entries", flush=True)


def timed(check):
	import resource

	before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
	started = time.perf_counter()
	report = check()
	seconds = time.perf_counter() - started
	peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
	return report, seconds, peak, peak - before


def bench_verify(frappe, entries: int, documents: int) -> int:
	from medical_devices.audit.verify import verify_audit

	names = generate_documents(frappe, documents)
	generate_entries(frappe, entries, names, document_hashes(frappe, names))
	from medical_devices.audit.trail import baseline

	baseline()  # anything else on the site without an entry (the benchmark item), so the check has nothing to report
	frappe.db.commit()
	chain_report, chain_seconds, peak, grown = timed(lambda: verify_audit(check_documents=False))
	print(
		f"chain only: {chain_report.entries} entries in {chain_seconds:.1f} s "
		f"({chain_report.entries / chain_seconds:,.0f} per s); peak RSS {peak / 1024:.0f} MiB "
		f"({grown / 1024:+.0f} MiB during the walk); intact: {chain_report.ok}"
	)
	from medical_devices.audit.verify import AuditReport, verify_entries

	def python_walk():
		report = AuditReport()
		verify_entries(report, in_database=False)
		return report

	walked, walk_seconds, peak, grown = timed(python_walk)
	print(
		f"chain only, every entry walked in Python (as before the database walk): {walked.entries} entries in "
		f"{walk_seconds:.1f} s; peak RSS {peak / 1024:.0f} MiB ({grown / 1024:+.0f} MiB); intact: {walked.ok}"
	)
	full, seconds, peak, grown = timed(verify_audit)
	print(
		f"full check: {full.entries} entries, {full.documents} documents, {full.signatures} signatures in "
		f"{seconds:.1f} s; peak RSS {peak / 1024:.0f} MiB ({grown / 1024:+.0f} MiB); problems: "
		f"{len(full.chain_problems) + len(full.document_problems) + full.unlisted}"
	)
	for problem in (full.chain_problems + full.document_problems)[:5]:
		print("  ", problem)
	return 0 if chain_report.ok and walked.ok and full.ok and chain_seconds < 5 and seconds < 60 else 1


def main():
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("what", choices=("delivery", "verify", "writers"))
	parser.add_argument("--site", required=True)
	parser.add_argument("--rounds", type=int, default=7)
	parser.add_argument("--entries", type=int, default=1_000_000)
	parser.add_argument("--documents", type=int, default=100_000)
	parser.add_argument("--writers", type=int, default=8)
	parser.add_argument("--seconds", type=float, default=20)
	parser.add_argument("--record", choices=("batch", "stock-entry"), default="stock-entry")
	args = parser.parse_args()

	import frappe

	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		if args.what == "writers":
			code = bench_writers(
				frappe, args.site, args.writers, args.seconds, min(args.rounds, 5), args.record
			)
		elif args.what == "delivery":
			code = bench_delivery(frappe, args.rounds)
		else:
			code = bench_verify(frappe, args.entries, args.documents)
	finally:
		frappe.destroy()
	sys.exit(code)


if __name__ == "__main__":
	main()
