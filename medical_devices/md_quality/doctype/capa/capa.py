"""Corrective and preventive action (纠正预防措施, ISO 13485 §8.5.2/8.5.3): where the problem was seen (complaints,
nonconformances, audits, trends), why it happened (five whys, fishbone), what is done about it (actions, each a
Frappe ToDo of its owner with its due date), whether that worked (the effectiveness check, recorded no earlier
than the set period after the last action), and the closure: the submit, by a Quality Manager, signed
(`md_signed_actions`). The daily job reminds owners of overdue actions and checks. Its cost is what its Quality
Cost Entries post to its batch (medical_devices/md_finance/figures.py)."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import add_days, cint, flt, getdate, now_datetime, today

from medical_devices import access, inputs, stored_texts
from medical_devices.audit import controlled, trail
from medical_devices.audit.origin import REASON_MAX_LENGTH, clean_reason, mark
from medical_devices.medical_devices.doctype.medical_device_settings.medical_device_settings import (
	get_settings,
)

DOCTYPE = "CAPA"
VALIDATE = f"{__name__}.CAPA.validate"
CHECK = f"{__name__}.record_effectiveness"
CLOSE = f"{__name__}.CAPA.before_submit"
LINK_SOURCES = f"{__name__}.CAPA.link_sources"
LINKED_SOURCES = ("Device Complaint", "Device Nonconformance")
CLOSERS = ("Quality Manager",)
CHECKERS = ("Quality Manager", "QA Reviewer")
SOURCE_DOCTYPES = {
	"Device Complaint": "Device Complaint",
	"Device Nonconformance": "Device Nonconformance",
	"Supplier Audit": "Supplier Audit",
}
EFFECTIVE, NOT_EFFECTIVE = "Effective", "Not Effective"
COMPLETED = "Completed"  # an action's status
STATUS_COLOURS = {"Open": "red", "In Progress": "orange", "Effectiveness Check": "blue", "Closed": "green"}


class CAPA(inputs.CheckedDocument):
	def before_insert(self):
		if self.get("effectiveness_period_days") in (None, ""):
			self.effectiveness_period_days = cint(get_settings().get("capa_effectiveness_days") or 90)

	def before_validate(self):
		for row in self.sources:  # before the links are checked
			row.reference_doctype = SOURCE_DOCTYPES.get(row.source_type)

	def validate(self):
		if self.docstatus == 0 and self.is_new():
			self.effectiveness_result = self.effectiveness_evidence = None
			self.effectiveness_checked_by = self.effectiveness_checked_on = None
		self.validate_sources()
		self.validate_actions()
		self.set_effectiveness_due()
		self.set_status()
		self.cost = capa_cost(self.name) if not self.is_new() else 0
		controlled.allow_current(self, VALIDATE, "status", "effectiveness_due", "cost")

	def validate_sources(self):
		for row in self.sources:
			row.reference_doctype = SOURCE_DOCTYPES.get(row.source_type)
			if row.reference_doctype and not row.reference_name:
				frappe.throw(_("Sources row {0}: name the {1}.").format(row.idx, _(row.source_type)))
			if not row.reference_doctype:
				row.reference_name = None
				if not (row.details or "").strip():
					frappe.throw(_("Sources row {0}: describe the source.").format(row.idx))
		if self.batch and frappe.db.get_value("Batch", self.batch, "item") != (self.item_code or ""):
			if not self.item_code:
				self.item_code = frappe.db.get_value("Batch", self.batch, "item")
			else:
				frappe.throw(_("Batch {0} is not of {1}.").format(self.batch, self.item_code))

	def validate_actions(self):
		before = {
			row.name: row for row in (self.get_doc_before_save() or frappe._dict()).get("actions") or []
		}
		for row in self.actions:
			old = before.get(row.name)
			if row.status == COMPLETED:
				if not (row.evidence or "").strip():
					frappe.throw(_("Action {0}: record the evidence that it is done.").format(row.idx))
				# the day it was marked done, by the server: a backdated completion would shorten the wait
				row.completed_on = old.completed_on if old and old.status == COMPLETED else today()
			else:
				row.completed_on = None
			if old and old.status == COMPLETED and row.status != COMPLETED and self.effectiveness_result:
				frappe.throw(_("The effectiveness is recorded: its actions cannot be reopened."))

	def set_effectiveness_due(self):
		done = [getdate(row.completed_on) for row in self.actions if row.status == COMPLETED]
		if self.actions and len(done) == len(self.actions):
			due = getdate(add_days(max(done), cint(self.effectiveness_period_days)))
			stored = self.get_doc_before_save() and self.get_doc_before_save().effectiveness_due
			self.effectiveness_due = max(due, getdate(stored)) if stored else due  # it never comes earlier
		else:
			self.effectiveness_due = None

	def on_change(self):
		"""Every path (a save that skips validate included): a completion date is the day it was marked done."""
		before = {
			row.name: row for row in (self.get_doc_before_save() or frappe._dict()).get("actions") or []
		}
		for row in self.actions:
			old = before.get(row.name)
			kept = (
				old and old.status == COMPLETED and str(old.completed_on or "") == str(row.completed_on or "")
			)
			marked_today = (not old or old.status != COMPLETED) and (
				not row.completed_on or getdate(row.completed_on) == getdate(today())
			)
			if row.status == COMPLETED and not (kept or marked_today):
				frappe.throw(
					_("Action {0}: its completion date is the day it was marked done.").format(row.idx),
					frappe.PermissionError,
					title=_("Not Permitted"),
				)

	def set_status(self):
		if self.docstatus == 1:
			self.status = "Closed"
		elif self.effectiveness_due:
			self.status = "Effectiveness Check"
		elif any(row.status == COMPLETED for row in self.actions) or self.root_cause:
			self.status = "In Progress"
		else:
			self.status = "Open"

	def on_update(self):
		sync_todos(self)
		self.link_sources()

	def link_sources(self):
		"""The complaints and nonconformances it acts on name it (the first CAPA that takes them up)."""
		for row in self.sources:
			if row.reference_doctype not in LINKED_SOURCES or not row.reference_name:
				continue
			if not frappe.db.get_value(row.reference_doctype, row.reference_name, "capa"):
				trail.set_values(
					row.reference_doctype,
					row.reference_name,
					{"capa": self.name},
					LINK_SOURCES,
					stored_texts.CAPA_OPENED.text(self.name),
				)

	def before_submit(self):
		if not set(CLOSERS) & set(frappe.get_roles()):
			frappe.throw(
				_("Only a Quality Manager closes a CAPA."), frappe.PermissionError, title=_("Not Permitted")
			)
		problems = []
		if not (self.root_cause or "").strip():
			problems.append(_("the root cause is not recorded"))
		if not self.actions:
			problems.append(_("it has no action"))
		open_actions = [str(row.idx) for row in self.actions if row.status != COMPLETED]
		if open_actions:
			problems.append(_("actions {0} are not done").format(", ".join(open_actions)))
		if self.effectiveness_result != EFFECTIVE:
			problems.append(_("its effectiveness has not been checked as effective"))
		if problems:
			frappe.throw(
				_("CAPA {0} cannot close: {1}.").format(self.name, "; ".join(problems)),
				inputs.InvalidInputError,
				title=_("CAPA Not Ready"),
			)
		controlled.allow(
			self, CLOSE, closed_by=frappe.session.user, closed_on=now_datetime(), status="Closed"
		)

	def on_submit(self):
		sync_todos(self)

	def before_cancel(self):
		frappe.throw(
			_("A closed CAPA stays closed: open a new CAPA if the problem returns."),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)


def capa_cost(name: str) -> float:
	entry = frappe.qb.DocType("Quality Cost Entry")
	total = frappe.query_builder.functions.Sum(entry.amount)
	return flt(
		frappe.qb.from_(entry)
		.select(total)
		.where(entry.docstatus == 1)
		.where(entry.quality_record_type == DOCTYPE)
		.where(entry.quality_record == name)
		.run()[0][0],
		2,
	)


def sync_todos(doc):
	"""Each open action is an open ToDo of its owner, due when the action is; a done one's ToDo is closed."""
	for row in doc.actions:
		todo = (
			frappe.db.get_value("ToDo", row.todo, ["name", "status", "allocated_to"], as_dict=True)
			if row.todo
			else None
		)
		wanted_open = row.status != COMPLETED and doc.docstatus == 0
		if todo and (todo.allocated_to != row.assigned_to or not wanted_open):
			if todo.status == "Open":
				frappe.db.set_value("ToDo", todo.name, "status", "Closed" if not wanted_open else "Cancelled")
			if wanted_open:
				todo = None
		if wanted_open and not todo:
			new = frappe.get_doc(
				{
					"doctype": "ToDo",
					"allocated_to": row.assigned_to,
					"reference_type": DOCTYPE,
					"reference_name": doc.name,
					"description": _("CAPA {0}, action {1}: {2}").format(doc.name, row.idx, row.description),
					"date": row.due_date,
					"assigned_by": frappe.session.user,
					"priority": "High" if doc.capa_type == "Corrective" else "Medium",
				}
			)
			new.flags.ignore_permissions = True  # the CAPA's writer assigns its actions
			new.insert()
			row.db_set("todo", new.name, update_modified=False)
		elif todo and wanted_open and todo.status != "Open":
			frappe.db.set_value("ToDo", todo.name, "status", "Open")


