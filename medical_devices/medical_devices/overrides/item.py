import frappe
from frappe import _

from medical_devices.medical_devices.constants.custom_fields import DEVICE_CLASSES
from medical_devices.medical_devices.doctype.medical_device_settings.medical_device_settings import (
	controls_enabled,
)


def validate(doc, method=None):
	if not doc.get("md_is_medical_device") or not controls_enabled():
		return
	if doc.md_device_class not in DEVICE_CLASSES:
		frappe.throw(
			_("Item {0} is a medical device: set its Device Class to I, II or III.").format(
				frappe.bold(doc.item_code or doc.item_name)
			),
			title=_("Device Class Missing"),
		)
	if not doc.has_batch_no and not doc.has_serial_no:
		frappe.throw(
			_(
				"Medical device {0} must be tracked by batch or serial number, so that every unit can be traced."
			).format(frappe.bold(doc.item_code or doc.item_name)),
			title=_("Traceability Required"),
		)
