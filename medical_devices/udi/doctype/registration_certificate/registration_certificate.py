import datetime

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate, today

from medical_devices import stored_texts
from medical_devices.audit import controlled, trail
from medical_devices.devices import is_device

CERTIFICATE_TYPE_FOR_CLASS = {
	"Class I": "Filing Certificate",
	"Class II": "Registration Certificate",
	"Class III": "Registration Certificate",
}


class RegistrationCertificate(Document):
	def validate(self):
		self.validate_type_matches_class()
		self.validate_dates()
		self.validate_items()
		controlled.allow(
			self,
			f"{__name__}.RegistrationCertificate.validate",
			status=certificate_status(
				getdate(self.approval_date),
				getdate(self.expiry_date) if self.expiry_date else None,
				near_expiry_days(),
			),
		)

	def validate_type_matches_class(self):
		expected = CERTIFICATE_TYPE_FOR_CLASS.get(self.device_class)
		if expected and self.certificate_type != expected:
			frappe.throw(
				_("A {0} device needs a {1}, not a {2}.").format(
					_(self.device_class), _(expected), _(self.certificate_type)
				),
				title=_("Wrong Certificate Type"),
			)

	def validate_dates(self):
		if self.certificate_type == "Registration Certificate" and not self.expiry_date:
			frappe.throw(_("A registration certificate needs its expiry date."))
		if self.expiry_date and getdate(self.expiry_date) <= getdate(self.approval_date):
			frappe.throw(_("The expiry date must come after the approval date."))

	def validate_items(self):
		seen = set()
		for row in self.items:
			if row.item in seen:
				frappe.throw(_("Row {0}: item {1} is listed twice.").format(row.idx, frappe.bold(row.item)))
			seen.add(row.item)
			if not is_device(row.item):
				frappe.throw(
					_("Row {0}: item {1} is not marked as a medical device.").format(
						row.idx, frappe.bold(row.item)
					)
				)


# Indicator colour of each status in the desk (medical_devices/boot.py)
STATUS_COLOURS = {"Valid": "green", "Expiring Soon": "orange", "Expired": "red", "Not Yet Valid": "gray"}


def certificate_status(
	approval_date: datetime.date,
	expiry_date: datetime.date | None,
	near_days: int,
	on_date: datetime.date | None = None,
) -> str:
	on_date = on_date or getdate(today())
	if on_date < approval_date:
		return "Not Yet Valid"
	if expiry_date is None:
		return "Valid"
	if on_date > expiry_date:
		return "Expired"
	if (expiry_date - on_date).days <= near_days:
		return "Expiring Soon"
	return "Valid"


def near_expiry_days() -> int:
	from medical_devices.medical_devices.doctype.medical_device_settings.medical_device_settings import (
		get_settings,
	)

	return get_settings().near_expiry_days or 0


def update_certificate_statuses():
	"""Daily: move certificates to Expiring Soon, Expired or Valid as the calendar turns."""
	near_days = near_expiry_days()
	for row in frappe.get_all(
		"Registration Certificate", fields=["name", "approval_date", "expiry_date", "status"]
	):
		status = certificate_status(
			getdate(row.approval_date), getdate(row.expiry_date) if row.expiry_date else None, near_days
		)
		if status != row.status:
			trail.set_values(
				"Registration Certificate",
				row.name,
				{"status": status},
				f"{__name__}.update_certificate_statuses",
				stored_texts.CERTIFICATE_STATUS.text(),
			)
