"""GSP, on Quality Inspection: the submitted inspection of a quarantined device batch releases or blocks it."""

import frappe
from frappe import _

from medical_devices import stored_texts
from medical_devices.devices import is_device
from medical_devices.gsp import rules
from medical_devices.gsp.batch_status import batch_label, has_qa_role, release_refusal, set_batch_status
from medical_devices.medical_devices.doctype.medical_device_settings.medical_device_settings import (
	get_settings,
)


def apply_quality_inspection(doc, method=None):
	"""Quality Inspection.on_submit: Accepted releases a quarantined device batch, Rejected blocks it."""
	if not doc.get("batch_no") or not is_device(doc.item_code):
		return
	if not get_settings().release_on_quality_inspection:
		return
	batch = doc.batch_no
	status = frappe.db.get_value("Batch", batch, "md_batch_status")
	if status != rules.QUARANTINE:
		return
	if not has_qa_role():
		frappe.msgprint(
			_(
				"Batch {0} stays in Quarantine: only a Quality Manager or QA Reviewer can release or block it."
			).format(frappe.bold(batch_label(batch))),
			alert=True,
		)
		return
	if doc.status == "Accepted" and release_refusal(batch, status, rules.RELEASED):
		frappe.msgprint(
			_("Batch {0} stays in Quarantine: {1}").format(
				frappe.bold(batch_label(batch)), release_refusal(batch, status, rules.RELEASED)
			),
			alert=True,
		)
		return
	if doc.status == "Accepted":
		new_status, reason = rules.RELEASED, stored_texts.QUALITY_INSPECTION_ACCEPTED.text(doc.name)
	elif doc.status == "Rejected":
		new_status, reason = rules.BLOCKED, stored_texts.QUALITY_INSPECTION_REJECTED.text(doc.name)
	else:
		return
	set_batch_status(batch, new_status, reason, "Quality Inspection", doc.name, check_role=False)
	frappe.msgprint(
		_("Batch {0} is now {1}.").format(frappe.bold(batch_label(batch)), _(new_status)), alert=True
	)
