"""Nonconforming product (不合格品, ISO 13485 §8.3): a batch, or a quantity of it, found not to conform (by a
rejected Quality Inspection, a temperature excursion, a complaint or by hand).

Raising it holds the product at once: the batch is blocked, or the quantity moves to a rejected warehouse, from
where nothing but its disposition takes it. The disposition is the submit, signed by a quality role (the
`md_signed_actions` hook): *use as is* (with its justification) and *rework* bring the stock back, *scrap* issues
it, *return to supplier* prepares ERPNext's purchase return; each posts through the app's one posting path
(medical_devices/medical_devices/ledger.py), the scrapped value and any disposition cost as a quality cost on the
batch. A disposition is final: a wrong one is corrected by a new nonconformance.
"""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt, now_datetime

from medical_devices import inputs, stored_texts
from medical_devices.audit import controlled
from medical_devices.controls import QA_ROLES
from medical_devices.devices import is_device
from medical_devices.gsp import rules
from medical_devices.gsp.batch_status import batch_label, set_batch_status
from medical_devices.md_finance.ledger import BATCH_FIELD, QUALITY_COSTS, finance_account
from medical_devices.medical_devices import ledger
from medical_devices.traceability.engine import movements

DOCTYPE = "Device Nonconformance"
HOLD = f"{__name__}.DeviceNonconformance.after_insert"
DISPOSE = f"{__name__}.DeviceNonconformance.on_submit"
BLOCK, MOVE = "Block Batch", "Move to Rejected Warehouse"
USE_AS_IS, REWORK, SCRAP, RETURN = "Use As Is", "Rework", "Scrap", "Return to Supplier"
DISPOSITIONS = (USE_AS_IS, REWORK, SCRAP, RETURN)
SOURCES = {
	"Quality Inspection": "quality_inspection",
	"Temperature Excursion": "temperature_log",
	"Device Complaint": "device_complaint",
}
# What the hold rests on: fixed once the product is held.
HELD_ON_THESE = (
	"company",
	"item_code",
	"batch",
	"serial_nos",
	"qty",
	"hold",
	"warehouse",
	"rejected_warehouse",
)
STATUS_COLOURS = {"Open": "red", "Dispositioned": "green"}


