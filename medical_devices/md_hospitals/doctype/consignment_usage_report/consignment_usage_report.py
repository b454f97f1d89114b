"""A hospital's report of consignment units it used (寄售使用报告): entered by hand, by scanning each unit's label,
by Data Import or over REST. Submitting it confirms the units as used; its Sales Invoice bills them and takes them
out of the hospital's consignment warehouse. An implant's row names its surgery, surgeon and patient: the patient
by a keyed pseudonym (medical_devices/personal_data.py), the hospital's record number only in a Patient Record that
the regulatory and quality roles read."""

import frappe
from frappe import _
from frappe.model.mapper import get_mapped_doc
from frappe.model.naming import make_autoname
from frappe.utils import escape_html, flt, getdate, today

from medical_devices import access, inputs
from medical_devices.audit import controlled, trail
from medical_devices.audit.origin import mark
from medical_devices.devices import device_items
from medical_devices.gsp.batch_status import batch_label
from medical_devices.gsp.stock import batch_balances
from medical_devices.md_hospitals import billing, consignment
from medical_devices.personal_data import pseudonym
from medical_devices.udi.scanning import MAX_SCAN_LENGTH, read_label

VALIDATE = f"{__name__}.ConsignmentUsageReport.validate"
REFRESH_BILLING = f"{__name__}.refresh_billing"
PATIENT_RECORD = f"{__name__}.patient_records_for"
ITEM_FIELDS = ("has_batch_no", "has_serial_no", "md_is_implant", "stock_uom")

# Indicator colour of each status in the desk (medical_devices/boot.py)
STATUS_COLOURS = {
	"Draft": "red",
	"To Bill": "orange",
	"Partly Billed": "yellow",
	"Billed": "green",
	"Cancelled": "grey",
}


class UsageNotInStockError(frappe.ValidationError):
	pass


