"""The periodic count of a hospital's consignment stock (寄售盘点), with the hospital. What should be there is read
from the ledger on the count date, less what the hospital reported used and is not billed yet. The differences are
approved by a second person (a Stock, Accounts or Quality Manager other than who prepared the count), whose submit
posts them: a shortfall is issued from the consignment warehouse to the difference account, a surplus received
into it, each row with its batch as accounting dimension. Unreported use is not a difference to post: ask the
hospital for its usage report first."""

import frappe
from frappe import _
from frappe.utils import flt, getdate, today

from medical_devices import inputs, stored_texts
from medical_devices.audit import controlled
from medical_devices.devices import device_items
from medical_devices.gsp.batch_status import batch_label
from medical_devices.md_finance.ledger import BATCH_FIELD
from medical_devices.md_hospitals import consignment
from medical_devices.medical_devices import ledger

VALIDATE = f"{__name__}.ConsignmentStockCount.validate"
APPROVE = f"{__name__}.ConsignmentStockCount.before_submit"
POST = f"{__name__}.ConsignmentStockCount.on_submit"
COUNT_APPROVERS = ("Stock Manager", "Accounts Manager", "Quality Manager")
DIFFERENCE_ACCOUNT = "Consignment Stock Differences"


class CountApprovalError(frappe.PermissionError):
	pass


class ConsignmentStockCount(inputs.CheckedDocument):
	def validate(self):
		self.warehouse = consignment.require_warehouse(self.company, self.customer)
		if getdate(self.count_date) > getdate(today()):
			frappe.throw(_("The count date cannot be in the future."), inputs.InvalidInputError)
		if not self.items:
			frappe.throw(_("Add the counted stock."), inputs.InvalidInputError)
		ledger.set_cost_center(self)
		if self.docstatus == 0:
			controlled.allow(
				self,
				VALIDATE,
				difference_account=difference_account(self.company),
				approved_by=None,
				issue_entry=None,
				receipt_entry=None,
			)
			self.set_book_quantities()
		self.total_difference_qty = sum(flt(row.difference_qty) for row in self.items)
		self.total_difference_amount = flt(sum(flt(row.difference_amount) for row in self.items), 2)

	def set_book_quantities(self):
		items = device_items([row.item_code for row in self.items], ("has_batch_no", "has_serial_no"))
		book = book_stock(self.warehouse, self.count_date)
		used = consignment.unbilled_by_batch(self.warehouse)
		seen = set()
		for row in self.items:
			if row.item_code not in items:
				frappe.throw(
					_("Row #{0}: {1} is not a medical device.").format(row.idx, row.item_code),
					inputs.InvalidInputError,
				)
			if items[row.item_code].has_batch_no and not row.batch_no:
				frappe.throw(
					_("Row #{0}: choose the batch of {1}.").format(row.idx, row.item_code),
					inputs.InvalidInputError,
				)
			key = (row.item_code, row.batch_no or None)
			if key in seen:
				frappe.throw(
					_("Row #{0}: this batch is already on an earlier row.").format(row.idx),
					inputs.InvalidInputError,
				)
			seen.add(key)
			if flt(row.counted_qty) < 0:
				frappe.throw(
					_("Row #{0}: a counted quantity cannot be negative.").format(row.idx),
					inputs.InvalidInputError,
				)
			qty, value = book.get(key, (0.0, 0.0))
			row.book_qty = qty
			row.used_qty = used.get(key, 0.0)
			row.expected_qty = qty - row.used_qty
			row.difference_qty = flt(row.counted_qty) - row.expected_qty
			row.valuation_rate = flt(value / qty, 6) if qty else item_valuation_rate(row.item_code)
			row.difference_amount = flt(row.difference_qty * row.valuation_rate, 2)
			if items[row.item_code].has_serial_no:
				self.check_missing_serials(row)
			else:
				row.serial_no = None

	def check_missing_serials(self, row):
		"""A serialised device counted short names the units not found; one found in surplus is not booked here
		(its serial number is on the books somewhere else: find it there)."""
		missing = [serial.strip() for serial in (row.serial_no or "").split("\n") if serial.strip()]
		if row.difference_qty > 1e-9:
			frappe.throw(
				_(
					"Row #{0}: more serialised units of {1} were counted than the books hold at the hospital: find where the books have the extra serial numbers."
				).format(row.idx, row.item_code),
				inputs.InvalidInputError,
			)
		if len(set(missing)) != round(-row.difference_qty):
			frappe.throw(
				_("Row #{0}: {1} units of {2} are missing: name their serial numbers.").format(
					row.idx, flt(-row.difference_qty), row.item_code
				),
				inputs.InvalidInputError,
			)
		if missing:
			found = frappe.get_all(
				"Serial No",
				filters={"name": ("in", missing), "warehouse": self.warehouse, "item_code": row.item_code},
				pluck="name",
			)
			unknown = sorted(set(missing) - set(found))
			if unknown:
				frappe.throw(
					_("Row #{0}: serial numbers {1} are not in the consignment stock of {2}.").format(
						row.idx, ", ".join(unknown), self.customer
					),
					inputs.InvalidInputError,
				)
		row.serial_no = "\n".join(missing) or None

	def before_submit(self):
		from medical_devices.audit.trail import has_edited

		approver = frappe.session.user
		if approver == self.owner or has_edited(self.doctype, self.name, approver):
			frappe.throw(
				_(
					"A count's differences are approved by a second person: {0} prepared or changed it and cannot approve it."
				).format(approver),
				CountApprovalError,
				title=_("Approval Needed"),
			)
		if not set(COUNT_APPROVERS) & set(frappe.get_roles(approver)):
			frappe.throw(
				_(
					"Only a Stock Manager, Accounts Manager or Quality Manager approves a count's differences."
				),
				CountApprovalError,
				title=_("Approval Needed"),
			)
		if (
			any(abs(flt(row.difference_qty)) > 1e-9 for row in self.items)
			and not (self.explanation or "").strip()
		):
			frappe.throw(_("Explain the differences before they are posted."), inputs.InvalidInputError)
		controlled.allow(self, APPROVE, approved_by=approver)

	def on_submit(self):
		ledger.refuse_second_posting(self)
		shortfall = [row for row in self.items if flt(row.difference_qty) < -1e-9]
		surplus = [row for row in self.items if flt(row.difference_qty) > 1e-9]
		with stored_texts.in_site_language():  # the books' language
			remark = _("Consignment stock count of {0} on {1}, approved by {2}: {3}").format(
				self.customer, self.count_date, self.approved_by, self.explanation or ""
			)
		entries = {}
		header = {"posting_date": self.count_date}
		if shortfall:
			entries["issue_entry"] = ledger.post_stock_entry(
				self,
				"Material Issue",
				[self.posting_row(row, s_warehouse=self.warehouse) for row in shortfall],
				remark,
				header,
			).name
		if surplus:
			entries["receipt_entry"] = ledger.post_stock_entry(
				self,
				"Material Receipt",
				[self.posting_row(row, t_warehouse=self.warehouse) for row in surplus],
				remark,
				header,
			).name
		if entries:
			controlled.allow(self, POST, **entries)
			self.db_update()

	def posting_row(self, row, **warehouse) -> dict:
		return {
			"item_code": row.item_code,
			"qty": abs(flt(row.difference_qty)),
			"batch_no": row.batch_no,
			"serial_no": row.serial_no,
			"expense_account": self.difference_account,
			"basic_rate": row.valuation_rate,
			"allow_zero_valuation_rate": 0 if flt(row.valuation_rate) else 1,
			BATCH_FIELD: row.batch_no,
			**warehouse,
		}

	def before_cancel(self):
		ledger.before_cancel(self)

	def on_cancel(self):
		ledger.cancel_postings(self)


