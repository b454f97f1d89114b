"""A device recall (CFDA Order 29): its scope from the trace engine, its deadlines, and on submit the batches
set to Recalled so that no path can ship them (GSP guard). A mock recall runs the same trace and records how long
it took, changing nothing."""

import datetime
import time

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import add_days, flt, getdate

from medical_devices import access, inputs, stored_texts
from medical_devices.audit import controlled, trail
from medical_devices.audit.origin import mark
from medical_devices.controls import RECALL_MANAGERS, RECALL_SCOPE_FIELDS
from medical_devices.devices import is_device
from medical_devices.gsp import rules
from medical_devices.gsp.batch_status import set_batch_status
from medical_devices.gsp.stock import batch_balances
from medical_devices.md_hospitals.consignment import recall_scope
from medical_devices.traceability.engine import scope

# Days from the start of the recall to notify customers, by recall class (Order 29 Art. 15).
NOTIFY_WITHIN_DAYS = {"Class I Recall": 1, "Class II Recall": 3, "Class III Recall": 7}
PLAN_WORKING_DAYS = 5


# Indicator colour of each status in the desk (medical_devices/boot.py): a recall in progress needs attention.
STATUS_COLOURS = {"Draft": "red", "Open": "orange", "Closed": "green"}


class DeviceRecall(Document):
	def validate(self):
		self.validate_batches()
		self.set_deadlines()
		self.compute_scope()

	def validate_batches(self):
		seen = set()
		for row in self.batches:
			if row.batch in seen:
				frappe.throw(
					_("Row {0}: batch {1} is listed twice.").format(
						row.idx, frappe.bold(row.batch_id or row.batch)
					)
				)
			seen.add(row.batch)
			if not is_device(row.item_code):
				frappe.throw(
					_("Row {0}: batch {1} is not of a medical device.").format(
						row.idx, frappe.bold(row.batch_id or row.batch)
					)
				)

	def set_deadlines(self):
		start = getdate(self.start_date)
		self.notify_by = add_days(start, NOTIFY_WITHIN_DAYS[self.recall_class])
		self.plan_due = add_working_days(start, PLAN_WORKING_DAYS)

	def compute_scope(self):
		started = time.perf_counter()
		affected, held = scope([row.batch for row in self.batches])
		self.flags.affected_batches = (
			affected  # on_submit follows validate in the same request: no second trace
		)
		stock = batch_balances(batches=affected)
		at_hospitals, implants = recall_scope(affected, stock)
		held = with_hospital_stock(held, at_hospitals, implants)
		self.trace_seconds = round(time.perf_counter() - started, 3)

		notified = {(row.customer, row.item_code, row.batch): row.notified_on for row in self.customers}
		self.set("customers", [])
		for entry in held:
			self.append(
				"customers",
				{
					"notified_on": notified.get((entry["customer"], entry["item_code"], entry["batch"])),
					"contact_email": customer_email(entry["customer"]),
					"customer": entry["customer"],
					"item_code": entry["item_code"],
					"batch": entry["batch"],
					"delivered_qty": entry["delivered"],
					"returned_qty": entry["returned"],
					"implanted_qty": entry["implanted"],
					"consignment_qty": entry["consignment"],
					"held_qty": entry["held"],
				},
			)
		self.set("stock", [])
		for entry in stock:
			self.append("stock", entry)
		self.set("implants", [])
		for entry in implants:
			self.append("implants", entry)
		self.affected_batches = "\n".join(
			frappe.db.get_value("Batch", batch, "batch_id") or batch for batch in affected
		)
		self.customers_affected = len({entry["customer"] for entry in held if entry["held"] > 0})
		self.total_shipped = sum(entry["delivered"] for entry in held)
		self.total_returned = sum(entry["returned"] for entry in held)
		self.total_in_stock = sum(flt(entry["qty"]) for entry in stock)
		self.recovery_rate = (
			flt(self.total_returned / self.total_shipped * 100, 2) if self.total_shipped else 0
		)
		self.notification_overdue = int(self.is_notification_overdue())
		controlled.allow_current(
			self,
			COMPUTE_SCOPE,
			*(field for field in RECALL_SCOPE_FIELDS if field != "last_progress_update"),
		)

	def is_notification_overdue(self, on_date=None) -> bool:
		if self.is_mock or self.docstatus != 1 or self.status == "Closed":
			return False
		waiting = [row for row in self.customers if row.held_qty > 0 and not row.notified_on]
		return bool(waiting) and getdate(on_date) > getdate(self.notify_by)

	def before_submit(self):
		controlled.allow(self, f"{__name__}.DeviceRecall.before_submit", status="Open")

	def on_submit(self):
		if self.is_mock:
			return
		reason = stored_texts.RECALLED.text(self.name, self.recall_class, self.reason)
		for batch in self.flags.affected_batches:
			status = frappe.db.get_value("Batch", batch, "md_batch_status")
			if rules.can_transition(status or rules.RELEASED, rules.RECALLED):
				set_batch_status(batch, rules.RECALLED, reason, "Device Recall", self.name, check_role=False)

	def before_cancel(self):
		stored = self.get_doc_before_save() or self  # what was submitted, not what a cancel request sends
		if not stored.is_mock:
			frappe.throw(
				_("A recall that was carried out cannot be cancelled; record its close-out instead."),
				title=_("Not Permitted"),
			)


