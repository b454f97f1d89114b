"""A loaner set's loan to a surgery (跟台): the set goes to the hospital complete and sterilised, to a qualified
hospital; its return counts what came back, bills the implants used (a missing implant is billed as used), charges
the hospital for a missing instrument or writes it off, and leaves the set for reprocessing
(medical_devices/md_hospitals/loaner_sets.py)."""

import frappe
from frappe import _
from frappe.utils import flt, get_datetime, now_datetime

from medical_devices import access, inputs, stored_texts
from medical_devices.audit import controlled
from medical_devices.audit.origin import mark
from medical_devices.controls import SET_REPROCESSORS
from medical_devices.gsp.overrides.transaction import party_problems
from medical_devices.gsp.qualification import QualificationError
from medical_devices.md_finance.ledger import BATCH_FIELD
from medical_devices.md_hospitals import billing, loaner_sets
from medical_devices.md_hospitals.doctype.consignment_usage_report.consignment_usage_report import (
	patient_record_for,
)
from medical_devices.medical_devices import ledger
from medical_devices.medical_devices.doctype.medical_device_settings.medical_device_settings import (
	controls_enabled,
)

VALIDATE = f"{__name__}.LoanerSetLoan.validate"
LEND = f"{__name__}.LoanerSetLoan.before_submit"
RECORD_RETURN = f"{__name__}.record_return"
REPROCESSED = f"{__name__}.record_reprocessing"
SET_LOAN = f"{__name__}.set_current_loan"
CHARGE, WRITE_OFF = "Charge Hospital", "Write Off"
STATUS_COLOURS = {"Draft": "red", "On Loan": "blue", "Returned": "green", "Cancelled": "grey"}


class LoanNotAllowedError(frappe.ValidationError):
	pass


class LoanerSetLoan(inputs.CheckedDocument):
	def validate(self):
		loaner_set = frappe.get_doc("Loaner Set", self.loaner_set)
		if loaner_set.company != self.company:
			frappe.throw(
				_("Loaner set {0} belongs to {1}.").format(loaner_set.name, loaner_set.company),
				inputs.InvalidInputError,
			)
		if self.docstatus == 0:
			self.set("items", [])
			for row in loaner_sets.loan_rows(loaner_set):
				self.append("items", row)
			controlled.allow_current(self, VALIDATE, "items")
			controlled.allow(
				self,
				VALIDATE,
				status="Draft",
				loaned_on=None,
				returned_on=None,
				received_by=None,
				sales_invoice=None,
				write_off_entry=None,
				sterilised_on=None,
				sterilisation_batch=None,
				sterilised_by=None,
				turnaround_days=None,
			)

	def before_submit(self):
		# what goes out is what the set holds now, whatever it held when the draft was saved
		self.set("items", [])
		for row in loaner_sets.loan_rows(frappe.get_doc("Loaner Set", self.loaner_set)):
			self.append("items", row)
		controlled.allow_current(self, LEND, "items")
		loaner_sets.refresh_status(self.loaner_set)
		status, missing = frappe.db.get_value("Loaner Set", self.loaner_set, ["status", "missing"])
		if status != loaner_sets.AVAILABLE:
			frappe.throw(
				_("Loaner set {0} cannot go out: it is {1}.").format(
					frappe.bold(self.loaner_set), _(status, context="Loaner Set")
				)
				+ (f"<br>{frappe.utils.escape_html(missing)}" if missing else ""),
				LoanNotAllowedError,
				title=_("Set Not Ready"),
			)
		if controls_enabled():
			problems = party_problems(
				"Customer", self.customer, loaner_sets.device_rows(self.items), frappe.utils.getdate()
			)
			if problems:
				frappe.throw(
					"<br>".join(dict.fromkeys(problems)), QualificationError, title=_("Qualification Missing")
				)
		controlled.allow(self, LEND, status="On Loan", loaned_on=now_datetime())

	def on_submit(self):
		set_current_loan(self.loaner_set, self.name)

	def before_cancel(self):
		stored = self.get_doc_before_save() or self
		if stored.status != "On Loan" or stored.returned_on:
			frappe.throw(
				_("A loan that came back is on record: it is not cancelled."), title=_("Not Permitted")
			)
		controlled.allow(self, LEND, status="Cancelled")

	def on_cancel(self):
		set_current_loan(self.loaner_set, None)


