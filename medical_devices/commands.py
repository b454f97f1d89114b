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


commands = [md_demo]