def difference_account(company: str) -> str:
	return ledger.stock_expense_account(company, DIFFERENCE_ACCOUNT)


def book_stock(warehouse: str, on_date) -> dict[tuple, tuple[float, float]]:
	"""(item, batch) -> (quantity, value) in the warehouse at the end of `on_date`, from the stock ledger."""
	sle = frappe.qb.DocType("Stock Ledger Entry")
	entry = frappe.qb.DocType("Serial and Batch Entry")
	from frappe.query_builder.functions import Coalesce, Sum

	by_batch = (
		frappe.qb.from_(sle)
		.left_join(entry)
		.on(entry.parent == sle.serial_and_batch_bundle)
		.select(
			sle.item_code,
			Coalesce(entry.batch_no, sle.batch_no).as_("batch"),
			Sum(Coalesce(entry.qty, sle.actual_qty)).as_("qty"),
			Sum(Coalesce(entry.stock_value_difference, sle.stock_value_difference)).as_("value"),
		)
		.where(sle.warehouse == warehouse)
		.where(sle.is_cancelled == 0)
		.where(sle.posting_date <= getdate(on_date))
		.groupby(sle.item_code, Coalesce(entry.batch_no, sle.batch_no))
	).run(as_dict=True)
	return {(row.item_code, row.batch or None): (flt(row.qty), flt(row.value)) for row in by_batch}


def item_valuation_rate(item_code: str) -> float:
	return flt(frappe.db.get_value("Item", item_code, "valuation_rate"))


@frappe.whitelist()
@inputs.endpoint
def book_rows(company: str, customer: str, count_date: str | None = None) -> list[dict]:
	"""The rows to count: every item and batch the hospital's consignment warehouse holds on the books."""
	from medical_devices import access

	company = access.company(company, "Consignment Stock Count", "create", required=True)
	customer = access.record("Customer", customer)
	warehouse = consignment.require_warehouse(company, customer)
	on_date = inputs.date(count_date, _("Count Date"), required=False) or getdate(today())
	return [
		{
			"item_code": item_code,
			"batch_no": batch,
			"book_qty": qty,
			"counted_qty": 0,
			"batch_label": batch_label(batch) if batch else None,
		}
		for (item_code, batch), (qty, _value) in sorted(
			book_stock(warehouse, on_date).items(), key=lambda kv: (kv[0][0], kv[0][1] or "")
		)
		if abs(qty) > 1e-9
	]
