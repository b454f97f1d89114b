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
@click.option(
	"--anchor",
	"anchor_file",
	type=click.Path(exists=True, dir_okay=False),
	help="An anchor exported earlier (md-export-audit-anchor): the chain must still hold that entry and hash.",
)
@pass_context
def md_verify_audit(context, chain_only=False, anchor_file=None):
	"""Verify the audit trail: the hash chain, every audited document, records without entries, signatures."""
	import time

	import frappe
	from frappe import _

	from medical_devices.audit.anchor import read_anchor
	from medical_devices.audit.verify import verify_audit

	site = get_site(context)
	frappe.init(site=site)
	frappe.connect()
	try:
		started = time.perf_counter()
		anchor = read_anchor(anchor_file) if anchor_file else None
		report = verify_audit(check_documents=not chain_only, anchor=anchor)
		seconds = time.perf_counter() - started
		click.echo(
			_("{0} audit entries, {1} documents and {2} signatures checked in {3} s.").format(
				report.entries, report.documents, report.signatures, f"{seconds:.1f}"
			)
		)
		for problem in report.chain_problems:
			click.secho(_("Broken chain: {0}").format(problem), fg="red")
		for problem in report.document_problems:
			click.secho(_("Outside the app: {0}").format(problem), fg="red")
		if report.unlisted:
			click.secho(_("... and {0} more problems.").format(report.unlisted), fg="red")
		if report.ok:
			click.secho(
				_("The audit trail is intact (head: entry {0}, {1}).").format(
					report.head_sequence, report.head_hash
				),
				fg="green",
			)
	finally:
		frappe.destroy()
	if not report.ok:
		raise SystemExit(1)


@click.command("md-export-audit-anchor")
@click.option(
	"--to", "path", type=click.Path(dir_okay=False), help="File to write (default: the anchor folder)."
)
@pass_context
def md_export_audit_anchor(context, path=None):
	"""Write the audit chain's newest entry and hash to a file, to be kept outside the database."""
	import frappe

	from medical_devices.audit.anchor import export_anchor

	site = get_site(context)
	frappe.init(site=site)
	frappe.connect()
	try:
		written, anchor = export_anchor(path)
	finally:
		frappe.destroy()
	click.echo(f"{written}: entry {anchor['sequence']} {anchor['entry_hash']}")


commands = [md_demo, md_verify_audit, md_export_audit_anchor]
