"""What a recall cost, in the General Ledger: on submit a Journal Entry (expense per category against the account
each line credits) and, for replacement product, a Material Issue at cost, both carrying the recall as accounting
dimension. A provision books the expected cost up front; actual costs then use it up, and a release returns what
is left. Cancel reverses exactly what submit posted."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt

from medical_devices import access, inputs
from medical_devices.audit import controlled, trail
from medical_devices.gsp.batch_status import batch_label
from medical_devices.gsp.stock import check_batch_and_warehouse
from medical_devices.recall import costs
from medical_devices.recall.ledger import DIMENSION_FIELD, open_provision, recall_account

PARTY_TYPES = ("Supplier", "Employee", "Customer", "Shareholder")


class RecallCostEntry(Document):
	def validate(self):
		if self.docstatus == 0:  # a copy or amendment starts unposted
			self.journal_entry = self.stock_entry = None
			self.provision_released = 0
			for row in self.replacement_items:
				row.valuation_rate = row.amount = 0
		recall = self.validate_recall()
		self.company = recall.company
		self.set_cost_center()
		if self.entry_type == costs.ACTUAL_COST:
			self.provision_amount = 0
			self.validate_cost_lines(recall)
			self.validate_replacement_items()
		else:
			self.set("costs", [])
			self.set("replacement_items", [])
			self.validate_provision()
		self.set_totals()

	def validate_recall(self):
		recall = frappe.get_doc("Device Recall", self.device_recall)
		if recall.docstatus != 1:
			frappe.throw(
				_("Costs are booked against a submitted recall; {0} is not submitted.").format(
					frappe.bold(self.device_recall)
				)
			)
		return recall

	def set_cost_center(self):
		if not self.cost_center:
			self.cost_center = frappe.get_cached_value("Company", self.company, "cost_center")
		if not self.cost_center:
			frappe.throw(_("Set a Cost Center: company {0} has no default one.").format(self.company))
		if frappe.db.get_value("Cost Center", self.cost_center, "company") != self.company:
			frappe.throw(
				_("Cost Center {0} does not belong to company {1}.").format(self.cost_center, self.company)
			)

	def validate_cost_lines(self, recall):
		if not self.costs and not self.replacement_items:
			frappe.throw(_("Add at least one cost line or replacement item."))
		recalled = recalled_batches(recall)
		for row in self.costs:
			if flt(row.amount) <= 0:
				frappe.throw(_("Costs row {0}: enter an amount greater than zero.").format(row.idx))
			row.expense_account = recall_account(self.company, row.cost_category)
			if row.batch:
				if row.batch not in recalled:
					frappe.throw(
						_("Costs row {0}: batch {1} is not one of the batches of recall {2}.").format(
							row.idx, frappe.bold(batch_label(row.batch)), self.device_recall
						)
					)
				row.item_code = recalled[row.batch]
			self.validate_credit(row)

	def validate_credit(self, row):
		if row.party_type and row.party_type not in PARTY_TYPES:
			frappe.throw(
				_("Costs row {0}: party type must be one of {1}.").format(
					row.idx, ", ".join(_(party_type) for party_type in PARTY_TYPES)
				)
			)
		if bool(row.party_type) != bool(row.party):
			frappe.throw(
				_("Costs row {0}: give both the party type and the party, or neither.").format(row.idx)
			)
		if not row.credit_account:
			fieldname = "default_payable_account" if row.party_type == "Supplier" else "default_cash_account"
			row.credit_account = frappe.get_cached_value("Company", self.company, fieldname)
		if not row.credit_account:
			frappe.throw(_("Costs row {0}: choose the account to credit.").format(row.idx))
		account = frappe.get_cached_value(
			"Account", row.credit_account, ["company", "is_group", "account_type"], as_dict=True
		)
		if not account or account.company != self.company or account.is_group:
			frappe.throw(
				_("Costs row {0}: {1} is not a ledger account of company {2}.").format(
					row.idx, frappe.bold(row.credit_account), self.company
				)
			)
		if account.account_type in ("Payable", "Receivable") and not row.party:
			frappe.throw(
				_("Costs row {0}: crediting {1} needs the party it is owed to.").format(
					row.idx, frappe.bold(row.credit_account)
				)
			)

	def validate_replacement_items(self):
		for row in self.replacement_items:
			if flt(row.qty) <= 0:
				frappe.throw(_("Replacement row {0}: enter a quantity greater than zero.").format(row.idx))
			item = frappe.get_cached_value(
				"Item", row.item_code, ["is_stock_item", "has_batch_no"], as_dict=True
			)
			if not item.is_stock_item:
				frappe.throw(
					_("Replacement row {0}: {1} is not a stock item.").format(row.idx, row.item_code)
				)
			if item.has_batch_no and not row.batch:
				frappe.throw(
					_("Replacement row {0}: choose the batch of {1} to issue.").format(row.idx, row.item_code)
				)
			check_batch_and_warehouse(
				_("Replacement row {0}").format(row.idx),
				row.item_code,
				row.batch,
				row.warehouse,
				self.company,
			)
		if self.replacement_items:
			recall_account(self.company, costs.REPLACEMENT)

	def validate_provision(self):
		recall_account(self.company, costs.PROVISION_EXPENSE)
		self.open_provision = open_provision(self.device_recall, self.company)
		if self.entry_type == costs.PROVISION:
			if flt(self.provision_amount) <= 0:
				frappe.throw(_("Enter the provision amount."))
			return
		if self.open_provision <= 0:
			frappe.throw(_("Recall {0} has no open provision to release.").format(self.device_recall))
		if not flt(self.provision_amount):
			self.provision_amount = self.open_provision
		if flt(self.provision_amount) > self.open_provision:
			frappe.throw(
				_("Only {0} of the provision for recall {1} is open; {2} cannot be released.").format(
					frappe.format_value(self.open_provision, "Currency"),
					self.device_recall,
					frappe.format_value(self.provision_amount, "Currency"),
				)
			)

	def set_totals(self):
		self.total_costs = costs.round_money(sum(flt(row.amount) for row in self.costs))
		self.replacement_value = costs.round_money(sum(flt(row.amount) for row in self.replacement_items))
		if self.entry_type == costs.ACTUAL_COST:
			self.total_amount = costs.round_money(self.total_costs + self.replacement_value)
		else:
			self.total_amount = costs.round_money(self.provision_amount)

	def on_submit(self):
		self.refuse_second_posting()
		if self.replacement_items:
			self.issue_replacement_stock()
		self.set_totals()
		if self.entry_type == costs.ACTUAL_COST and self.release_provision:
			self.provision_released = costs.provision_to_release(
				self.total_amount, open_provision(self.device_recall, self.company)
			)
		lines = self.journal_lines()
		if lines:
			self.journal_entry = self.make_journal_entry(lines)
		controlled.allow_current(
			self, f"{__name__}.RecallCostEntry.on_submit", "journal_entry", "stock_entry"
		)
		self.db_update()
		self.update_children()
		update_recall_cost(self.device_recall)

	def refuse_second_posting(self):
		for doctype in ("Journal Entry", "Stock Entry"):
			posted = frappe.db.get_value(doctype, {"md_recall_cost_entry": self.name, "docstatus": 1})
			if posted:
				frappe.throw(
					_("Recall Cost Entry {0} is already posted by {1} {2}.").format(
						self.name, _(doctype), posted
					)
				)

	def issue_replacement_stock(self):
		account = recall_account(self.company, costs.REPLACEMENT)
		entry = frappe.new_doc("Stock Entry")
		entry.update(
			{
				"stock_entry_type": "Material Issue",
				"purpose": "Material Issue",
				"company": self.company,
				"posting_date": self.posting_date,
				"set_posting_time": 1,
				DIMENSION_FIELD: self.device_recall,
				"md_recall_cost_entry": self.name,
				"remarks": _("Replacement product for recall {0} (Recall Cost Entry {1})").format(
					self.device_recall, self.name
				),
			}
		)
		for row in self.replacement_items:
			entry.append(
				"items",
				{
					"item_code": row.item_code,
					"s_warehouse": row.warehouse,
					"qty": row.qty,
					"batch_no": row.batch,
					"use_serial_batch_fields": 1 if row.batch else 0,
					"expense_account": account,
					"cost_center": self.cost_center,
					DIMENSION_FIELD: self.device_recall,
				},
			)
		entry.flags.ignore_permissions = True  # submitting this entry is the permission to post it
		entry.insert()
		entry.submit()
		for row, detail in zip(self.replacement_items, entry.items, strict=True):
			row.valuation_rate = detail.valuation_rate
			row.amount = costs.round_money(detail.amount)
		self.stock_entry = entry.name

	def journal_lines(self) -> list[dict]:
		"""Balanced debit/credit rows: one pair per cost line, then the provision movement."""
		rows = []
		for row in self.costs:
			remark = f"{_(row.cost_category)}: {row.description or ''}".strip(": ")
			rows.append({"account": row.expense_account, "debit": row.amount, "remark": remark})
			rows.append(
				{
					"account": row.credit_account,
					"credit": row.amount,
					"party_type": row.party_type,
					"party": row.party,
					"remark": remark,
				}
			)
		if self.entry_type == costs.ACTUAL_COST:
			provision = flt(self.provision_released)
			release = True
		else:
			provision = flt(self.provision_amount)
			release = self.entry_type == costs.PROVISION_RELEASE
		if provision:
			liability = recall_account(self.company, costs.PROVISION_LIABILITY)
			expense = recall_account(self.company, costs.PROVISION_EXPENSE)
			remark = _("Provision released") if release else _("Provision for recall costs")
			debit, credit = (liability, expense) if release else (expense, liability)
			rows.append({"account": debit, "debit": provision, "remark": remark})
			rows.append({"account": credit, "credit": provision, "remark": remark})
		return rows

	def make_journal_entry(self, lines: list[dict]) -> str:
		journal = frappe.new_doc("Journal Entry")
		journal.update(
			{
				"voucher_type": "Journal Entry",
				"company": self.company,
				"posting_date": self.posting_date,
				"md_recall_cost_entry": self.name,
				"user_remark": _("{0} for recall {1} (Recall Cost Entry {2})").format(
					_(self.entry_type), self.device_recall, self.name
				),
			}
		)
		for line in lines:
			journal.append(
				"accounts",
				{
					"account": line["account"],
					"debit_in_account_currency": flt(line.get("debit")),
					"credit_in_account_currency": flt(line.get("credit")),
					"party_type": line.get("party_type"),
					"party": line.get("party"),
					"cost_center": self.cost_center,
					"user_remark": line["remark"],
					DIMENSION_FIELD: self.device_recall,
				},
			)
		journal.flags.ignore_permissions = True
		journal.insert()
		journal.submit()
		return journal.name

	def update_children(self):
		for row in self.replacement_items:
			row.db_update()

	def on_cancel(self):
		for doctype, name in (("Journal Entry", self.journal_entry), ("Stock Entry", self.stock_entry)):
			if name and frappe.db.get_value(doctype, name, "docstatus") == 1:
				posting = frappe.get_doc(doctype, name)
				posting.flags.md_cancelled_by_cost_entry = True
				posting.cancel()
		update_recall_cost(self.device_recall)

	def before_cancel(self):
		# our own postings link back to this entry; they are cancelled with it in on_cancel
		self.ignore_linked_doctypes = (
			"GL Entry",
			"Stock Ledger Entry",
			"Payment Ledger Entry",
			"Journal Entry",
			"Stock Entry",
			"Serial and Batch Bundle",
		)


def recalled_batches(recall) -> dict[str, str]:
	"""Batch name -> item of every batch in the recall's scope (listed, traced to customers, or in stock)."""
	batches = {}
	for table in ("batches", "customers", "stock"):
		for row in recall.get(table):
			if row.batch:
				batches[row.batch] = row.item_code
	return batches


