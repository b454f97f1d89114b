"""The batch record (批生产记录; the device history record of 21 CFR 820 / ISO 13485 §7.5.1 and §4.2.5) of one
manufactured batch. Each save assembles it again from ERPNext's ledger (medical_devices/md_quality/batch_records.py):
the Work Order and Manufacture entries, the inputs consumed with their suppliers, the Quality Inspections and
nonconformances, the sterilisation batch and the label text. The preparer adds the deviations and the label
reconciliation. Its submit is the release: a QA person other than the preparer, signing (`md_signed_actions`),
with every inspection accepted and no nonconformance open; it is the only way a manufactured device batch goes
from Quarantine to Released. A release is not cancelled: a batch found wanting afterwards is blocked."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt, now_datetime

from medical_devices import inputs, stored_texts
from medical_devices.audit import controlled, trail
from medical_devices.controls import QA_ROLES
from medical_devices.gsp import rules
from medical_devices.gsp.batch_status import batch_label, set_batch_status
from medical_devices.md_quality import batch_records

DOCTYPE = "Device Batch Record"
ASSEMBLE = f"{__name__}.DeviceBatchRecord.validate"
RELEASE = f"{__name__}.DeviceBatchRecord.before_submit"
ASSEMBLED = (
	"item_code",
	"item_name",
	"work_order",
	"bom_no",
	"qty_produced",
	"stock_uom",
	"manufacturing_date",
	"expiry_date",
	"sterilisation_batch",
	"production_entries",
	"inputs",
	"inspections",
	"nonconformances",
	"label_sample",
)
INPUT_FIELDS = ("stock_entry", "item_code", "item_name", "batch", "serial_no", "qty", "uom", "supplier")


class DeviceBatchRecord(inputs.CheckedDocument):
	def validate(self):
		if self.docstatus == 0:
			self.status = "Draft"
			self.released_by = self.released_on = None
		other = frappe.db.get_value(
			DOCTYPE, {"batch": self.batch, "docstatus": ("!=", 2), "name": ("!=", self.name or "")}
		)
		if other:
			frappe.throw(
				_("Batch {0} has its batch record already: {1}.").format(batch_label(self.batch), other)
			)
		if self.docstatus == 0:
			self.assemble()
		for field in ("labels_issued", "labels_used", "labels_destroyed"):
			if self.get(field) is not None and int(self.get(field) or 0) < 0:
				frappe.throw(_("Label counts cannot be negative."), inputs.InvalidInputError)
		if self.is_new():
			self.prepared_by, self.prepared_on = frappe.session.user, now_datetime()
		controlled.allow_current(self, ASSEMBLE, *ASSEMBLED, "status", "prepared_by", "prepared_on")

	def assemble(self):
		batch = frappe.db.get_value(
			"Batch",
			self.batch,
			["item", "manufacturing_date", "expiry_date", "md_sterilisation_batch", "stock_uom"],
			as_dict=True,
		)
		if not batch:
			frappe.throw(_("Batch {0} does not exist.").format(self.batch), inputs.InvalidInputError)
		entries = batch_records.production_entries(self.batch)
		if not entries:
			frappe.throw(
				_("Batch {0} was not produced by a Manufacture entry: it has no batch record.").format(
					batch_label(self.batch)
				),
				inputs.InvalidInputError,
			)
		if self.company and frappe.db.get_value("Stock Entry", entries[0], "company") != self.company:
			frappe.throw(_("Batch {0} was made by another company.").format(batch_label(self.batch)))
		first = frappe.db.get_value(
			"Stock Entry", entries[0], ["work_order", "bom_no", "company"], as_dict=True
		)
		self.company = self.company or first.company
		self.item_code = batch.item
		self.item_name = frappe.get_cached_value("Item", batch.item, "item_name")
		self.stock_uom = batch.stock_uom or frappe.get_cached_value("Item", batch.item, "stock_uom")
		self.work_order, self.bom_no = first.work_order, first.bom_no
		self.manufacturing_date, self.expiry_date = batch.manufacturing_date, batch.expiry_date
		self.sterilisation_batch = batch.md_sterilisation_batch
		self.production_entries = "\n".join(entries)
		self.qty_produced = batch_records.produced_qty(entries, self.batch)
		self.set(
			"inputs",
			[{f: row.get(f) for f in INPUT_FIELDS} for row in batch_records.consumed_inputs(entries)],
		)
		self.set(
			"inspections",
			[
				{
					k: row[k]
					for k in (
						"quality_inspection",
						"inspection_type",
						"status",
						"inspected_by",
						"report_date",
					)
				}
				| {"status": row.status if row.docstatus == 1 else "Draft"}
				for row in batch_records.inspections_of(self.batch)
			],
		)
		self.set(
			"nonconformances",
			[
				{k: row[k] for k in ("nonconformance", "status", "disposition", "qty")}
				for row in batch_records.nonconformances_of(self.batch)
			],
		)
		from medical_devices.udi.labels import udi_label

		label = udi_label(self.item_code, self.batch)
		self.label_sample = (label.get("hri") or "")[:140] or None

	def before_submit(self):
		user = frappe.session.user
		if not set(QA_ROLES) & set(frappe.get_roles(user)):
			frappe.throw(
				_("Only a Quality Manager or QA Reviewer releases a batch."),
				frappe.PermissionError,
				title=_("Not Permitted"),
			)
		if user in (self.owner, self.prepared_by) or trail.has_edited(DOCTYPE, self.name, user):
			frappe.throw(
				_("{0} prepared or changed this batch record: a different QA person must release it.").format(
					user
				),
				frappe.PermissionError,
				title=_("Two-Person Release"),
			)
		problems = self.release_problems()
		if problems:
			frappe.throw(
				_("Batch {0} cannot be released: {1}.").format(batch_label(self.batch), "; ".join(problems)),
				inputs.InvalidInputError,
				title=_("Not Ready for Release"),
			)
		controlled.allow(self, RELEASE, status="Released", released_by=user, released_on=now_datetime())

	def release_problems(self) -> list[str]:
		problems = []
		stored = [tuple(str(row.get(f) or "") for f in INPUT_FIELDS) for row in self.inputs]
		self.assemble()
		fresh = [tuple(str(row.get(f) or "") for f in INPUT_FIELDS) for row in self.inputs]
		if stored != fresh:
			problems.append(_("the ledger changed since it was prepared (the preparer saves it again)"))
		status = frappe.db.get_value("Batch", self.batch, "md_batch_status")
		if status != rules.QUARANTINE:
			problems.append(
				_("it is {0}, not in Quarantine").format(_(status or "No Status", context="Batch"))
			)
		accepted = [row for row in self.inspections if row.status == "Accepted"]
		others = [row.quality_inspection for row in self.inspections if row.status != "Accepted"]
		if not accepted:
			problems.append(_("no accepted Quality Inspection"))
		if others:
			problems.append(_("Quality Inspections not accepted: {0}").format(", ".join(others)))
		open_ones = [row.nonconformance for row in self.nonconformances if row.status == "Open"]
		if open_ones:
			problems.append(_("open nonconformances: {0}").format(", ".join(open_ones)))
		if self.labels_issued and int(self.labels_issued) != int(self.labels_used or 0) + int(
			self.labels_destroyed or 0
		):
			problems.append(_("labels issued do not equal labels used plus destroyed"))
		if flt(self.qty_produced) <= 0:
			problems.append(_("nothing was produced"))
		return problems

	def on_submit(self):
		set_batch_status(
			self.batch,
			rules.RELEASED,
			stored_texts.BATCH_RECORD_RELEASE.text(self.name),
			DOCTYPE,
			self.name,
			check_role=False,
		)

	def before_cancel(self):
		frappe.throw(
			_("A release is not cancelled: block batch {0} if it must not be used.").format(
				batch_label(self.batch)
			),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)


@frappe.whitelist()
@inputs.endpoint
def assemble_preview(batch: str) -> dict:
	"""The record of a batch as it would be assembled now (for the form, before the first save)."""
	from medical_devices import access

	batch = access.record("Batch", batch)
	doc = frappe.new_doc(DOCTYPE)
	doc.batch = batch
	doc.assemble()
	return doc.as_dict()