def with_hospital_stock(
	held: list[dict], at_hospitals: dict[tuple, float], implants: list[dict]
) -> list[dict]:
	"""The customers' holdings with what is in their consignment stock (held by them, though still ours) and what
	their patients have of it (billed use, among what was delivered)."""
	implanted: dict[tuple, float] = {}
	for entry in implants:
		key = (entry["customer"], entry["item_code"], entry["batch"])
		implanted[key] = implanted.get(key, 0.0) + flt(entry["qty"])
	by_key = {(entry["customer"], entry["item_code"], entry["batch"]): entry for entry in held}
	for key in set(at_hospitals) | set(implanted):
		if key not in by_key:
			by_key[key] = {
				"customer": key[0],
				"item_code": key[1],
				"batch": key[2],
				"delivered": 0.0,
				"returned": 0.0,
				"held": 0.0,
			}
	for key, entry in by_key.items():
		entry["consignment"] = at_hospitals.get(key, 0.0)
		entry["implanted"] = implanted.get(key, 0.0)
		entry["held"] = entry["delivered"] - entry["returned"] + entry["consignment"]
	return sorted(
		by_key.values(), key=lambda entry: (entry["customer"], entry["item_code"], entry["batch"] or "")
	)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
	"""Monday to Friday; public holidays are not known here."""
	current = start
	while days:
		current += datetime.timedelta(days=1)
		if current.weekday() < 5:
			days -= 1
	return current


COMPUTE_SCOPE = f"{__name__}.DeviceRecall.compute_scope"
REFRESH_PROGRESS = f"{__name__}.refresh_progress"
CLOSE_RECALL = f"{__name__}.close_recall"
SEND_NOTICES = f"{__name__}.send_notices"


def refresh_progress(recall: str):
	"""Recompute what came back and what is still out, after a return or stock movement linked to the recall."""
	doc = frappe.get_doc("Device Recall", recall)
	if doc.docstatus != 1:
		return
	doc.compute_scope()
	controlled.allow(doc, REFRESH_PROGRESS, last_progress_update=frappe.utils.now_datetime())
	mark(doc, REFRESH_PROGRESS)
	doc.flags.ignore_validate_update_after_submit = True
	doc.flags.ignore_permissions = True
	doc.save()


MAX_TEXT = 20000  # a close-out is a few paragraphs, not a document


@frappe.whitelist(methods=["POST"])
@inputs.endpoint
def update_progress(recall: str) -> float:
	recall = access.record("Device Recall", recall)
	refresh_progress(recall)
	return frappe.db.get_value("Device Recall", recall, "recovery_rate")