@frappe.whitelist(methods=["POST"])
@inputs.endpoint
def record_effectiveness(capa: str, result: str, evidence: str) -> str:
	"""The effectiveness check: no earlier than its due date (the set period after the last action)."""
	if not set(CHECKERS) & set(frappe.get_roles()):
		frappe.throw(
			_("Only a Quality Manager or QA Reviewer checks a CAPA's effectiveness."),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
	capa = access.record(DOCTYPE, capa, "write")
	result = inputs.choice(result, _("Effectiveness"), (EFFECTIVE, NOT_EFFECTIVE))
	evidence = clean_reason(inputs.text(evidence, _("Evidence"), max_length=REASON_MAX_LENGTH))
	doc = frappe.get_doc(DOCTYPE, capa)
	if doc.docstatus != 0:
		frappe.throw(_("CAPA {0} is closed.").format(doc.name), inputs.InvalidInputError)
	if not doc.effectiveness_due:
		frappe.throw(
			_("Complete every action first: the check follows the last one."), inputs.InvalidInputError
		)
	if getdate(today()) < getdate(doc.effectiveness_due):
		frappe.throw(
			_("The effectiveness check of CAPA {0} is due on {1}: too early to judge.").format(
				doc.name, frappe.utils.formatdate(doc.effectiveness_due)
			),
			inputs.InvalidInputError,
		)
	controlled.allow(
		doc,
		CHECK,
		effectiveness_result=result,
		effectiveness_evidence=evidence,
		effectiveness_checked_by=frappe.session.user,
		effectiveness_checked_on=today(),
	)
	doc.md_reason = evidence
	mark(doc, CHECK)
	doc.flags.ignore_permissions = True
	doc.save()
	return doc.effectiveness_result


@frappe.whitelist()
@inputs.endpoint
def make_capa(source_doctype: str, source_name: str) -> dict:
	"""A new CAPA filled from a complaint, nonconformance or supplier audit, for the form to open."""
	source_doctype = inputs.choice(source_doctype, _("Source"), tuple(SOURCE_DOCTYPES))
	source_name = access.record(source_doctype, source_name)
	doc = frappe.get_doc(source_doctype, source_name)
	problem = doc.get("description") or doc.get("findings_summary") or ""
	return {
		"doctype": DOCTYPE,
		"company": doc.get("company"),
		"title": _("{0} {1}").format(_(source_doctype), doc.name),
		"responsible": frappe.session.user,
		"item_code": doc.get("item_code"),
		"batch": doc.get("batch"),
		"problem": problem,
		"sources": [
			{"source_type": source_doctype, "reference_doctype": source_doctype, "reference_name": doc.name}
		],
	}


def alert_overdue():
	"""Daily: owners of overdue actions, and those responsible for due effectiveness checks, are told (once a
	day each, however often the job runs)."""
	on = getdate(today())
	rows = frappe.db.sql(
		"""select capa.name, capa.title, action.idx, action.assigned_to, action.due_date, action.description
		from `tabCAPA Action` action join `tabCAPA` capa on capa.name = action.parent
		where capa.docstatus = 0 and action.status != 'Completed' and action.due_date < %(on)s""",
		{"on": on},
		as_dict=True,
	)
	for row in rows:
		notify(
			row.assigned_to,
			row.name,
			_("CAPA {0}: action {1} was due on {2}").format(
				row.name, row.idx, frappe.utils.formatdate(row.due_date)
			),
		)
	for capa in frappe.get_all(
		DOCTYPE,
		filters={"docstatus": 0, "effectiveness_due": ("<=", on), "effectiveness_result": ("in", ("", None))},
		fields=["name", "responsible", "effectiveness_due"],
	):
		notify(
			capa.responsible,
			capa.name,
			_("CAPA {0}: its effectiveness check is due since {1}").format(
				capa.name, frappe.utils.formatdate(capa.effectiveness_due)
			),
		)


def notify(user: str, capa: str, subject: str):
	if not user or frappe.db.exists(
		"Notification Log",
		{
			"for_user": user,
			"document_type": DOCTYPE,
			"document_name": capa,
			"subject": subject,
			"creation": (">=", today()),
		},
	):
		return
	frappe.get_doc(
		{
			"doctype": "Notification Log",
			"for_user": user,
			"type": "Alert",
			"document_type": DOCTYPE,
			"document_name": capa,
			"subject": subject,
		}
	).insert(ignore_permissions=True)