class DeviceNonconformance(inputs.CheckedDocument):
	def validate(self):
		if self.docstatus == 0:
			self.status = "Open"
		self.refuse_changes_after_hold()
		self.validate_product()
		self.validate_source()
		self.validate_hold()
		if self.is_new() and self.batch and not self.supplier:
			self.supplier, self.purchase_receipt = supplier_of(self.batch)
		ledger.set_cost_center(self)

	def refuse_changes_after_hold(self):
		before = None if self.is_new() else self.get_doc_before_save()
		if not before:
			return
		changed = [f for f in HELD_ON_THESE if str(before.get(f) or "") != str(self.get(f) or "")]
		if changed:
			frappe.throw(
				_("Nonconformance {0} holds its product: {1} cannot change (raise a new one).").format(
					self.name, ", ".join(_(self.meta.get_label(field)) for field in changed)
				),
				frappe.PermissionError,
				title=_("Not Permitted"),
			)

	def validate_product(self):
		if flt(self.qty) <= 0:
			frappe.throw(_("Enter a quantity greater than zero."), inputs.InvalidInputError)
		if self.batch and frappe.db.get_value("Batch", self.batch, "item") != self.item_code:
			frappe.throw(
				_("Batch {0} is not of {1}.").format(frappe.bold(batch_label(self.batch)), self.item_code),
				inputs.InvalidInputError,
			)
		serials = self.serial_list()
		if len(serials) > flt(self.qty):
			frappe.throw(_("More serial numbers than the quantity."), inputs.InvalidInputError)
		if serials:
			found = frappe.get_all(
				"Serial No",
				filters={"name": ("in", serials), "item_code": self.item_code},
				fields=["name", "batch_no"],
			)
			unknown = sorted(set(serials) - {row.name for row in found})
			if unknown:
				frappe.throw(
					_("Serial numbers not of {0}: {1}").format(self.item_code, ", ".join(unknown)),
					inputs.InvalidInputError,
				)
			if self.batch and any(row.batch_no and row.batch_no != self.batch for row in found):
				frappe.throw(_("The serial numbers are not all of batch {0}.").format(self.batch))
		if not self.batch and not serials:
			frappe.throw(
				_("Name the batch or the serial numbers that do not conform."), inputs.InvalidInputError
			)

	def serial_list(self) -> list[str]:
		return [s.strip() for s in (self.serial_nos or "").replace(",", "\n").split("\n") if s.strip()]

	def validate_source(self):
		for source, field in SOURCES.items():
			if self.source != source:
				self.set(field, None)
			elif not self.get(field):
				frappe.throw(_("Name the {0} this nonconformance comes from.").format(_(source)))
		if self.quality_inspection:
			inspection = frappe.db.get_value(
				"Quality Inspection",
				self.quality_inspection,
				["item_code", "batch_no", "status", "docstatus"],
				as_dict=True,
			)
			if (
				inspection.docstatus != 1
				or inspection.status != "Rejected"
				or inspection.item_code != self.item_code
				or (inspection.batch_no and self.batch and inspection.batch_no != self.batch)
			):
				frappe.throw(
					_("Quality Inspection {0} is no submitted rejection of this product.").format(
						self.quality_inspection
					)
				)
		if self.device_complaint and (
			frappe.db.get_value("Device Complaint", self.device_complaint, "item_code") != self.item_code
		):
			frappe.throw(_("Complaint {0} is about another product.").format(self.device_complaint))

	def validate_hold(self):
		if self.hold == BLOCK:
			if not self.batch:
				frappe.throw(
					_("Blocking holds a batch: name it, or move the quantity to a rejected warehouse.")
				)
			self.rejected_warehouse = None
			return
		for field in ("warehouse", "rejected_warehouse"):
			if not self.get(field):
				frappe.throw(_("Choose the {0}.").format(_(self.meta.get_label(field))))
			if frappe.get_cached_value("Warehouse", self.get(field), "company") != self.company:
				frappe.throw(
					_("Warehouse {0} does not belong to company {1}.").format(self.get(field), self.company)
				)
		if not frappe.get_cached_value("Warehouse", self.rejected_warehouse, "is_rejected_warehouse"):
			frappe.throw(
				_("{0} is not a rejected warehouse (tick Is Rejected Warehouse on it).").format(
					self.rejected_warehouse
				)
			)
		if self.rejected_warehouse == self.warehouse:
			frappe.throw(_("The quantity is in the rejected warehouse already: block the batch instead."))

	# --- hold ----------------------------------------------------------------------------------------------

	def after_insert(self):
		"""Raised: the product is held now, in the same transaction."""
		reason = stored_texts.NONCONFORMANCE_HOLD.text(self.name)
		if self.hold == BLOCK:
			status = frappe.db.get_value("Batch", self.batch, "md_batch_status")
			before = status
			if status == rules.BLOCKED:  # blocked by the rejection that raised it: restored to what it was
				before = last_status_before_block(self.batch) or rules.QUARANTINE
			elif status in (rules.QUARANTINE, rules.RELEASED):
				set_batch_status(self.batch, rules.BLOCKED, reason, DOCTYPE, self.name, check_role=False)
			controlled.allow(self, HOLD, status_before_hold=before)
			self.db_update()  # part of the insert: its own trail entry, written next, holds it
			return
		entry = ledger.post_material_transfer(
			self,
			[self.stock_row(self.warehouse, self.rejected_warehouse)],
			reason,
		)
		controlled.allow(self, HOLD, hold_entry=entry.name)
		self.db_update()

	def stock_row(self, source: str | None, target: str | None, **values) -> dict:
		serials = self.serial_list()
		return {
			"item_code": self.item_code,
			"qty": flt(self.qty),
			"s_warehouse": source,
			"t_warehouse": target,
			"batch_no": self.batch,
			"serial_no": "\n".join(serials) if serials else None,
			**values,
		}

	# --- disposition ---------------------------------------------------------------------------------------

	def before_submit(self):
		if not set(QA_ROLES) & set(frappe.get_roles()):
			frappe.throw(
				_("Only a Quality Manager or QA Reviewer decides the disposition of nonconforming product."),
				frappe.PermissionError,
				title=_("Not Permitted"),
			)
		if self.disposition not in DISPOSITIONS:
			frappe.throw(_("Choose the disposition."), inputs.InvalidInputError)
		if self.disposition == USE_AS_IS and not (self.justification or "").strip():
			frappe.throw(_("Use as is needs its justification."), inputs.InvalidInputError)
		if self.disposition == SCRAP and self.hold == BLOCK and not self.warehouse:
			frappe.throw(_("Choose the warehouse the product to scrap is in."), inputs.InvalidInputError)
		if self.disposition == RETURN and not self.purchase_receipt:
			frappe.throw(_("Name the Purchase Receipt the product came in with, to return it."))
		if flt(self.disposition_cost) < 0:
			frappe.throw(_("The disposition cost cannot be negative."), inputs.InvalidInputError)
		if flt(self.disposition_cost):
			if not self.batch:
				frappe.throw(_("A disposition cost is a cost of a batch: name the batch."))
			paid_from = frappe._dict(credit_account=self.credit_account)
			ledger.check_credit(paid_from, self.company, (), _("Paid From"), refuse_expense=True)
			self.credit_account = paid_from.credit_account
		if self.disposition == REWORK and self.hold == MOVE and not reinspected(self):
			frappe.throw(
				_(
					"Reworked units go back into batch {0}, which stays released: submit an accepted Quality Inspection of the reworked units first."
				).format(batch_label(self.batch) if self.batch else self.item_code),
				inputs.InvalidInputError,
			)
		if self.hold == MOVE and not self.hold_entry:
			frappe.throw(_("Nonconformance {0} holds nothing: its hold was not posted.").format(self.name))
		self.status = "Dispositioned"

	def on_submit(self):
		with stored_texts.in_site_language():  # the books' language
			remark = _("Nonconformance {0}: {1}").format(self.name, _(self.disposition, context=DOCTYPE))
		values = {"dispositioned_by": frappe.session.user, "dispositioned_on": now_datetime()}
		held_in = self.rejected_warehouse if self.hold == MOVE else self.warehouse
		if self.disposition in (USE_AS_IS, REWORK) and self.hold == MOVE:
			entry = ledger.post_material_transfer(
				self, [self.stock_row(self.rejected_warehouse, self.warehouse)], remark
			)
			values["stock_entry"] = entry.name
		elif self.disposition == SCRAP:
			row = self.stock_row(held_in, None, expense_account=finance_account(self.company, QUALITY_COSTS))
			if self.batch:
				row[BATCH_FIELD] = self.batch
			entry = ledger.post_stock_entry(self, "Material Issue", [row], remark, {"md_is_disposal": 1})
			values["stock_entry"] = entry.name
			values["scrap_value"] = flt(sum(flt(detail.amount) for detail in entry.items), 2)
		elif self.disposition == RETURN:
			values["purchase_return"] = self.prepare_purchase_return(held_in)
		if flt(self.disposition_cost):
			debit_account = finance_account(self.company, QUALITY_COSTS)
			values["journal_entry"] = ledger.post_journal_entry(
				self,
				[
					{"account": debit_account, "debit": self.disposition_cost, "remark": remark},
					{"account": self.credit_account, "credit": self.disposition_cost, "remark": remark},
				],
				remark,
				{BATCH_FIELD: self.batch},
			)
		controlled.allow(self, DISPOSE, **values)
		self.db_update()
		self.restore_batch()

	def prepare_purchase_return(self, warehouse: str | None) -> str:
		"""A draft return against the receipt, of this product only, for the buyer to complete and submit."""
		from erpnext.controllers.sales_and_purchase_return import make_return_doc

		purchase_return = make_return_doc("Purchase Receipt", self.purchase_receipt)
		rows = [row for row in purchase_return.items if row.item_code == self.item_code]
		if not rows:
			frappe.throw(
				_("Purchase Receipt {0} did not receive {1}.").format(self.purchase_receipt, self.item_code)
			)
		row = rows[0]
		serials = self.serial_list()
		row.update(
			{
				"qty": -flt(self.qty),
				"received_qty": -flt(self.qty),
				"rejected_qty": 0,
				"stock_qty": -flt(self.qty) * flt(row.conversion_factor or 1),
				"warehouse": warehouse or row.warehouse,
				"use_serial_batch_fields": 1,
				"batch_no": self.batch,
				"serial_no": "\n".join(serials) if serials else None,
				"serial_and_batch_bundle": None,
				"rejected_serial_and_batch_bundle": None,
			}
		)
		purchase_return.items = [row]
		purchase_return.remarks = _("Return of nonconforming product, Nonconformance {0}").format(self.name)
		purchase_return.flags.ignore_permissions = True  # the disposition prepares it; the buyer submits it
		purchase_return.insert()
		return purchase_return.name

	def restore_batch(self):
		"""The held batch returns to what it was (reworked product awaits inspection again), unless another
		open nonconformance still blocks it."""
		if self.hold != BLOCK or not self.batch:
			return
		if frappe.db.get_value("Batch", self.batch, "md_batch_status") != rules.BLOCKED:
			return
		if frappe.db.exists(
			DOCTYPE, {"batch": self.batch, "hold": BLOCK, "docstatus": 0, "name": ("!=", self.name)}
		):
			return
		target = rules.QUARANTINE if self.disposition == REWORK else self.status_before_hold
		if target not in (rules.QUARANTINE, rules.RELEASED):
			return
		set_batch_status(
			self.batch,
			target,
			stored_texts.NONCONFORMANCE_DISPOSITION.text(self.name, self.disposition),
			DOCTYPE,
			self.name,
			check_role=False,
		)

	def before_cancel(self):
		frappe.throw(
			_("A disposition is final: raise a new nonconformance to correct it."),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)


