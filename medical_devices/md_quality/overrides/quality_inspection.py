"""Quality, on Quality Inspection: a rejected inspection of a device batch raises its nonconformance."""

import frappe
from frappe import _
from frappe.utils import flt

from medical_devices.devices import is_device
from medical_devices.gsp.batch_status import batch_label
from medical_devices.md_quality.doctype.device_nonconformance.device_nonconformance import BLOCK, DOCTYPE


def raise_nonconformance(doc, method=None):
	"""Quality Inspection on_submit: a rejected inspection of a device batch raises its nonconformance."""
	if doc.status != "Rejected" or not doc.get("batch_no") or not is_device(doc.item_code):
		return
	if frappe.db.exists(DOCTYPE, {"quality_inspection": doc.name}):
		return
	company = doc.get("company") or frappe.defaults.get_user_default("Company")
	qty = flt(frappe.db.get_value("Batch", doc.batch_no, "batch_qty")) or flt(doc.sample_size) or 1
	nonconformance = frappe.get_doc(
		{
			"doctype": DOCTYPE,
			"company": company,
			"source": "Quality Inspection",
			"quality_inspection": doc.name,
			"item_code": doc.item_code,
			"batch": doc.batch_no,
			"qty": qty,
			"hold": BLOCK,
			"description": _("Quality Inspection {0} rejected").format(doc.name),
		}
	)
	nonconformance.flags.ignore_permissions = True  # the inspector's rejection raises it
	nonconformance.insert()
	frappe.msgprint(
		_("Nonconformance {0} is raised for batch {1}.").format(
			frappe.bold(nonconformance.name), frappe.bold(batch_label(doc.batch_no))
		),
		alert=True,
	)