@frappe.whitelist(methods=["POST"])
@inputs.endpoint
def close_recall(
	recall: str, effectiveness_check: str | None = None, summary_evaluation: str | None = None
) -> str:
	"""Close-out: the regulatory or quality manager records how the recall's effect was checked."""
	if not set(RECALL_MANAGERS) & set(frappe.get_roles()):
		frappe.throw(
			_("Only a Regulatory Affairs Manager or Quality Manager may close a recall."),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
	recall = access.record("Device Recall", recall, "write")
	effectiveness_check = inputs.text(
		effectiveness_check, _("Effectiveness Check"), required=False, max_length=MAX_TEXT
	)
	summary_evaluation = inputs.text(
		summary_evaluation, _("Summary Evaluation"), required=False, max_length=MAX_TEXT
	)
	if not effectiveness_check:
		frappe.throw(
			_("Describe the effectiveness check before closing the recall."), inputs.InvalidInputError
		)
	doc = frappe.get_doc("Device Recall", recall)
	if doc.docstatus != 1 or doc.status == "Closed":
		frappe.throw(_("Only an open, submitted recall can be closed."))
	doc.compute_scope()
	controlled.allow(
		doc,
		CLOSE_RECALL,
		status="Closed",
		closed_on=frappe.utils.today(),
		effectiveness_check=effectiveness_check.strip(),
	)
	if (summary_evaluation or "").strip():
		doc.summary_evaluation = summary_evaluation.strip()
	doc.md_reason = stored_texts.RECALL_CLOSED.text(effectiveness_check.strip())
	mark(doc, CLOSE_RECALL)
	doc.flags.ignore_validate_update_after_submit = True
	doc.flags.ignore_permissions = True
	doc.save()
	return doc.status


def customer_email(customer: str) -> str | None:
	"""The customer's primary contact e-mail, else any contact's."""
	email = frappe.db.get_value("Customer", customer, "email_id")
	if email:
		return email
	link = frappe.qb.DocType("Dynamic Link")
	contact = frappe.qb.DocType("Contact")
	rows = (
		frappe.qb.from_(contact)
		.join(link)
		.on(link.parent == contact.name)
		.select(contact.email_id)
		.where(link.link_doctype == "Customer")
		.where(link.link_name == customer)
		.where(link.parenttype == "Contact")
		.where(contact.email_id.isnotnull() & (contact.email_id != ""))
		.orderby(contact.is_primary_contact, order=frappe.qb.desc)
		.limit(1)
		.run(pluck=True)
	)
	return rows[0] if rows else None


@frappe.whitelist(methods=["POST"])
@inputs.endpoint
def send_notices(recall: str) -> dict:
	"""E-mail the recall notice to every customer still holding affected stock and not yet notified; record when.

	Customers without an e-mail get the printed letter (print format Recall Notice) and stay listed as waiting.
	"""
	if not set(RECALL_MANAGERS) & set(frappe.get_roles()):
		frappe.throw(
			_("Only a Regulatory Affairs Manager or Quality Manager may send recall notices."),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
	doc = frappe.get_doc("Device Recall", access.record("Device Recall", recall, "write"))
	if doc.docstatus != 1 or doc.is_mock or doc.status != "Open":
		frappe.throw(_("Notices go out for an open, submitted recall that is not a mock recall."))
	sent, without_email = [], []
	now = frappe.utils.now_datetime()
	for row in doc.customers:
		if row.held_qty <= 0 or row.notified_on:
			continue
		if not row.contact_email:
			without_email.append(row.customer)
			continue
		frappe.sendmail(
			recipients=[row.contact_email],
			subject=_("Medical device recall {0}: {1}").format(
				doc.name, frappe.db.get_value("Batch", row.batch, "batch_id")
			),
			message=notice_body(doc, row),
			reference_doctype="Device Recall",
			reference_name=doc.name,
			delayed=True,
		)
		row.notified_on = now
		sent.append(row.customer)
	controlled.allow(doc, SEND_NOTICES, notification_overdue=int(doc.is_notification_overdue()))
	controlled.allow_current(doc, SEND_NOTICES, "customers")
	mark(doc, SEND_NOTICES)
	doc.flags.ignore_validate_update_after_submit = True
	doc.flags.ignore_permissions = True
	doc.save()
	return {"sent": sent, "without_email": without_email}


def notice_body(doc, row) -> str:
	item_name = frappe.db.get_value("Item", row.item_code, "item_name")
	return "<br>".join(
		[
			_("Recall {0} ({1}), started {2}.").format(
				doc.name, _(doc.recall_class), frappe.utils.formatdate(doc.start_date)
			),
			_("Device: {0} {1}, batch {2}; you received {3} and hold {4}.").format(
				row.item_code,
				item_name,
				frappe.db.get_value("Batch", row.batch, "batch_id"),
				row.delivered_qty,
				row.held_qty,
			),
			_("Reason: {0}").format(doc.reason),
			_(
				"Stop using and selling these units, keep them apart and return them to us; reply to confirm receipt of this notice."
			),
		]
	)


def flag_overdue_recalls():
	"""Daily: mark open recalls whose notification deadline passed with customers not yet notified."""
	for name in frappe.get_all(
		"Device Recall", filters={"docstatus": 1, "status": "Open", "is_mock": 0}, pluck="name"
	):
		doc = frappe.get_doc("Device Recall", name)
		overdue = int(doc.is_notification_overdue())
		if overdue != doc.notification_overdue:
			trail.set_values(
				"Device Recall",
				name,
				{"notification_overdue": overdue},
				f"{__name__}.flag_overdue_recalls",
				stored_texts.RECALL_NOTIFICATION_OVERDUE.text(),
			)
