"""A quality cost of one batch (inspection, testing, rework, scrap and destruction) in the General Ledger: on
submit a Journal Entry debits the expense account and credits where it is paid from, both rows carrying the batch
as accounting dimension, so that the batch's cost and the reconciliation read it back from the ledger. Cancel
reverses it."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt

from medical_devices import stored_texts
from medical_devices.audit import controlled
from medical_devices.md_finance.ledger import BATCH_FIELD, QUALITY_COSTS, finance_account
from medical_devices.medical_devices import ledger

PARTY_TYPES = ("Supplier", "Employee")


class QualityCostEntry(Document):
	def validate(self):
		if self.docstatus == 0:  # a copy or amendment starts unposted
			self.journal_entry = None
		if flt(self.amount) <= 0:
			frappe.throw(_("Enter an amount greater than zero."))
		self.validate_batch()
		self.validate_quality_record()
		ledger.set_cost_center(self)
		if not self.expense_account:
			self.expense_account = finance_account(self.company, QUALITY_COSTS)
		ledger.check_account(self.company, self.expense_account, _("Expense Account"), root_type="Expense")
		ledger.check_credit(self, self.company, PARTY_TYPES, _("Credit Account"), refuse_expense=True)

	def validate_batch(self):
		self.item_code = frappe.db.get_value("Batch", self.batch, "item")
		if not self.item_code:
			frappe.throw(_("Batch {0} does not exist.").format(self.batch))
		if self.quality_inspection:
			inspection = frappe.db.get_value(
				"Quality Inspection", self.quality_inspection, ["batch_no", "docstatus"], as_dict=True
			)
			if inspection.docstatus == 2 or (inspection.batch_no and inspection.batch_no != self.batch):
				frappe.throw(
					_("Quality Inspection {0} is cancelled or inspects another batch.").format(
						self.quality_inspection
					)
				)

	def validate_quality_record(self):
		"""The complaint, nonconformance or CAPA whose cost this is: of the same batch when it names one."""
		if not self.quality_record_type:
			self.quality_record = None
			return
		if not self.quality_record:
			frappe.throw(_("Name the {0} this cost belongs to.").format(_(self.quality_record_type)))
		batch = frappe.db.get_value(self.quality_record_type, self.quality_record, "batch")
		if batch is None and not frappe.db.exists(self.quality_record_type, self.quality_record):
			frappe.throw(
				_("{0} {1} does not exist.").format(_(self.quality_record_type), self.quality_record)
			)
		if batch and batch != self.batch:
			frappe.throw(
				_("{0} {1} is about batch {2}, not {3}.").format(
					_(self.quality_record_type), self.quality_record, batch, self.batch
				)
			)

	def on_submit(self):
		ledger.refuse_second_posting(self)
		with stored_texts.in_site_language():  # the books' language
			remark = f"{_(self.cost_type)}: {self.description}"
			journal_remark = _("Quality cost of batch {0} (Quality Cost Entry {1})").format(
				frappe.db.get_value("Batch", self.batch, "batch_id") or self.batch, self.name
			)
		debit = {"account": self.expense_account, "debit": self.amount, "remark": remark}
		credit = {
			"account": self.credit_account,
			"credit": self.amount,
			"party_type": self.party_type,
			"party": self.party,
			"remark": remark,
		}
		journal_entry = ledger.post_journal_entry(
			self,
			[debit, credit],
			journal_remark,
			{BATCH_FIELD: self.batch},
		)
		controlled.allow(self, f"{__name__}.QualityCostEntry.on_submit", journal_entry=journal_entry)
		self.db_set("journal_entry", self.journal_entry)

	def before_cancel(self):
		ledger.before_cancel(self)

	def on_cancel(self):
		ledger.cancel_postings(self)
