"""Expired or damaged device stock written off: prepared by stock or quality staff with a reason, approved by a
second person (an Accounts Manager or Quality Manager other than the preparer) whose submit posts a Material Issue
(a Device Disposal, so expired and blocked batches may leave) to the company's write-off account, each row
carrying its batch as accounting dimension. Values are those of the Expiry Risk report, so the value at risk it
shows and the write-off agree."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt, getdate, today

from medical_devices import access, inputs, stored_texts
from medical_devices.audit import controlled
from medical_devices.controls import WRITE_OFF_APPROVERS
from medical_devices.devices import is_device
from medical_devices.gsp.batch_status import batch_label
from medical_devices.gsp.stock import check_batch_and_warehouse
from medical_devices.md_finance.ledger import BATCH_FIELD, WRITE_OFF, finance_account
from medical_devices.medical_devices import ledger

APPROVE = f"{__name__}.DeviceWriteOff.before_submit"
POST = f"{__name__}.DeviceWriteOff.on_submit"


class WriteOffApprovalError(frappe.PermissionError):
	pass


class DeviceWriteOff(Document):
	def validate(self):
		if self.docstatus == 0:
			self.stock_entry = self.approved_by = None
		if not self.items:
			frappe.throw(_("Add the stock to write off."))
		self.write_off_account = finance_account(self.company, WRITE_OFF)
		ledger.set_cost_center(self)
		self.validate_items()
		self.set_values()

	def validate_items(self):
		seen = set()
		for row in self.items:
			if flt(row.qty) <= 0:
				frappe.throw(_("Row {0}: enter a quantity greater than zero.").format(row.idx))
			if not is_device(row.item_code) or not frappe.get_cached_value(
				"Item", row.item_code, "has_batch_no"
			):
				frappe.throw(
					_(
						"Row {0}: {1} is not a medical device kept in batches; write it off with a Material Issue."
					).format(row.idx, row.item_code)
				)
			if not row.batch_no:
				frappe.throw(_("Row {0}: choose the batch of {1}.").format(row.idx, row.item_code))
			check_batch_and_warehouse(
				_("Row {0}").format(row.idx), row.item_code, row.batch_no, row.warehouse, self.company
			)
			key = (row.item_code, row.batch_no, row.warehouse)
			if key in seen:
				frappe.throw(
					_("Row {0}: this batch and warehouse is already on an earlier row.").format(row.idx)
				)
			seen.add(key)

	def set_values(self):
		"""Before submit: quantity and value on hand per the Expiry Risk valuation; after: what was issued."""
		if self.docstatus == 0:
			on_hand = stock_on_hand(self.company, [row.item_code for row in self.items])
			for row in self.items:
				qty, value = on_hand.get((row.item_code, row.batch_no, row.warehouse), (0.0, 0.0))
				if flt(row.qty) > qty + 1e-9:
					frappe.throw(
						_("Row {0}: only {1} of {2} is in {3}; {4} cannot be written off.").format(
							row.idx,
							flt(qty),
							frappe.bold(batch_label(row.batch_no)),
							row.warehouse,
							flt(row.qty),
						)
					)
				row.valuation_rate = flt(value / qty, 6) if qty else 0
				row.amount = flt(row.valuation_rate * flt(row.qty), 2)
		self.total_qty = sum(flt(row.qty) for row in self.items)
		self.total_amount = flt(sum(flt(row.amount) for row in self.items), 2)

	def before_submit(self):
		from medical_devices.audit.trail import has_edited

		approver = frappe.session.user
		if approver == self.owner or has_edited(self.doctype, self.name, approver):
			frappe.throw(
				_(
					"A write-off is approved by a second person: {0} prepared or changed it and cannot approve it."
				).format(approver),
				WriteOffApprovalError,
				title=_("Approval Needed"),
			)
		if not set(WRITE_OFF_APPROVERS) & set(frappe.get_roles(approver)):
			frappe.throw(
				_("Only an Accounts Manager or Quality Manager approves a write-off."),
				WriteOffApprovalError,
				title=_("Approval Needed"),
			)
		controlled.allow(self, APPROVE, approved_by=approver)

	def on_submit(self):
		ledger.refuse_second_posting(self)
		entry = self.post_material_issue()
		for row, detail in zip(self.items, entry.items, strict=True):
			row.valuation_rate = detail.valuation_rate
			row.amount = flt(detail.amount, 2)
			row.db_update()
		controlled.allow(self, POST, stock_entry=entry.name)
		self.set_values()
		self.db_update()

	def post_material_issue(self):
		rows = [
			{
				"item_code": row.item_code,
				"warehouse": row.warehouse,
				"qty": row.qty,
				"batch_no": row.batch_no,
				"expense_account": self.write_off_account,
				BATCH_FIELD: row.batch_no,
			}
			for row in self.items
		]
		with stored_texts.in_site_language():  # the books' language
			remark = _("Write-off ({0}) approved by {1}: {2}").format(
				_(self.reason), self.approved_by, self.reason_details
			)
		return ledger.post_material_issue(self, rows, remark, {"md_is_disposal": 1})

	def before_cancel(self):
		ledger.before_cancel(self)

	def on_cancel(self):
		ledger.cancel_postings(self)


def stock_on_hand(company: str, item_codes: list[str]) -> dict[tuple, tuple[float, float]]:
	"""(item, batch, warehouse) -> (quantity, value) today, valued as the Expiry Risk report values it."""
	from medical_devices.gsp.report.expiry_risk.expiry_risk import get_data

	on_hand = {}
	for item_code in set(item_codes):
		for row in get_data(frappe._dict(company=company, item_code=item_code), getdate(today()), []):
			on_hand[(row["item_code"], row["batch"], row["warehouse"])] = (row["qty"], row["value"])
	return on_hand


REASONS = ("Expired", "Damaged", "Quality Failure", "Recalled", "Other")


@frappe.whitelist()
@inputs.endpoint
def expired_stock(company: str, reason: str = "Expired") -> list[dict]:
	"""The rows to write off: device stock that has expired (or, for Near Expiry, is inside the widest alert
	window), as the Expiry Risk report lists it today."""
	from medical_devices.gsp.report.expiry_risk.expiry_risk import get_data
	from medical_devices.medical_devices.doctype.medical_device_settings.medical_device_settings import (
		alert_windows,
	)

	company = access.company(company, "Device Write Off", "create")
	reason = inputs.choice(reason, _("Reason"), REASONS)
	rows = get_data(frappe._dict(company=company, only_at_risk=1), getdate(today()), alert_windows())
	if reason == "Expired":
		rows = [row for row in rows if row["bucket_key"] == "Expired"]
	return [
		{
			"item_code": row["item_code"],
			"batch_no": row["batch"],
			"warehouse": row["warehouse"],
			"qty": row["qty"],
			"valuation_rate": flt(row["value"] / row["qty"], 6) if row["qty"] else 0,
			"amount": row["value"],
		}
		for row in rows
	]