def set_current_loan(loaner_set: str, loan: str | None):
	doc = frappe.get_doc("Loaner Set", loaner_set)
	controlled.allow(doc, SET_LOAN, current_loan=loan)
	mark(doc, SET_LOAN)
	doc.flags.ignore_permissions = True
	doc.save()
	loaner_sets.refresh_status(loaner_set)


@frappe.whitelist(methods=["POST"])
@inputs.endpoint
def record_return(loan: str, rows, hospital_record_no: str | None = None) -> dict:
	"""The set is back: `rows` [{row: the loan row's name, returned_qty, used_qty, resolution}] for every row of the
	loan. Implants used (and missing ones) are billed to the hospital with the surgery and the patient; a missing
	instrument is charged to the hospital or written off. Returns what was posted."""
	if not set(SET_REPROCESSORS) & set(frappe.get_roles()):
		frappe.throw(
			_("Only stock or quality staff receive a loaner set back."),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
	loan = access.record("Loaner Set Loan", loan)
	rows = inputs.json_list(rows, _("Rows"), max_items=1000)
	record_no = inputs.text(hospital_record_no, _("Hospital Record No."), required=False)
	doc = frappe.get_doc("Loaner Set Loan", loan)
	if doc.docstatus != 1 or doc.status != "On Loan":
		frappe.throw(
			_("Loan {0} is not out: its return is on record.").format(loan), inputs.InvalidInputError
		)
	counted = {}
	for entry in rows:
		if not isinstance(entry, dict) or not isinstance(entry.get("row"), str) or not entry["row"]:
			inputs.refuse(_("Rows"), _("each row names the loan's row"))
		counted[entry["row"]] = entry
	by_name = {row.name: row for row in doc.items}
	if set(counted) != set(by_name):
		inputs.refuse(_("Rows"), _("count every row of the loan, and only those"))
	for row in doc.items:
		count_row(row, counted[row.name])
	used = [row for row in doc.items if flt(row.used_qty) > 0]
	if used and not (record_no and record_no.strip()):
		frappe.throw(
			_("Implants were used: enter the patient's hospital record number."),
			inputs.InvalidInputError,
			title=_("Implant Traceability"),
		)
	if used:
		patient = patient_record_for(doc.company, doc.customer, record_no)
		reference = frappe.db.get_value("Patient Record", patient, "patient_reference")
		for row in used:
			row.patient_record, row.patient_reference = patient, reference
	moment = now_datetime()
	controlled.allow_current(doc, RECORD_RETURN, "items")
	values = {"status": "Returned", "returned_on": moment, "received_by": frappe.session.user}
	billed = [
		row for row in doc.items if flt(row.used_qty) > 0 or (row.resolution == CHARGE and row.missing_qty)
	]
	if billed:
		values["sales_invoice"] = bill(doc, billed)
	lost = [row for row in doc.items if row.resolution == WRITE_OFF and flt(row.missing_qty) > 0]
	if lost:
		values["write_off_entry"] = write_off(doc, lost)
	controlled.allow(doc, RECORD_RETURN, **values)
	with stored_texts.in_site_language():
		doc.md_reason = _("Loaner set {0} returned").format(doc.loaner_set)
	mark(doc, RECORD_RETURN)
	doc.flags.ignore_validate_update_after_submit = True
	doc.flags.ignore_permissions = True
	doc.save()
	set_current_loan(doc.loaner_set, None)
	return {"sales_invoice": doc.sales_invoice, "write_off_entry": doc.write_off_entry}


def count_row(row, entry):
	returned = inputs.number(entry.get("returned_qty"), _("Came Back"), required=False) or 0
	used = inputs.number(entry.get("used_qty"), _("Used in Surgery"), required=False) or 0
	resolution = inputs.choice(
		entry.get("resolution"), _("Missing Resolution"), ("", CHARGE, WRITE_OFF), required=False
	)
	where = _("Row #{0}").format(row.idx)
	if returned < 0 or used < 0 or returned + used > flt(row.qty) + 1e-9:
		frappe.throw(
			_("{0}: {1} went out; returned and used cannot be more.").format(where, flt(row.qty)),
			inputs.InvalidInputError,
		)
	if row.serial_no and returned + used not in (0, 1) and flt(row.qty) == 1:
		frappe.throw(_("{0}: one serial number is one unit.").format(where), inputs.InvalidInputError)
	missing = flt(row.qty) - returned - used
	if row.component == "Instrument":
		if used:
			frappe.throw(
				_("{0}: {1} is an instrument: it comes back or is missing, it is not used up.").format(
					where, row.item_code
				),
				inputs.InvalidInputError,
			)
		if missing > 1e-9 and resolution not in (CHARGE, WRITE_OFF):
			frappe.throw(
				_("{0}: {1} of {2} is missing: charge the hospital or write it off.").format(
					where, flt(missing), row.item_code
				),
				inputs.InvalidInputError,
			)
	else:
		used, missing, resolution = used + missing, 0, None  # a missing implant is billed as used
	row.returned_qty, row.used_qty, row.missing_qty = returned, used, missing
	row.resolution = resolution if missing > 1e-9 else None


def bill(doc, rows) -> str:
	"""The Sales Invoice of the implants used and the instruments charged, out of the set's warehouse."""
	warehouse = frappe.db.get_value("Loaner Set", doc.loaner_set, "warehouse")
	invoice = frappe.new_doc("Sales Invoice")
	invoice.update(
		{
			"company": doc.company,
			"customer": doc.customer,
			"update_stock": 1,
			"set_warehouse": warehouse,
			"remarks": _("Loaner set {0}, surgery of {1} by {2}").format(
				doc.loaner_set, doc.surgery_date, doc.surgeon
			),
		}
	)
	billing.set_customer_terms(invoice)
	controlled.allow(invoice, RECORD_RETURN, **{loaner_sets.LOAN_FIELD: doc.name})
	for row in rows:
		invoice.append(
			"items",
			{
				"item_code": row.item_code,
				"qty": flt(row.used_qty) or flt(row.missing_qty),
				"warehouse": warehouse,
				"batch_no": row.batch_no,
				"serial_no": row.serial_no,
				"use_serial_batch_fields": 1,
				"md_surgery_date": doc.surgery_date if flt(row.used_qty) else None,
				"md_patient_reference": row.patient_reference if flt(row.used_qty) else None,
			},
		)
	invoice.run_method("set_missing_values")
	invoice.run_method("calculate_taxes_and_totals")
	invoice.flags.ignore_permissions = True  # receiving the set back is the permission to bill what it lacks
	invoice.insert()
	invoice.submit()
	return invoice.name


def write_off(doc, rows) -> str:
	warehouse = frappe.db.get_value("Loaner Set", doc.loaner_set, "warehouse")
	account = loss_account(doc.company)
	with stored_texts.in_site_language():
		remark = _("Loaner set {0}: instruments missing after the surgery of {1}").format(
			doc.loaner_set, doc.surgery_date
		)
	entry = ledger.post_material_issue(
		doc,
		[
			{
				"item_code": row.item_code,
				"warehouse": warehouse,
				"qty": row.missing_qty,
				"batch_no": row.batch_no,
				"serial_no": row.serial_no,
				"expense_account": account,
				BATCH_FIELD: row.batch_no,
			}
			for row in rows
		],
		remark,
	)
	return entry.name


def loss_account(company: str) -> str:
	return ledger.stock_expense_account(company, loaner_sets.LOSS_ACCOUNT)


def record_reprocessing(loan: str, moment, sterilisation_batch: str):
	"""The loan's set was reprocessed: when, in which sterilisation batch, by whom, and the loan's turnaround."""
	doc = frappe.get_doc("Loaner Set Loan", loan)
	controlled.allow(
		doc,
		REPROCESSED,
		sterilised_on=moment,
		sterilisation_batch=sterilisation_batch,
		sterilised_by=frappe.session.user,
		turnaround_days=flt((get_datetime(moment) - get_datetime(doc.loaned_on)).total_seconds() / 86400, 2),
	)
	with stored_texts.in_site_language():
		doc.md_reason = _("Reprocessed, sterilisation batch {0}").format(sterilisation_batch)
	mark(doc, REPROCESSED)
	doc.flags.ignore_validate_update_after_submit = True
	doc.flags.ignore_permissions = True
	doc.save()
