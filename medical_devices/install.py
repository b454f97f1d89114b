import click

import frappe
from frappe import _

from medical_devices.setup import apply_setup, remove_setup

SUPPORTED_MAJOR_VERSION = 15


def check_version_compatibility():
	"""Refuse to install or migrate on a Frappe/ERPNext major version this app was not built for."""
	for app in ("frappe", "erpnext"):
		version = frappe.get_attr(f"{app}.__version__")
		major = int(version.split(".")[0])
		if major != SUPPORTED_MAJOR_VERSION:
			click.secho(
				_("Medical Devices supports {0} version {1}.x only; this site has {2}.").format(
					app, SUPPORTED_MAJOR_VERSION, version
				),
				fg="red",
			)
			raise SystemExit(1)


def after_install():
	from medical_devices.audit.trail import baseline
	from medical_devices.gsp.batch_status import release_existing_batches

	apply_setup()
	baseline(commit=True)  # records that exist already: the trail starts from what they hold now
	release_existing_batches()
	click.secho(_("Medical Devices is installed. Open the desk at /app/medical-devices."), fg="green")


def before_uninstall():
	remove_setup()
