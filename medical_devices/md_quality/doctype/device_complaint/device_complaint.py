"""A complaint about a medical device (客户投诉, ISO 13485 §8.2.2): which device it is (a scanned UDI fills item,
batch and serial), who has it (the customer and the delivery, from the trace), and the reportability decision. A
decision that the complaint is reportable opens its Adverse Event Report, whose statutory clock starts when the
company learned of the complaint and stays visible on the complaint. Decisions and closure are the quality and
regulatory roles' alone (medical_devices/controls.py)."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import escape_html, get_datetime, now_datetime, today

from medical_devices import access, inputs, stored_texts
from medical_devices.audit import controlled, trail
from medical_devices.audit.origin import REASON_MAX_LENGTH, clean_reason, mark
from medical_devices.controls import COMPLAINT_DECIDERS
from medical_devices.devices import is_device
from medical_devices.traceability.engine import trace_forward
from medical_devices.udi.scanning import MAX_SCAN_LENGTH, read_label

DOCTYPE = "Device Complaint"
VALIDATE = f"{__name__}.DeviceComplaint.validate"
DECIDE = f"{__name__}.decide_reportability"
CLOSE = f"{__name__}.close_complaint"
FOLLOW_CLOCK = f"{__name__}.follow_report_clock"
FOLLOW_AMENDMENT = f"{__name__}.follow_amendment"
REPORTABLE, NOT_REPORTABLE = "Reportable", "Not Reportable"
SEVERITIES = ("Death", "Serious Injury", "Other")
REPORT_SOURCES = ("Manufacturer", "Distributor", "User Facility")
DELIVERIES = ("Delivery Note", "Sales Invoice", "POS Invoice")
MAX_TEXT = 5000
# What the decision rests on: fixed once it is taken (a new fact is a new complaint, or a new decision).
DECIDED_ON_THESE = ("company", "received_on", "item_code", "batch", "serial_no", "udi", "customer")

# Indicator colour of each status in the desk (medical_devices/boot.py)
STATUS_COLOURS = {"Open": "red", "Investigating": "orange", "Closed": "green"}


class DeviceComplaint(inputs.CheckedDocument):
	def onload(self):
		self.set_onload("other_complaints", other_complaints(self))

	def validate(self):
		self.refuse_changes_after_decision()
		self.fill_from_udi()
		self.validate_device()
		if self.received_on and get_datetime(self.received_on) > now_datetime():
			frappe.throw(
				_("The time the complaint was received lies in the future."), inputs.InvalidInputError
			)
		if self.patient_outcome and not self.patient_involved:
			frappe.throw(_("A patient outcome needs Patient Involved."), inputs.InvalidInputError)
		if not self.reportability:  # the delivery the decision was taken on stays
			self.find_delivery()
			controlled.allow_current(self, VALIDATE, "delivery_doctype", "delivery")

	def refuse_changes_after_decision(self):
		before = None if self.is_new() else self.get_doc_before_save()
		if not before:
			return
		if before.status == "Closed" and not self.flags.md_by_function:
			frappe.throw(
				_("Complaint {0} is closed.").format(self.name),
				frappe.PermissionError,
				title=_("Not Permitted"),
			)
		if before.reportability:
			changed = [
				field
				for field in DECIDED_ON_THESE
				if str(before.get(field) or "") != str(self.get(field) or "")
			]
			if changed:
				frappe.throw(
					_(
						"Complaint {0} is decided: {1} cannot change (record a new complaint for a new fact)."
					).format(self.name, ", ".join(_(self.meta.get_label(field)) for field in changed)),
					frappe.PermissionError,
					title=_("Not Permitted"),
				)

	def fill_from_udi(self):
		"""The scanned label names the device: its identifier gives the item, its lot the batch, its serial."""
		self.udi = inputs.text(self.udi, _("Scanned UDI"), required=False, max_length=MAX_SCAN_LENGTH)
		self.serial_no = inputs.text(self.serial_no, _("Serial No"), required=False)
		if not (self.udi or "").strip():
			return
		label = read_label(self.udi)
		item = label.item_code
		if self.item_code and self.item_code != item:
			frappe.throw(
				_("The scanned label is of {0}, not of {1}.").format(
					frappe.bold(item), frappe.bold(self.item_code)
				),
				inputs.InvalidInputError,
			)
		self.item_code = item
		if label.lot:
			if not label.batch:
				frappe.throw(
					_(
						"No batch {0} of {1} is on record: check the label, or record the complaint without it."
					).format(frappe.bold(escape_html(label.lot)), frappe.bold(item)),
					inputs.InvalidInputError,
				)
			self.batch = label.batch
		if label.serial_no:
			self.serial_no = label.serial_no[:140]

	def validate_device(self):
		if not is_device(self.item_code):
			frappe.throw(_("{0} is not a medical device.").format(frappe.bold(self.item_code)))
		if self.batch and frappe.db.get_value("Batch", self.batch, "item") != self.item_code:
			frappe.throw(
				_("Batch {0} is not of {1}.").format(frappe.bold(self.batch), frappe.bold(self.item_code)),
				inputs.InvalidInputError,
			)

	def find_delivery(self):
		"""The latest delivery of the batch or serial number to the customer (or, when none is named and all went
		to one customer, to that customer), from the trace engine: deliveries of the complaint's company that the
		user may read, so that a complaint is no window onto deliveries they may not see."""
		self.delivery_doctype = self.delivery = None
		deliveries = readable(deliveries_of(self.batch, self.serial_no, self.item_code), self.company)
		if not self.customer and len({row["party"] for row in deliveries}) == 1:
			self.customer = deliveries[0]["party"]
		mine = [row for row in deliveries if row["party"] == self.customer]
		if mine:
			latest = max(mine, key=lambda row: (str(row["posting_date"]), row["voucher_no"]))
			self.delivery_doctype, self.delivery = latest["voucher_type"], latest["voucher_no"]


def deliveries_of(batch: str | None, serial_no: str | None, item_code: str | None) -> list[dict]:
	if not batch and not (
		serial_no and frappe.db.get_value("Serial No", serial_no, "item_code") == item_code
	):
		return []
	nodes = trace_forward(batch=batch) if batch else trace_forward(serial_no=serial_no)
	return [
		node
		for node in nodes
		if node["node"] == "movement"
		and node["party_type"] == "Customer"
		and node["voucher_type"] in DELIVERIES
		and node["qty"] < 0
		and (not batch or node["batch"] == batch)
	]


def readable(deliveries: list[dict], company: str) -> list[dict]:
	"""The deliveries of `company` the user may read: one permission-aware query per voucher type."""
	vouchers: dict[str, set[str]] = {}
	for row in deliveries:
		vouchers.setdefault(row["voucher_type"], set()).add(row["voucher_no"])
	allowed = {
		(doctype, name)
		for doctype, names in vouchers.items()
		if frappe.has_permission(doctype, "read")  # else get_list refuses rather than returning none
		for name in frappe.get_list(
			doctype, filters={"name": ("in", sorted(names)), "company": company}, pluck="name"
		)
	}
	return [row for row in deliveries if (row["voucher_type"], row["voucher_no"]) in allowed]


def other_complaints(doc) -> list[dict]:
	"""Other complaints on the same batch (or item, when no batch is known) that the user may read."""
	if doc.is_new() and not doc.item_code:
		return []
	filters = {"batch": doc.batch} if doc.batch else {"item_code": doc.item_code}
	return frappe.get_list(
		DOCTYPE,
		filters={**filters, "name": ("!=", doc.name or "")},
		fields=["name", "status", "received_on", "failure_mode", "reportability"],
		order_by="received_on desc",
		limit=20,
	)


def may_decide(user: str | None = None) -> bool:
	return bool(set(COMPLAINT_DECIDERS) & set(frappe.get_roles(user)))


def refuse_unless_decider(what: str):
	if not may_decide():
		frappe.throw(
			_("Only a Regulatory Affairs Manager or Quality Manager may {0}.").format(what),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)


@frappe.whitelist(methods=["POST"])
@inputs.endpoint
def decide_reportability(
	complaint: str,
	reportable,
	reason: str,
	severity: str | None = None,
	report_source: str | None = None,
	death_at: str | None = None,
) -> dict:
	"""Record whether the complaint is reportable, who decided, when and why. A reportable complaint opens its
	Adverse Event Report (a draft for the reporter to complete), aware from the time the complaint was received."""
	refuse_unless_decider(_("decide whether a complaint is reportable"))
	complaint = access.record(DOCTYPE, complaint, "write")
	reportable = inputs.flag(reportable, _("Reportable"))
	reason = clean_reason(inputs.text(reason, _("Reason for the Decision"), max_length=REASON_MAX_LENGTH))
	doc = frappe.get_doc(DOCTYPE, complaint)
	if doc.status == "Closed":
		frappe.throw(_("Complaint {0} is closed.").format(doc.name), inputs.InvalidInputError)
	if doc.reportability == REPORTABLE:
		frappe.throw(
			_("Complaint {0} is already reportable: Adverse Event Report {1}.").format(
				doc.name, doc.adverse_event_report
			),
			inputs.InvalidInputError,
		)
	if not reportable and doc.reportability == NOT_REPORTABLE:
		frappe.throw(
			_(
				"Complaint {0} is already decided not reportable; decide it reportable if new facts say so."
			).format(doc.name),
			inputs.InvalidInputError,
		)
	report = None
	if reportable:
		severity = inputs.choice(severity, _("Severity"), SEVERITIES)
		report_source = inputs.choice(report_source, _("Report Source"), REPORT_SOURCES, required=False)
		death = inputs.date_time(death_at, _("Time of Death"), required=False)
		report = open_adverse_event_report(doc, severity, report_source or "Distributor", death)
	controlled.allow(
		doc,
		DECIDE,
		reportability=REPORTABLE if reportable else NOT_REPORTABLE,
		reportability_reason=reason,
		decided_by=frappe.session.user,
		decided_on=now_datetime(),
		adverse_event_report=report.name if report else None,
		report_due=report.report_due if report else None,
		status="Investigating",
	)
	doc.md_reason = reason
	mark(doc, DECIDE)
	doc.flags.ignore_permissions = True  # the decider's write permission was checked above
	doc.save()
	return {
		"reportability": doc.reportability,
		"adverse_event_report": doc.adverse_event_report,
		"report_due": doc.report_due,
	}


def open_adverse_event_report(doc, severity: str, report_source: str, death_at=None):
	report = frappe.new_doc("Adverse Event Report")
	report.update(
		{
			"company": doc.company,
			"report_source": report_source,
			"report_date": today(),
			"aware_at": doc.received_on,
			"severity": severity,
			"death_at": death_at,
			"item_code": doc.item_code,
			"batch": doc.batch,
			"serial_no": doc.serial_no,
			"udi": doc.udi,
			"event_date": doc.event_date,
			"event_manifestation": doc.description[:MAX_TEXT],
			"event_description": doc.description,
		}
	)
	controlled.allow(report, DECIDE, device_complaint=doc.name)
	report.flags.md_opened_by_decision = True  # the decision itself shows its deadline on the complaint
	report.insert()
	return report


def follow_report_clock(report):
	"""Adverse Event Report.on_update: the complaint shows its report's deadline as the report now sets it."""
	if not report.device_complaint or report.flags.md_opened_by_decision:
		return
	due, status = frappe.db.get_value(DOCTYPE, report.device_complaint, ["report_due", "status"])
	if status == "Closed":
		return
	if (get_datetime(due) if due else None) == (
		get_datetime(report.report_due) if report.report_due else None
	):
		return
	trail.set_values(
		DOCTYPE,
		report.device_complaint,
		{"report_due": report.report_due},
		FOLLOW_CLOCK,
		stored_texts.COMPLAINT_CLOCK.text(report.name),
	)