def reinspected(doc) -> bool:
	"""An accepted inspection of the product made since the nonconformance was raised."""
	filters = {
		"item_code": doc.item_code,
		"status": "Accepted",
		"docstatus": 1,
		"creation": (">", doc.creation),
	}
	if doc.batch:
		filters["batch_no"] = doc.batch
	return bool(frappe.db.exists("Quality Inspection", filters))


def supplier_of(batch: str) -> tuple[str | None, str | None]:
	"""The supplier and Purchase Receipt that first brought the batch in, from the ledger."""
	for row in movements(batches=[batch]):
		if row.voucher_type == "Purchase Receipt" and row.qty > 0:
			return row.party, row.voucher_no
	return None, None


def last_status_before_block(batch: str) -> str | None:
	rows = frappe.get_all(
		"Batch Status Change",
		filters={"batch": batch, "to_status": rules.BLOCKED},
		fields=["from_status"],
		order_by="changed_on desc, name desc",
		limit=1,
	)
	return rows[0].from_status if rows else None


@frappe.whitelist()
@inputs.endpoint
def make_nonconformance(source_doctype: str, source_name: str) -> dict:
	"""A new nonconformance filled from its source (a Quality Inspection, Temperature Log or Device Complaint),
	for the form to open: nothing is saved."""
	source = inputs.choice(
		source_doctype, _("Source"), ("Quality Inspection", "Temperature Log", "Device Complaint")
	)
	from medical_devices import access

	source_name = access.record(source, source_name)
	doc = frappe.get_doc(source, source_name)
	values = {"doctype": DOCTYPE, "company": doc.get("company")}
	if source == "Quality Inspection":
		values.update(
			source="Quality Inspection",
			quality_inspection=doc.name,
			item_code=doc.item_code,
			batch=doc.batch_no,
		)
	elif source == "Device Complaint":
		values.update(
			source="Device Complaint",
			device_complaint=doc.name,
			item_code=doc.item_code,
			batch=doc.batch,
			serial_nos=doc.serial_no,
			qty=doc.qty or 1,
			description=doc.description,
		)
	else:
		batches = [b.strip() for b in (doc.quarantined_batches or "").split(",") if b.strip()]
		values.update(source="Temperature Excursion", temperature_log=doc.name)
		if batches:
			batch = frappe.db.get_value("Batch", {"name": batches[0]}, ["name", "item"], as_dict=True) or {}
			values.update(batch=batch.get("name"), item_code=batch.get("item"))
	return values


