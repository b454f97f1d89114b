"""A quality cost of one batch (inspection, testing, rework, scrap and destruction) in the General Ledger: on
submit a Journal Entry debits the expense account and credits where it is paid from, both rows carrying the batch
as accounting dimension, so that the batch's cost and the reconciliation read it back from the ledger. Cancel
reverses it."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt

from medical_devices.audit import controlled
from medical_devices.md_finance.ledger import BATCH_FIELD, QUALITY_COSTS, finance_account

PARTY_TYPES = ("Supplier", "Employee")


class QualityCostEntry(Document):
	def validate(self):
		if self.docstatus == 0:  # a copy or amendment starts unposted
			self.journal_entry = None
		if flt(self.amount) <= 0:
			frappe.throw(_("Enter an amount greater than zero."))
		self.validate_batch()
		self.set_cost_center()
		if not self.expense_account:
			self.expense_account = finance_account(self.company, QUALITY_COSTS)
		self.validate_account(self.expense_account, _("Expense Account"), root_type="Expense")
		self.validate_credit()

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

	def set_cost_center(self):
		if not self.cost_center:
			self.cost_center = frappe.get_cached_value("Company", self.company, "cost_center")
		if frappe.db.get_value("Cost Center", self.cost_center, "company") != self.company:
			frappe.throw(
				_("Cost Center {0} does not belong to company {1}.").format(self.cost_center, self.company)
			)

	def validate_account(self, account_name, label, root_type=None):
		account = frappe.get_cached_value(
			"Account", account_name, ["company", "is_group", "root_type", "account_type"], as_dict=True
		)
		if not account or account.company != self.company or account.is_group:
			frappe.throw(
				_("{0}: {1} is not a ledger account of company {2}.").format(
					label, frappe.bold(account_name), self.company
				)
			)
		if root_type and account.root_type != root_type:
			frappe.throw(_("{0}: {1} is not an expense account.").format(label, frappe.bold(account_name)))
		return account

	def validate_credit(self):
		if self.party_type and self.party_type not in PARTY_TYPES:
			frappe.throw(
				_("Party type must be one of {0}.").format(
					", ".join(_(party_type) for party_type in PARTY_TYPES)
				)
			)
		if bool(self.party_type) != bool(self.party):
			frappe.throw(_("Give both the party type and the party, or neither."))
		if not self.credit_account:
			fieldname = "default_payable_account" if self.party_type == "Supplier" else "default_cash_account"
			self.credit_account = frappe.get_cached_value("Company", self.company, fieldname)
		if not self.credit_account:
			frappe.throw(_("Choose the account to credit."))
		account = self.validate_account(self.credit_account, _("Credit Account"))
		if account.account_type in ("Payable", "Receivable") and not self.party:
			frappe.throw(
				_("Crediting {0} needs the party it is owed to.").format(frappe.bold(self.credit_account))
			)
		if account.root_type == "Expense":
			frappe.throw(
				_("Credit Account: {0} is an expense account.").format(frappe.bold(self.credit_account))
			)

	def on_submit(self):
		posted = frappe.db.get_value("Journal Entry", {"md_quality_cost_entry": self.name, "docstatus": 1})
		if posted:
			frappe.throw(_("Quality Cost Entry {0} is already posted by {1}.").format(self.name, posted))
		controlled.allow(
			self, f"{__name__}.QualityCostEntry.on_submit", journal_entry=self.make_journal_entry()
		)
		self.db_set("journal_entry", self.journal_entry)

	def make_journal_entry(self) -> str:
		remark = f"{_(self.cost_type)}: {self.description}"
		journal = frappe.new_doc("Journal Entry")
		journal.update(
			{
				"voucher_type": "Journal Entry",
				"company": self.company,
				"posting_date": self.posting_date,
				"md_quality_cost_entry": self.name,
				"user_remark": _("Quality cost of batch {0} (Quality Cost Entry {1})").format(
					frappe.db.get_value("Batch", self.batch, "batch_id") or self.batch, self.name
				),
			}
		)
		common = {"cost_center": self.cost_center, "user_remark": remark, BATCH_FIELD: self.batch}
		journal.append(
			"accounts", {"account": self.expense_account, "debit_in_account_currency": self.amount, **common}
		)
		journal.append(
			"accounts",
			{
				"account": self.credit_account,
				"credit_in_account_currency": self.amount,
				"party_type": self.party_type,
				"party": self.party,
				**common,
			},
		)
		journal.flags.ignore_permissions = True  # submitting this entry is the permission to post it
		journal.insert()
		journal.submit()
		return journal.name

	def before_cancel(self):
		self.ignore_linked_doctypes = ("GL Entry", "Payment Ledger Entry", "Journal Entry")

	def on_cancel(self):
		if self.journal_entry and frappe.db.get_value("Journal Entry", self.journal_entry, "docstatus") == 1:
			journal = frappe.get_doc("Journal Entry", self.journal_entry)
			journal.flags.md_cancelled_by_source = True
			journal.cancel()


def block_direct_cancel(doc, method=None):
	"""Journal Entry / Stock Entry before_cancel: a posting made by a Quality Cost Entry or a Device Write Off is
	reversed by cancelling that document."""
	if doc.flags.md_cancelled_by_source:
		return
	for fieldname, doctype in (
		("md_quality_cost_entry", "Quality Cost Entry"),
		("md_device_write_off", "Device Write Off"),
	):
		source = doc.get(fieldname)
		if source and frappe.db.get_value(doctype, source, "docstatus") == 1:
			frappe.throw(
				_("{0} {1} posts {2} {3}: cancel that instead.").format(
					_(doc.doctype), doc.name, _(doctype), source
				),
				title=_("Not Permitted"),
			)
