import click

from frappe.commands import get_site, pass_context


@click.command("md-demo")
@pass_context
def md_demo(context):
	"""Create the Medical Devices demo company and data on the site (idempotent)."""
	import frappe

	from medical_devices.demo import create_demo_data

	site = get_site(context)
	frappe.init(site=site)
	frappe.connect()
	try:
		summary = create_demo_data()
		frappe.db.commit()
	except Exception:
		frappe.db.rollback()
		raise
	finally:
		frappe.destroy()
	for line in summary:
		click.echo(line)


@click.command("md-verify-audit")
@click.option("--chain-only", is_flag=True, help="Check the hash chain only, not the audited documents.")
@pass_context
def md_verify_audit(context, chain_only=False):
	"""Verify the audit trail: the hash chain, and that no audited document was changed outside the app."""
	import time

	import frappe
	from frappe import _

	from medical_devices.audit.verify import verify_audit

	site = get_site(context)
	frappe.init(site=site)
	frappe.connect()
	try:
		started = time.perf_counter()
		report = verify_audit(check_documents=not chain_only)
		seconds = time.perf_counter() - started
		click.echo(
			_("{0} audit entries and {1} documents checked in {2} s.").format(
				report.entries, report.documents, f"{seconds:.1f}"
			)
		)
		if report.chain_problem:
			click.secho(_("Broken chain: {0}").format(report.chain_problem), fg="red")
		for problem in report.document_problems:
			click.secho(_("Changed outside the app: {0}").format(problem), fg="red")
		if report.ok:
			click.secho(_("The audit trail is intact."), fg="green")
	finally:
		frappe.destroy()
	if not report.ok:
		raise SystemExit(1)


commands = [md_demo, md_verify_audit]