class ConsignmentUsageReport(inputs.CheckedDocument):
	def validate(self):
		self.take_scan()
		if self.customer:
			self.warehouse = consignment.require_warehouse(self.company, self.customer)
		if getdate(self.report_date) > getdate(today()):
			frappe.throw(_("The report date cannot be in the future."), inputs.InvalidInputError)
		self.fill_from_labels()
		self.validate_items()
		self.pseudonymise_patients()
		if self.docstatus == 0:
			for row in self.items:
				row.billed_qty, row.sales_invoice = 0, None
			controlled.allow(self, VALIDATE, status="Draft", billed_qty=0, per_billed=0)
		self.total_qty = sum(flt(row.qty) for row in self.items)

	def take_scan(self):
		"""A label scanned into the form's scan field (or sent as `scan`) is a row of its own."""
		scan = inputs.text(self.scan, _("Scan UDI"), required=False, max_length=MAX_SCAN_LENGTH)
		self.scan = None
		if scan and scan.strip():
			self.append("items", {"udi": scan.strip(), "qty": 1})

	def fill_from_labels(self):
		for row in self.items:
			row.udi = inputs.text(row.udi, _("Scanned UDI"), required=False, max_length=MAX_SCAN_LENGTH)
			if not (row.udi or "").strip():
				continue
			label = read_label(row.udi)
			where = _("Row #{0}").format(row.idx)
			if row.item_code and row.item_code != label.item_code:
				frappe.throw(
					_("{0}: the scanned label is of {1}, not of {2}.").format(
						where, frappe.bold(label.item_code), frappe.bold(row.item_code)
					),
					inputs.InvalidInputError,
				)
			row.item_code = label.item_code
			if label.lot and not label.batch:
				frappe.throw(
					_("{0}: no batch {1} of {2} is on record: check the label.").format(
						where, frappe.bold(escape_html(label.lot)), frappe.bold(label.item_code)
					),
					inputs.InvalidInputError,
				)
			if label.batch:
				row.batch_no = label.batch
			if label.serial_no:
				row.serial_no = label.serial_no[:140]
				row.qty = 1

	def validate_items(self):
		if not self.items:
			frappe.throw(_("Add the used units."), inputs.InvalidInputError)
		items = device_items([row.item_code for row in self.items], ITEM_FIELDS)
		batch_items = batches_of_items({row.batch_no for row in self.items if row.batch_no})
		serials = set()
		for row in self.items:
			where = _("Row #{0}").format(row.idx)
			item = items.get(row.item_code)
			if not item:
				frappe.throw(
					_("{0}: {1} is not a medical device; consignment usage is reported for devices.").format(
						where, frappe.bold(row.item_code)
					),
					inputs.InvalidInputError,
				)
			if flt(row.qty) <= 0:
				frappe.throw(
					_("{0}: enter a quantity greater than zero.").format(where), inputs.InvalidInputError
				)
			if item.has_batch_no and not row.batch_no:
				frappe.throw(
					_("{0}: choose the batch of {1}.").format(where, row.item_code), inputs.InvalidInputError
				)
			if row.batch_no and batch_items.get(row.batch_no) != row.item_code:
				frappe.throw(
					_("{0}: batch {1} is not of {2}.").format(
						where, frappe.bold(batch_label(row.batch_no)), row.item_code
					),
					inputs.InvalidInputError,
				)
			if not item.has_batch_no:
				row.batch_no = None
			self.validate_serial(row, item, where, serials)
			if row.surgery_date and getdate(row.surgery_date) > getdate(self.report_date):
				frappe.throw(
					_("{0}: the surgery date is after the report date.").format(where),
					inputs.InvalidInputError,
				)
			if item.md_is_implant:
				missing = [
					label
					for label, value in (
						(_("Surgery Date"), row.surgery_date),
						(_("Surgeon"), (row.surgeon or "").strip()),
						(
							_("Hospital Record No."),
							(row.hospital_record_no or "").strip() or row.patient_record,
						),
					)
					if not value
				]
				if missing:
					frappe.throw(
						_("{0}: {1} is an implant; enter its {2}.").format(
							where, frappe.bold(row.item_code), ", ".join(missing)
						),
						inputs.InvalidInputError,
						title=_("Implant Traceability"),
					)

	def validate_serial(self, row, item, where, serials):
		if not item.has_serial_no:
			if row.serial_no:
				frappe.throw(
					_("{0}: {1} has no serial numbers.").format(where, row.item_code),
					inputs.InvalidInputError,
				)
			return
		if not row.serial_no:
			frappe.throw(
				_("{0}: enter the serial number of {1}.").format(where, row.item_code),
				inputs.InvalidInputError,
			)
		if flt(row.qty) != 1:
			frappe.throw(_("{0}: one serial number is one unit.").format(where), inputs.InvalidInputError)
		if row.serial_no in serials:
			frappe.throw(
				_("{0}: serial number {1} is already on an earlier row.").format(
					where, frappe.bold(row.serial_no)
				),
				inputs.InvalidInputError,
			)
		serials.add(row.serial_no)
		record = frappe.db.get_value("Serial No", row.serial_no, ["item_code", "batch_no"], as_dict=True)
		if not record or record.item_code != row.item_code:
			frappe.throw(
				_("{0}: serial number {1} of {2} is not on record.").format(
					where, frappe.bold(escape_html(row.serial_no)), row.item_code
				),
				inputs.InvalidInputError,
			)
		if record.batch_no and row.batch_no and record.batch_no != row.batch_no:
			frappe.throw(
				_("{0}: serial number {1} is of batch {2}.").format(
					where, frappe.bold(row.serial_no), frappe.bold(batch_label(record.batch_no))
				),
				inputs.InvalidInputError,
			)
		if record.batch_no:
			row.batch_no = record.batch_no

	def pseudonymise_patients(self):
		"""The hospital's record number becomes the row's patient reference and its Patient Record; the row never
		stores it. A reference the client sends is not taken: it comes from the Patient Record, of this hospital."""
		named = []
		for row in self.items:
			record_no = inputs.text(row.hospital_record_no, _("Hospital Record No."), required=False)
			row.hospital_record_no = None
			if record_no and record_no.strip():
				named.append((row, record_no.strip()))
		records = patient_records_for(self.company, self.customer, [record_no for _row, record_no in named])
		for row, record_no in named:
			row.patient_record = records[record_no]
		linked = list({row.patient_record for row in self.items if row.patient_record})
		patients = {
			record.name: record
			for record in frappe.get_all(
				"Patient Record",
				filters={"name": ("in", linked or [""])},
				fields=["name", "hospital", "patient_reference"],
			)
		}
		for row in self.items:
			if not row.patient_record:
				row.patient_reference = None
				continue
			patient = patients.get(row.patient_record)
			if not patient or not patient.patient_reference or patient.hospital != self.customer:
				frappe.throw(
					_("Row #{0}: Patient Record {1} is not a patient of {2}.").format(
						row.idx, row.patient_record, self.customer
					),
					inputs.InvalidInputError,
				)
			row.patient_reference = patient.patient_reference

	def before_submit(self):
		self.check_in_consignment_stock()
		controlled.allow(self, VALIDATE, status="To Bill")

	def check_in_consignment_stock(self):
		"""The used units are in the hospital's consignment stock and not already reported used."""
		used = consignment.unbilled_by_batch(self.warehouse, exclude_report=self.name)
		on_hand = {
			(row["item_code"], row["batch"]): row["qty"] for row in batch_balances(warehouse=self.warehouse)
		}
		items = device_items([row.item_code for row in self.items], ITEM_FIELDS)
		for item_code, item in items.items():
			if not item.has_batch_no:
				on_hand[(item_code, None)] = flt(
					frappe.db.get_value(
						"Bin", {"item_code": item_code, "warehouse": self.warehouse}, "actual_qty"
					)
				)
		wanted: dict[tuple, float] = {}
		for row in self.items:
			key = (row.item_code, row.batch_no or None)
			wanted[key] = wanted.get(key, 0.0) + flt(row.qty)
		problems = []
		for (item_code, batch), qty in wanted.items():
			available = flt(on_hand.get((item_code, batch))) - used.get((item_code, batch), 0.0)
			if qty > available + 1e-9:
				problems.append(
					_(
						"{0} of {1}: {2} reported used, {3} in the consignment stock of {4} not yet reported."
					).format(
						frappe.bold(batch_label(batch)) if batch else item_code,
						item_code,
						flt(qty),
						flt(max(available, 0)),
						self.customer,
					)
				)
		reported = {entry.serial_no for entry in consignment.reported_usage(self.warehouse, self.name)}
		for row in self.items:
			if not row.serial_no:
				continue
			if frappe.db.get_value("Serial No", row.serial_no, "warehouse") != self.warehouse:
				problems.append(
					_("Row #{0}: serial number {1} is not in the consignment stock of {2}.").format(
						row.idx, frappe.bold(row.serial_no), self.customer
					)
				)
			elif row.serial_no in reported:
				problems.append(
					_("Row #{0}: serial number {1} is already reported used.").format(
						row.idx, frappe.bold(row.serial_no)
					)
				)
		if problems:
			frappe.throw("<br>".join(problems), UsageNotInStockError, title=_("Not in Consignment Stock"))

	def before_cancel(self):
		if consignment.billings([self.name])[self.name].billed:
			frappe.throw(
				_("Usage report {0} is invoiced: cancel its invoices first.").format(self.name),
				title=_("Not Permitted"),
			)

	def on_cancel(self):
		controlled.allow(self, REFRESH_BILLING, status="Cancelled")
		self.db_set("status", "Cancelled", update_modified=False)


