"""A multi-host deployment on one machine: two web servers and two background workers, each its own process with
nothing shared but the database and a Redis of their own, as separate hosts would be. Concurrent HTTP clients
write through both servers; a worker is killed in the middle of a bulk edit; Redis is restarted while reasons and
signature authorisations are pending. Afterwards the chain is one line, every committed write has its entry with
its reason, nothing is half-written, and what Redis forgot is refused with a clear message, never let through."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.e2e.servers import free_port, wait_for_port
from tests.factories import ensure_item, material_receipt, new_batch, register_item, release
from tests.frappe_site import log_dir, site_name, sites_path

ADMIN_PASSWORD = os.environ.get("MD_ADMIN_PASSWORD", "admin")
DEVICE = "_Test MD Multi Host Device"
CLIENT_BATCHES = 8
BULK_BATCHES = 200
SAVES_PER_CLIENT = 12


class Deployment:
	"""A sites folder of its own (the same site, a private Redis), and the processes that serve it."""

	def __init__(self):
		self.root = Path(sites_path()).resolve().parent / "sites-multihost"
		self.redis_port = free_port()
		self.redis = None
		self.web: list[tuple[subprocess.Popen, str]] = []
		self.workers: list[subprocess.Popen] = []
		self.logs = []

	def prepare(self):
		shutil.rmtree(self.root, ignore_errors=True)
		self.root.mkdir()
		source = Path(sites_path()).resolve()
		config = json.loads((source / "common_site_config.json").read_text())
		url = f"redis://127.0.0.1:{self.redis_port}"
		config.update(redis_cache=url, redis_queue=url, redis_socketio=url)
		(self.root / "common_site_config.json").write_text(json.dumps(config, indent=1))
		for name in ("apps.txt", "apps.json", "assets", site_name()):
			if (source / name).exists():
				(self.root / name).symlink_to(source / name)

	def log(self, name):
		handle = open(log_dir() / f"multihost-{name}.log", "a")
		self.logs.append(handle)
		return handle

	def start_redis(self):
		self.redis = subprocess.Popen(
			["redis-server", "--port", str(self.redis_port), "--save", "", "--appendonly", "no"],
			stdout=self.log("redis"),
			stderr=subprocess.STDOUT,
		)
		wait_for_port(self.redis_port, self.redis)

	def stop_redis(self):
		self.redis.send_signal(signal.SIGKILL)
		self.redis.wait(timeout=20)

	def frappe(self, *args, name):
		return subprocess.Popen(
			[sys.executable, "-m", "frappe.utils.bench_helper", "frappe", *args],
			cwd=self.root,
			stdout=self.log(name),
			stderr=subprocess.STDOUT,
			start_new_session=True,  # its own process group: a kill takes the work horse with it
		)

	def start_web(self, count=2):
		for index in range(count):
			port = free_port()
			process = self.frappe(
				"--site", site_name(), "serve", "--port", str(port), "--noreload", name=f"web{index}"
			)
			wait_for_port(port, process)
			self.web.append((process, f"http://127.0.0.1:{port}"))

	def start_worker(self, index):
		worker = self.frappe("worker", "--queue", "short,default,long", name=f"worker{index}")
		self.workers.append(worker)
		return worker

	def kill_workers(self):
		for worker in self.workers:
			if worker.poll() is None:
				os.killpg(worker.pid, signal.SIGKILL)
				worker.wait(timeout=20)
		self.workers = []

	def stop(self):
		self.kill_workers()
		for process, _url in self.web:
			if process.poll() is None:
				process.terminate()
				process.wait(timeout=20)
		if self.redis and self.redis.poll() is None:
			self.stop_redis()
		for handle in self.logs:
			handle.close()
		shutil.rmtree(self.root, ignore_errors=True)

	def urls(self):
		return [url for _process, url in self.web]


@pytest.fixture(scope="module")
def batches(frappe_site):
	import frappe

	ensure_item(DEVICE, valuation_rate=10)
	register_item(DEVICE)
	names = []
	for index in range(CLIENT_BATCHES + BULK_BATCHES):
		batch = frappe.get_doc(
			{"doctype": "Batch", "item": DEVICE, "batch_id": f"MH-{frappe.generate_hash(length=8)}-{index}"}
		).insert()
		release(batch.name)
		names.append(batch.name)
	frappe.db.commit()  # nosemgrep: the deployment's processes must see the records
	return names


@pytest.fixture(scope="module")
def signature_rule(frappe_site):
	"""Set before the deployment starts: its servers cache the settings in their own Redis."""
	import frappe

	def set_rule(on):
		settings = frappe.get_single("Medical Device Settings")
		rules = [r for r in settings.signature_rules if r.document_type != "Stock Entry"]
		settings.set("signature_rules", rules)
		if on:
			settings.append("signature_rules", {"document_type": "Stock Entry", "sign_submit": 1})
		settings.md_reason = "Signature rule for the multi-host test" if on else "End of the multi-host test"
		settings.save()
		frappe.db.commit()  # nosemgrep: the deployment's processes must see it

	set_rule(True)
	yield
	set_rule(False)


@pytest.fixture(scope="module")
def deployment(batches, signature_rule):
	deployment = Deployment()
	deployment.prepare()
	deployment.start_redis()
	deployment.start_web()
	deployment.start_worker(0)
	deployment.start_worker(1)
	yield deployment
	deployment.stop()


def login(url):
	client = requests.Session()
	response = client.post(
		f"{url}/api/method/login", json={"usr": "Administrator", "pwd": ADMIN_PASSWORD}, timeout=60
	)
	assert response.status_code == 200, response.text
	return client


def entries_of(name):
	import frappe

	return frappe.get_all(
		"Audit Trail Entry",
		{"ref_doctype": "Batch", "ref_name": name},
		["name", "action", "reason", "changes"],
		order_by="name asc",
	)


def assert_chain_and_states(names):
	import frappe

	from medical_devices.audit.verify import verify_audit

	frappe.db.rollback()
	report = verify_audit(documents=[("Batch", name) for name in names])
	assert report.ok, report.chain_problems[:5] + report.document_problems[:5]
	assert frappe.db.count("Audit Trail Stage") == 0  # nothing staged was left behind by a killed process


def test_concurrent_clients_on_two_servers_each_write_has_its_entry(deployment, batches):
	import frappe

	mine = batches[:CLIENT_BATCHES]
	before = {name: len(entries_of(name)) for name in mine}
	results = {name: [] for name in mine}

	def client_loop(index, name):
		sessions = [login(url) for url in deployment.urls()]
		for round_no in range(SAVES_PER_CLIENT):
			session = sessions[(index + round_no) % len(sessions)]
			url = deployment.urls()[(index + round_no) % len(sessions)]
			value = f"client {index} round {round_no}"
			body = {"description": value}
			if round_no % 4 != 3:  # every fourth save forgets its reason, and must be refused
				body["md_reason"] = f"Relabel {index}.{round_no}"
			response = session.put(f"{url}/api/resource/Batch/{name}", json=body, timeout=120)
			results[name].append((round_no, value, body.get("md_reason"), response.status_code))

	threads = [threading.Thread(target=client_loop, args=(i, name)) for i, name in enumerate(mine)]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join(timeout=600)
	frappe.db.rollback()
	for name in mine:
		saved = [row for row in results[name] if row[3] == 200]
		refused = [row for row in results[name] if row[3] != 200]
		assert all(reason for _r, _v, reason, _s in saved), results[name]
		assert all(reason is None and status == 417 for _r, _v, reason, status in refused), results[name]
		entries = entries_of(name)[before[name] :]
		assert [entry.reason for entry in entries] == [reason for _r, _v, reason, _s in saved]
		assert frappe.db.get_value("Batch", name, "description") == saved[-1][1]
	assert_chain_and_states(mine)


def test_a_worker_killed_in_the_middle_of_a_bulk_edit_leaves_nothing_half_written(deployment, batches):
	import frappe

	bulk = batches[CLIENT_BATCHES:]
	before = {name: len(entries_of(name)) for name in bulk}
	client = login(deployment.urls()[0])
	response = client.post(
		f"{deployment.urls()[0]}/api/method/frappe.desk.doctype.bulk_update.bulk_update.submit_cancel_or_update_docs",
		json={
			"doctype": "Batch",
			"docnames": bulk,
			"action": "update",
			"data": {"description": "bulk relabel", "md_reason": "Bulk relabel of the lot"},
		},
		timeout=60,
	)
	assert response.status_code == 200, response.text
	deadline = time.monotonic() + 120
	done = 0
	while time.monotonic() < deadline:
		frappe.db.rollback()
		done = frappe.db.count("Batch", {"name": ["in", bulk], "description": "bulk relabel"})
		if done >= 5:
			break
		time.sleep(0.05)
	deployment.kill_workers()  # mid-job: the work horse goes with its worker
	frappe.db.rollback()
	done = frappe.db.count("Batch", {"name": ["in", bulk], "description": "bulk relabel"})
	assert 0 < done < len(bulk), f"the job was not interrupted ({done} of {len(bulk)} done)"
	for name in bulk:
		changed = frappe.db.get_value("Batch", name, "description") == "bulk relabel"
		new = entries_of(name)[before[name] :]
		if changed:
			assert [entry.reason for entry in new] == ["Bulk relabel of the lot"], (name, new)
		else:
			assert new == [], (name, new)
	assert_chain_and_states(bulk)
	deployment.start_worker(2)  # the deployment carries on


def test_what_redis_forgets_in_a_restart_is_refused_never_let_through(deployment, batches):
	import frappe

	a, b = deployment.urls()
	on_a, on_b = login(a), login(b)
	name = batches[0]

	# a reason noted on one host is found by a write on the other (Redis is what they share)
	noted = on_a.post(
		f"{a}/api/method/medical_devices.audit.reason.note_reasons",
		json={"doctype": "Batch", "names": [name], "reason": "Noted on host A"},
		timeout=60,
	)
	assert noted.status_code == 200, noted.text
	saved = on_b.put(f"{b}/api/resource/Batch/{name}", json={"description": "saved on host B"}, timeout=60)
	assert saved.status_code == 200, saved.text

	stock_entry = signed_draft(on_a, a)
	noted = on_a.post(
		f"{a}/api/method/medical_devices.audit.reason.note_reasons",
		json={"doctype": "Batch", "names": [name], "reason": "Noted before the restart"},
		timeout=60,
	)
	assert noted.status_code == 200, noted.text

	deployment.stop_redis()
	deployment.start_redis()

	frappe.db.rollback()
	description = frappe.db.get_value("Batch", name, "description")
	entries = len(entries_of(name))
	refused = on_b.put(
		f"{b}/api/resource/Batch/{name}", json={"description": "after the restart"}, timeout=60
	)
	assert refused.status_code == 417 and "ReasonRequiredError" in refused.text, refused.text[:300]
	doc = on_b.get(f"{b}/api/resource/Stock Entry/{stock_entry}", timeout=60).json()["data"]
	submitted = on_b.post(f"{b}/api/method/frappe.client.submit", json={"doc": doc}, timeout=60)
	assert submitted.status_code == 417 and "signature" in submitted.text.lower(), submitted.text[:300]
	frappe.db.rollback()
	assert frappe.db.get_value("Batch", name, "description") == description
	assert len(entries_of(name)) == entries
	assert frappe.db.get_value("Stock Entry", stock_entry, "docstatus") == 0

	# and everything works again once asked properly
	again = on_a.put(
		f"{a}/api/resource/Batch/{name}",
		json={"description": "after the restart", "md_reason": "Retyped"},
		timeout=60,
	)
	assert again.status_code == 200, again.text[:300]
	assert_chain_and_states([name])


def signed_draft(client, url) -> str:
	"""A draft Stock Entry of the device under a signature rule, signed for submit on this host."""
	import frappe

	batch = new_batch(DEVICE, "MH-SIGN")
	release(batch.name)
	entry = material_receipt(batch, 1, submit=False)
	frappe.db.commit()  # nosemgrep: the deployment's processes must see the records
	signed = client.post(
		f"{url}/api/method/medical_devices.audit.signature.sign",
		json={
			"doctype": "Stock Entry",
			"name": entry.name,
			"action": "Submit",
			"meaning": "Approved",
			"password": ADMIN_PASSWORD,
		},
		timeout=60,
	)
	assert signed.status_code == 200, signed.text[:300]
	return entry.name