# --- what open nonconformances hold ------------------------------------------------------------------------


def held_quantity(
	item_code: str, batch: str | None, warehouse: str, except_return: str | None = None
) -> float:
	"""What nonconformances hold of the item (and batch) in a rejected warehouse: the open ones' quantities, and
	those returned to the supplier until the return (other than `except_return`, the one being made) is submitted."""
	filters = {"item_code": item_code, "rejected_warehouse": warehouse, "hold": MOVE}
	if batch:
		filters["batch"] = batch
	open_ones = frappe.get_all(DOCTYPE, filters={**filters, "docstatus": 0}, fields=["qty", "hold_entry"])
	returning = frappe.get_all(  # (a return being prepared by its disposition has no name on it yet)
		DOCTYPE,
		filters={**filters, "docstatus": 1, "disposition": RETURN, "purchase_return": ("is", "set")},
		fields=["qty", "purchase_return"],
	)
	made = set(
		frappe.get_all(
			"Purchase Receipt",
			filters={
				"name": ("in", [r.purchase_return for r in returning if r.purchase_return] or [""]),
				"docstatus": 1,
			},
			pluck="name",
		)
	)
	return flt(sum(flt(r.qty) for r in open_ones if r.hold_entry)) + flt(
		sum(
			flt(r.qty)
			for r in returning
			if r.purchase_return not in made and r.purchase_return != except_return
		)
	)


def holds_in(warehouse: str) -> bool:
	"""Whether any nonconformance holds product in the warehouse now."""
	if frappe.db.exists(
		DOCTYPE, {"rejected_warehouse": warehouse, "hold": MOVE, "docstatus": 0, "hold_entry": ("is", "set")}
	):
		return True
	returns = frappe.get_all(
		DOCTYPE,
		filters={
			"rejected_warehouse": warehouse,
			"hold": MOVE,
			"docstatus": 1,
			"disposition": RETURN,
			"purchase_return": ("is", "set"),
		},
		pluck="purchase_return",
	)
	return bool(returns) and bool(
		frappe.db.exists("Purchase Receipt", {"name": ("in", returns), "docstatus": ("!=", 1)})
	)