def batches_of_items(batches) -> dict[str, str]:
	"""Batch -> its item."""
	if not batches:
		return {}
	return dict(
		frappe.get_all(
			"Batch", filters={"name": ("in", list(batches))}, fields=["name", "item"], as_list=True
		)
	)


@frappe.whitelist()
@inputs.endpoint
def label_row(udi: str) -> dict:
	"""The row a scanned label makes on the form (the server reads the label again when the report is saved)."""
	frappe.has_permission("Consignment Usage Report", "create", throw=True)
	udi = inputs.text(udi, _("Scanned UDI"), max_length=MAX_SCAN_LENGTH).strip()
	label = read_label(udi)
	return {
		"udi": udi,
		"item_code": label.item_code,
		"batch_no": label.batch,
		"serial_no": label.serial_no,
		"qty": 1,
	}


def patient_record_for(company: str, hospital: str, record_no: str) -> str:
	"""The Patient Record of the hospital's patient with this record number, made the first time it is named."""
	return patient_records_for(company, hospital, [record_no])[record_no.strip()]


def patient_records_for(company: str, hospital: str, record_nos) -> dict[str, str]:
	"""Record number -> the Patient Record of the hospital's patient, found by its pseudonym or made the first time
	it is named: the new ones written at once, each with its Insert entry in the trail (the record number masked
	there). Who reports the use knows the record numbers; they need not read the records."""
	references = {record_no.strip(): pseudonym(hospital, record_no) for record_no in record_nos if record_no}
	if not references:
		return {}
	existing = dict(
		frappe.get_all(
			"Patient Record",
			filters={"patient_reference": ("in", list(set(references.values())))},
			fields=["patient_reference", "name"],
			as_list=True,
		)
	)
	found, made = {}, {}
	autoname = frappe.get_meta("Patient Record").autoname
	for record_no, reference in references.items():
		if reference not in existing:
			existing[reference] = make_autoname(autoname, "Patient Record")
			made[existing[reference]] = {
				"company": company,
				"medical_record_no": record_no,
				"hospital": hospital,
				"patient_reference": reference,
			}
		found[record_no] = existing[reference]
	if made:
		now, user = frappe.utils.now(), frappe.session.user
		fields = ("company", "medical_record_no", "hospital", "patient_reference")
		trail.insert_rows(
			"Patient Record",
			("name", *fields, "docstatus", "idx", "creation", "modified", "owner", "modified_by"),
			[
				(name, *(values[field] for field in fields), 0, 0, now, now, user, user)
				for name, values in made.items()
			],
		)
		trail.record_changes(
			"Patient Record",
			{name: {"created": values, trail.REGULATED: True} for name, values in made.items()},
			trail.INSERT,
			None,
			{"function": PATIENT_RECORD},
		)
	return found


