"""Connects pytest to the throwaway site that scripts/test.sh created for this run."""

import os
import subprocess
import sys
from pathlib import Path

import pytest


def site_name() -> str:
	site = os.environ.get("MD_SITE")
	if not site:
		pytest.exit("MD_SITE is not set: run the tests with `make test` (scripts/test.sh)", returncode=2)
	return site


def sites_path() -> str:
	return os.environ.get("MD_SITES_PATH") or os.getcwd()


def connect():
	import frappe

	frappe.init(site=site_name(), sites_path=sites_path())
	frappe.connect()
	return frappe


def bench_cli(*args: str, check: bool = True) -> subprocess.CompletedProcess:
	"""Run a `bench --site <site> ...` command the way bench itself does, in a fresh process."""
	import frappe

	frappe.db.commit()  # nosemgrep: let the other process see everything this one wrote
	result = subprocess.run(
		[sys.executable, "-m", "frappe.utils.bench_helper", "frappe", "--site", site_name(), *args],
		cwd=sites_path(),
		capture_output=True,
		text=True,
		timeout=900,
	)
	# The other process may have changed installed apps and hooks: reconnect with nothing cached.
	frappe.db.rollback()
	frappe.destroy()
	connect()
	frappe.clear_cache()
	if check and result.returncode != 0:
		raise AssertionError(f"bench {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
	return result


def log_dir() -> Path:
	path = Path(os.environ.get("MD_ARTIFACTS", Path(sites_path()) / ".." / "logs" / "md-tests"))
	path.mkdir(parents=True, exist_ok=True)
	return path


def ensure_connected():
	"""The shared connection, made again if an earlier test's bench command or teardown released it."""
	import frappe

	if not getattr(frappe.local, "db", None):
		connect()
	return frappe
