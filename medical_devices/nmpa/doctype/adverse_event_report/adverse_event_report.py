"""A suspected medical device adverse event report (可疑医疗器械不良事件报告表, Order 1), with the deadlines the
event sets (death 7 days, serious injury 20, overseas 30, group events 12 and 24 hours) and a daily overdue flag."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_datetime, now_datetime

from medical_devices import stored_texts
from medical_devices.audit import controlled, trail
from medical_devices.devices import is_device
from medical_devices.nmpa.adverse_event_rules import is_overdue, reporting_deadlines

DUE_FIELDS = {"report": "report_due", "group notice": "group_notice_due", "group cases": "group_cases_due"}
# What the deadlines rest on: once saved, changed by the roles that decide reportability only (a later deadline is
# not anyone's to grant).
CLOCK_FIELDS = ("severity", "aware_at", "death_at", "is_group_event", "is_overseas")
CLOCK_KEEPERS = ("Regulatory Affairs Manager", "Quality Manager")


class AdverseEventReport(Document):
	def before_insert(self):
		"""The amendment of a complaint's cancelled report is that complaint's report."""
		complaint = self.amended_from and frappe.db.get_value(
			"Adverse Event Report", self.amended_from, "device_complaint"
		)
		if complaint:
			controlled.allow(self, f"{__name__}.AdverseEventReport.before_insert", device_complaint=complaint)

	def after_insert(self):
		from medical_devices.md_quality.doctype.device_complaint.device_complaint import follow_amendment

		follow_amendment(self)

	def refuse_clock_changes(self):
		before = None if self.is_new() else self.get_doc_before_save()
		if not before or set(CLOCK_KEEPERS) & set(frappe.get_roles()):
			return
		changed = [
			field
			for field in CLOCK_FIELDS
			if self.meta.has_field(field) and str(before.get(field) or "") != str(self.get(field) or "")
		]
		if changed:
			frappe.throw(
				_(
					"Only a Regulatory Affairs Manager or Quality Manager changes {0} of a saved report."
				).format(", ".join(_(self.meta.get_label(field)) for field in changed)),
				frappe.PermissionError,
				title=_("Not Permitted"),
			)

	def validate(self):
		self.refuse_clock_changes()
		if not self.severity:  # no default: the reporter chooses it, and the deadlines follow from it
			frappe.throw(
				_("Choose the severity of the event: the reporting deadline follows from it."),
				frappe.MandatoryError,
				title=_("Severity Missing"),
			)
		self.validate_patient()
		self.validate_device()
		self.set_deadlines()
		self.overdue = int(self.is_overdue())
		controlled.allow_current(
			self, f"{__name__}.AdverseEventReport.validate", *DUE_FIELDS.values(), "overdue"
		)

	def validate_patient(self):
		"""The patient is one of the report's company, linked by someone who may read their record: a report is
		otherwise a window onto another company's patients (a list of reports can show the linked record's
		fields)."""
		if not self.patient:
			return
		company = frappe.db.get_value("Patient Record", self.patient, "company")
		if company != self.company:
			frappe.throw(
				_("Patient Record {0} belongs to another company.").format(self.patient),
				frappe.PermissionError,
				title=_("Not Permitted"),
			)
		before = self.get_doc_before_save()
		if (not before or before.patient != self.patient) and not frappe.has_permission(
			"Patient Record", "read", self.patient
		):
			frappe.throw(
				_("You may not read Patient Record {0}.").format(self.patient),
				frappe.PermissionError,
				title=_("Not Permitted"),
			)

	def validate_device(self):
		if not is_device(self.item_code):
			frappe.throw(_("{0} is not a medical device.").format(frappe.bold(self.item_code)))
		if self.batch:
			batch = frappe.db.get_value(
				"Batch", self.batch, ["item", "expiry_date", "manufacturing_date"], as_dict=True
			)
			if batch.item != self.item_code:
				frappe.throw(
					_("Batch {0} is not of {1}.").format(frappe.bold(self.batch), frappe.bold(self.item_code))
				)
			self.expiry_date = self.expiry_date or batch.expiry_date
			self.manufacturing_date = self.manufacturing_date or batch.manufacturing_date
		if not self.registration_certificate:
			self.registration_certificate = frappe.db.get_value(
				"Registration Certificate Item",
				{"item": self.item_code, "parenttype": "Registration Certificate"},
				"parent",
			)
		if self.severity == "Death" and not self.death_at:
			frappe.throw(_("Enter the time of death."))
		if get_datetime(self.aware_at) > now_datetime():
			frappe.throw(_("The time the event was discovered or learned of lies in the future."))
		received = self.device_complaint and frappe.db.get_value(
			"Device Complaint", self.device_complaint, "received_on"
		)
		if received and get_datetime(self.aware_at) > get_datetime(received):
			frappe.throw(
				_(
					"The company learned of this event when complaint {0} was received, on {1}: it cannot be later."
				).format(self.device_complaint, frappe.utils.format_datetime(received))
			)

	def set_deadlines(self):
		for fieldname in DUE_FIELDS.values():
			self.set(fieldname, None)
		for deadline in self.deadlines():
			self.set(DUE_FIELDS[deadline.what], deadline.due)

	def deadlines(self):
		return reporting_deadlines(
			get_datetime(self.aware_at),
			self.severity,
			overseas=bool(self.is_overseas),
			group=bool(self.is_group_event),
		)

	def is_overdue(self, now=None) -> bool:
		reported = get_datetime(self.reported_on) if self.reported_on else None
		return any(is_overdue(deadline, reported, now or now_datetime()) for deadline in self.deadlines())

	def on_update(self):
		from medical_devices.md_quality.doctype.device_complaint.device_complaint import follow_report_clock

		follow_report_clock(self)

	def before_submit(self):
		self.reported_on = self.reported_on or now_datetime()
		controlled.allow(self, f"{__name__}.AdverseEventReport.before_submit", overdue=int(self.is_overdue()))


def flag_overdue_reports():
	"""Daily: mark reports whose deadline passed unreported, and remind the alert roles of those due soon."""
	from medical_devices.gsp.alerts import send_alert

	now = now_datetime()
	soon = []
	for name in frappe.get_all(
		"Adverse Event Report", filters={"docstatus": 0, "report_due": ("is", "set")}, pluck="name"
	):
		doc = frappe.get_doc("Adverse Event Report", name)
		overdue = int(doc.is_overdue(now))
		if overdue != doc.overdue:
			trail.set_values(
				"Adverse Event Report",
				name,
				{"overdue": overdue},
				f"{__name__}.flag_overdue_reports",
				stored_texts.ADVERSE_EVENT_OVERDUE.text(),
			)
		if overdue or (get_datetime(doc.report_due) - now).days < 2:
			soon.append(doc)
	if soon:
		send_alert(
			_("Adverse event reports due or overdue: {0}").format(len(soon)),
			"<br>".join(
				_("{0}: {1}, due {2}").format(doc.name, doc.item_name or doc.item_code, doc.report_due)
				for doc in soon
			),
			"Adverse Event Report",
		)
	return [doc.name for doc in soon]