def update_recall_cost(recall: str):
	"""The recall's actual cost so far (submitted Actual Cost entries), shown on the recall and its forms."""
	from medical_devices.md_finance.figures import recall_costs

	total = recall_costs(recall=recall)
	trail.set_values(
		"Device Recall",
		recall,
		{"total_cost": flt(total)},
		f"{__name__}.update_recall_cost",
		_("Actual cost of its Recall Cost Entries"),
		update_modified=False,
	)


def block_direct_cancel(doc, method=None):
	"""Journal Entry / Stock Entry before_cancel: a recall cost posting is reversed by cancelling its entry."""
	entry = doc.get("md_recall_cost_entry")
	if not entry or doc.flags.md_cancelled_by_cost_entry:
		return
	if frappe.db.get_value("Recall Cost Entry", entry, "docstatus") == 1:
		frappe.throw(
			_("{0} {1} posts Recall Cost Entry {2}: cancel that entry instead.").format(
				_(doc.doctype), doc.name, entry
			),
			title=_("Not Permitted"),
		)


@frappe.whitelist()
@inputs.endpoint
def recalled_batch_query(doctype, txt, searchfield, start, page_len, filters):
	"""Batch picker on a cost line: only the batches in the recall's scope."""
	txt = inputs.text(txt, _("Search"), required=False, max_length=140)
	start = int(inputs.number(start, _("Start"), required=False) or 0)
	page_len = int(inputs.number(page_len, _("Page Length"), required=False) or 20)
	recall = (inputs.json_object(filters, _("Filters"), required=False) or {}).get("device_recall")
	if not recall:
		return []
	recall = access.record("Device Recall", recall)
	batches = recalled_batches(frappe.get_doc("Device Recall", recall))
	rows = [
		(name, frappe.db.get_value("Batch", name, "batch_id"), item_code)
		for name, item_code in batches.items()
	]
	txt = (txt or "").casefold()
	rows = [row for row in rows if txt in (row[0] + " " + (row[1] or "") + " " + row[2]).casefold()]
	return rows[max(start, 0) : max(start, 0) + max(min(page_len, 500), 0)]
