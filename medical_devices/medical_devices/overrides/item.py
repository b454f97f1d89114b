import frappe
from frappe import _

from medical_devices import access, inputs
from medical_devices.audit import controlled
from medical_devices.audit.origin import clean_reason, mark
from medical_devices.controls import DEVICE_CLASSIFIERS
from medical_devices.medical_devices.constants.custom_fields import DEVICE_CLASSES
from medical_devices.medical_devices.doctype.medical_device_settings.medical_device_settings import (
	controls_enabled,
)


def validate(doc, method=None):
	if not doc.get("md_is_medical_device") or not controls_enabled():
		return
	if doc.md_device_class not in DEVICE_CLASSES:
		frappe.throw(
			_("Item {0} is a medical device: set its Device Class (I, II or III).").format(
				frappe.bold(doc.item_code or doc.item_name)
			),
			title=_("Device Class Missing"),
		)
	validate_storage_temperature(doc)
	validate_default_di(doc)
	if not doc.has_batch_no and not doc.has_serial_no:
		frappe.throw(
			_(
				"Medical device {0} must be tracked by batch or serial number, so that every unit can be traced."
			).format(frappe.bold(doc.item_code or doc.item_name)),
			title=_("Traceability Required"),
		)


def validate_storage_temperature(doc):
	low, high = doc.get("md_storage_temperature_min"), doc.get("md_storage_temperature_max")
	if doc.get("md_requires_cold_chain") and (low is None or high is None or (not low and not high)):
		frappe.throw(
			_("Cold-chain device {0} needs its storage temperature range.").format(
				frappe.bold(doc.item_code)
			),
			title=_("Storage Temperature Missing"),
		)
	if low is not None and high is not None and (low or high) and low > high:
		frappe.throw(
			_("The minimum storage temperature is above the maximum."), title=_("Invalid Temperature Range")
		)


def validate_default_di(doc):
	if not doc.get("md_default_di"):
		return
	owner = frappe.db.get_value("UDI Device Identifier", doc.md_default_di, "item")
	if owner != doc.name:
		frappe.throw(
			_("Device identifier {0} belongs to item {1}, not to this item.").format(doc.md_default_di, owner)
		)


CHANGE_CLASSIFICATION = f"{__name__}.change_device_classification"


@frappe.whitelist(methods=["POST"])
@inputs.endpoint
def change_device_classification(item: str, is_medical_device, reason: str) -> int:
	"""Whether an existing item is a medical device decides which rules bind it: a regulatory or quality manager
	changes it, with a reason, never an ordinary edit of the item."""
	if not set(DEVICE_CLASSIFIERS) & set(frappe.get_roles()):
		frappe.throw(
			_(
				"Only a Regulatory Affairs Manager or Quality Manager may change whether an item is a medical device."
			),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
	item = access.record("Item", item, "write")
	if inputs.missing(is_medical_device):
		inputs.refuse(_("Is Medical Device"), _("missing"))
	value = inputs.flag(is_medical_device, _("Is Medical Device"))
	reason = clean_reason(reason)
	if not reason:
		frappe.throw(
			_("Give the reason for changing whether {0} is a medical device.").format(frappe.bold(item))
		)
	doc = frappe.get_doc("Item", item)
	controlled.allow(doc, CHANGE_CLASSIFICATION, md_is_medical_device=value)
	doc.md_reason = reason
	mark(doc, CHANGE_CLASSIFICATION)
	doc.save()
	if value:
		from medical_devices.gsp.batch_status import quarantine_batches_of

		quarantine_batches_of(item)
	return value
