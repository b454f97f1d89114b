"""A backup restored on another site keeps the audit chain and the audited documents verifiable."""

import glob
import os
import subprocess
import sys

import pytest

import frappe
from frappe.utils import add_days, today

from tests.factories import ensure_item
from tests.frappe_site import bench_cli, sites_path

RESTORED = "md-restore-check.localhost"


def bench(*args, site=None):
	command = [sys.executable, "-m", "frappe.utils.bench_helper", "frappe"]
	if site:
		command += ["--site", site]
	return subprocess.run(command + list(args), cwd=sites_path(), capture_output=True, text=True, timeout=900)


@pytest.mark.skipif(
	not os.environ.get("MD_DB_ADMIN_PASSWORD"), reason="needs MD_DB_ADMIN_USER/PASSWORD to create a site"
)
def test_backup_and_restore_keep_the_chain_valid():
	ensure_item("_Test MD Backup Device")
	batch = frappe.get_doc(
		{
			"doctype": "Batch",
			"item": "_Test MD Backup Device",
			"batch_id": f"BKP-{frappe.generate_hash(length=6)}",
			"expiry_date": add_days(today(), 200),
			"description": "备份前 before the backup",
		}
	).insert()
	batch.md_reason = "恢复测试 restore test"
	batch.description = "已修改 changed"
	batch.save()
	frappe.db.commit()  # nosemgrep: the backup runs in its own process
	entries = frappe.db.count("Audit Trail Entry")

	assert bench_cli("md-verify-audit").returncode == 0
	backup = bench_cli("backup", "--ignore-backup-conf")
	assert backup.returncode == 0, backup.stderr
	site_dir = os.path.join(sites_path(), frappe.local.site)
	dump = max(
		glob.glob(os.path.join(site_dir, "private", "backups", "*-database.sql.gz")), key=os.path.getmtime
	)
	try:
		restored = bench(
			"new-site",
			RESTORED,
			"--source-sql",
			dump,
			"--db-root-username",
			os.environ["MD_DB_ADMIN_USER"],
			"--db-root-password",
			os.environ["MD_DB_ADMIN_PASSWORD"],
			"--admin-password",
			"admin",
			"--force",
		)
		assert restored.returncode == 0, restored.stdout + restored.stderr
		verified = bench("md-verify-audit", site=RESTORED)
		assert verified.returncode == 0, verified.stdout + verified.stderr
		assert f"{entries} audit entries" in verified.stdout and "intact" in verified.stdout
	finally:
		bench(
			"drop-site",
			RESTORED,
			"--force",
			"--no-backup",
			"--db-root-username",
			os.environ["MD_DB_ADMIN_USER"],
			"--db-root-password",
			os.environ["MD_DB_ADMIN_PASSWORD"],
		)
