"""What a recall cost, in the General Ledger: on submit a Journal Entry (expense per category against the account
each line credits) and, for replacement product, a Material Issue at cost, both carrying the recall as accounting
dimension. A provision books the expected cost up front; actual costs then use it up, and a release returns what
is left. Cancel reverses exactly what submit posted."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt

from medical_devices import access, inputs, stored_texts
from medical_devices.audit import controlled, trail
from medical_devices.gsp.batch_status import batch_label
from medical_devices.gsp.stock import check_batch_and_warehouse
from medical_devices.medical_devices import ledger
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
		ledger.set_cost_center(self)
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
			ledger.check_credit(row, self.company, PARTY_TYPES, _("Costs row {0}").format(row.idx))

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
		ledger.refuse_second_posting(self)
		if self.replacement_items:
			self.issue_replacement_stock()
		self.set_totals()
		if self.entry_type == costs.ACTUAL_COST and self.release_provision:
			self.provision_released = costs.provision_to_release(
				self.total_amount, open_provision(self.device_recall, self.company)
			)
		lines = self.journal_lines()
		if lines:
			with stored_texts.in_site_language():
				remark = _("{0} for recall {1} (Recall Cost Entry {2})").format(
					_(self.entry_type), self.device_recall, self.name
				)
			self.journal_entry = ledger.post_journal_entry(
				self, lines, remark, {DIMENSION_FIELD: self.device_recall}
			)
		controlled.allow_current(
			self, f"{__name__}.RecallCostEntry.on_submit", "journal_entry", "stock_entry"
		)
		self.db_update()
		self.update_children()
		update_recall_cost(self.device_recall)

	def issue_replacement_stock(self):
		account = recall_account(self.company, costs.REPLACEMENT)
		with stored_texts.in_site_language():
			remark = _("Replacement product for recall {0} (Recall Cost Entry {1})").format(
				self.device_recall, self.name
			)
		entry = ledger.post_material_issue(
			self,
			[
				{
					"item_code": row.item_code,
					"warehouse": row.warehouse,
					"qty": row.qty,
					"batch_no": row.batch,
					"expense_account": account,
					DIMENSION_FIELD: self.device_recall,
				}
				for row in self.replacement_items
			],
			remark,
			{DIMENSION_FIELD: self.device_recall},
		)
		for row, detail in zip(self.replacement_items, entry.items, strict=True):
			row.valuation_rate = detail.valuation_rate
			row.amount = costs.round_money(detail.amount)
		self.stock_entry = entry.name

	def journal_lines(self) -> list[dict]:
		"""Balanced debit/credit rows: one pair per cost line, then the provision movement (remarks in the site's
		language: they are the books')."""
		rows = []
		for row in self.costs:
			with stored_texts.in_site_language():
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
			with stored_texts.in_site_language():
				remark = _("Provision released") if release else _("Provision for recall costs")
			debit, credit = (liability, expense) if release else (expense, liability)
			rows.append({"account": debit, "debit": provision, "remark": remark})
			rows.append({"account": credit, "credit": provision, "remark": remark})
		return rows

	def update_children(self):
		for row in self.replacement_items:
			row.db_update()

	def before_cancel(self):
		ledger.before_cancel(self)

	def on_cancel(self):
		ledger.cancel_postings(self)
		update_recall_cost(self.device_recall)


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
		stored_texts.RECALL_ACTUAL_COST.text(),
		update_modified=False,
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
