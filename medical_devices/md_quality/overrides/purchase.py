"""Quality, on Purchase Order, Purchase Receipt and a Purchase Invoice that updates stock: items under supplier
control, devices or components, are bought only from suppliers the approved supplier list approves for them
(medical_devices/md_quality/suppliers.py), refused as the other qualification gaps are."""

import frappe
from frappe import _

from medical_devices.golive import observed
from medical_devices.gsp.qualification import QualificationError, transaction_date
from medical_devices.md_quality.suppliers import approval_problems
from medical_devices.medical_devices.doctype.medical_device_settings.medical_device_settings import (
	controls_enabled,
)


@observed
def refuse_unapproved_suppliers(doc, method=None):
	if doc.get("is_return") or not controls_enabled() or not doc.get("supplier"):
		return
	if doc.doctype == "Purchase Invoice" and not doc.get("update_stock"):
		return
	rows = [row for row in doc.get("items") or [] if row.get("item_code")]
	problems = approval_problems(doc.supplier, rows, transaction_date(doc))
	if problems:
		frappe.throw(
			"<br>".join(dict.fromkeys(problems)), QualificationError, title=_("Qualification Missing")
		)