def follow_amendment(report):
	"""Adverse Event Report.after_insert: the amendment of the complaint's cancelled report is its report now,
	with its deadline."""
	if not report.amended_from or not report.device_complaint:
		return
	current, status = frappe.db.get_value(
		DOCTYPE, report.device_complaint, ["adverse_event_report", "status"]
	) or (None, None)
	if current != report.amended_from or status == "Closed":
		return
	trail.set_values(
		DOCTYPE,
		report.device_complaint,
		{"adverse_event_report": report.name, "report_due": report.report_due},
		FOLLOW_AMENDMENT,
		stored_texts.COMPLAINT_REPORT_AMENDED.text(report.amended_from, report.name),
	)


@frappe.whitelist(methods=["POST"])
@inputs.endpoint
def close_complaint(complaint: str, reason: str) -> str:
	"""Close a decided and investigated complaint, with the conclusion as the reason."""
	refuse_unless_decider(_("close a complaint"))
	complaint = access.record(DOCTYPE, complaint, "write")
	reason = clean_reason(inputs.text(reason, _("Conclusion"), max_length=REASON_MAX_LENGTH))
	doc = frappe.get_doc(DOCTYPE, complaint)
	if doc.status == "Closed":
		frappe.throw(_("Complaint {0} is closed.").format(doc.name), inputs.InvalidInputError)
	if not doc.reportability:
		frappe.throw(
			_("Decide whether the complaint is reportable before closing it."), inputs.InvalidInputError
		)
	if not (doc.investigation or "").strip():
		frappe.throw(_("Record the investigation before closing the complaint."), inputs.InvalidInputError)
	if (
		doc.reportability == REPORTABLE
		and frappe.db.get_value("Adverse Event Report", doc.adverse_event_report, "docstatus") != 1
	):
		frappe.throw(
			_("Submit Adverse Event Report {0} before closing the complaint.").format(
				doc.adverse_event_report
			),
			inputs.InvalidInputError,
		)
	controlled.allow(doc, CLOSE, status="Closed", closed_by=frappe.session.user, closed_on=now_datetime())
	doc.md_reason = reason
	mark(doc, CLOSE)
	doc.flags.ignore_permissions = True
	doc.save()
	return doc.status