def refresh_billing(report: str):
	"""After an invoice or delivery of its units is submitted or cancelled: the billed quantities and status."""
	doc = frappe.get_doc("Consignment Usage Report", report)
	if doc.docstatus != 1:
		return
	billing = consignment.billings([doc.name])[doc.name]
	for row in doc.items:
		row.billed_qty, row.sales_invoice = billing.billed.get(row.name, 0.0), billing.billed_by.get(row.name)
	total_billed = sum(billing.billed.values())
	per_billed = flt(total_billed / doc.total_qty * 100, 2) if doc.total_qty else 0
	status = "Billed" if per_billed >= 100 - 1e-6 else "Partly Billed" if total_billed else "To Bill"
	controlled.allow(doc, REFRESH_BILLING, status=status, billed_qty=total_billed, per_billed=per_billed)
	mark(doc, REFRESH_BILLING)
	doc.flags.ignore_validate_update_after_submit = True
	doc.flags.ignore_permissions = True
	doc.flags.ignore_links = True  # the invoices it names are the submitted ones it was billed by
	doc.save()


@frappe.whitelist(methods=["POST"])
@inputs.endpoint
def make_sales_invoice(source_name: str, target_doc=None):
	"""The Sales Invoice of the report's units not billed yet, out of the hospital's consignment warehouse: one row
	per item and batch (its serial numbers in it); a row's surgery date and patient are shown when all its units
	share them (each unit's stay on the report's rows)."""
	source_name = access.record("Consignment Usage Report", source_name)
	frappe.has_permission("Sales Invoice", "create", throw=True)
	source = frappe.get_doc("Consignment Usage Report", source_name)
	if source.docstatus != 1:
		frappe.throw(_("Submit the usage report before invoicing it."))
	groups = unbilled_groups(source)
	if not groups:
		frappe.throw(_("Every unit of usage report {0} is invoiced already.").format(source_name))

	def set_missing_values(source_doc, target):
		target.update_stock = 1
		target.set_warehouse = source_doc.warehouse
		for (item_code, batch_no), rows in groups.items():
			target.append(
				"items",
				{
					"item_code": item_code,
					"qty": sum(qty for _row, qty in rows),
					"warehouse": source_doc.warehouse,
					"batch_no": batch_no,
					"serial_no": "\n".join(row.serial_no for row, _qty in rows if row.serial_no) or None,
					"use_serial_batch_fields": 1,
					consignment.USAGE_FIELD: source_doc.name,
					"md_surgery_date": shared(row.surgery_date for row, _qty in rows),
					"md_patient_reference": shared(row.patient_reference for row, _qty in rows),
				},
			)
		billing.set_customer_terms(target)
		target.run_method("set_missing_values")
		target.run_method("calculate_taxes_and_totals")

	return get_mapped_doc(
		"Consignment Usage Report",
		source_name,
		{
			"Consignment Usage Report": {
				"doctype": "Sales Invoice",
				"field_map": {"customer": "customer", "company": "company"},
				"field_no_map": ["naming_series", "status"],
				"validation": {"docstatus": ["=", 1]},
			},
		},
		target_doc,
		set_missing_values,
	)


def unbilled_groups(report) -> dict[tuple, list]:
	"""(item, batch) -> the report's rows with units not billed yet, each with that quantity, in the report's order."""
	billed = consignment.billings([report.name])[report.name].billed
	groups: dict[tuple, list] = {}
	for row in report.items:
		qty = flt(row.qty) - billed.get(row.name, 0.0)
		if qty > consignment.EPSILON:
			groups.setdefault((row.item_code, row.batch_no or None), []).append((row, qty))
	return groups


def shared(values):
	"""The one value all of them have, else None."""
	found = set(values)
	return found.pop() if len(found) == 1 else None
