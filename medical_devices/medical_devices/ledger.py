"""How a document of the app posts to ERPNext's ledger, once for all of them.

A *source document* (a Recall Cost Entry, a Quality Cost Entry, a Device Write Off, and every later one) is a
submittable doctype of the app whose submit posts a Journal Entry and/or a Material Issue and whose cancel reverses
them. Each declares itself in the `md_posting_sources` hook (source doctype -> the link field its postings carry
back to it) and uses this module for:

- the accounting dimensions its postings carry (`ensure_dimension`), the accounts it posts to (`ensure_account`,
  `settings_account`), and the checks every source makes (`set_cost_center`, `check_account`, `check_credit`);
- the postings themselves (`post_journal_entry`, `post_material_issue`, `post_material_transfer`), made beneath the source's own submit: they
  are part of its change, so the source's reason and electronic signature cover them (no second prompt);
- the cancel contract: `before_cancel` (the postings link back, and are cancelled with the source, not refused
  because of it), `cancel_postings` (on_cancel), and one guard, `refuse_cancel_alone`, on Journal Entry and
  Stock Entry: a posting of a submitted source is reversed by cancelling the source.
"""

import frappe
from frappe import _
from frappe.utils import flt, now

from medical_devices.audit import controlled
from medical_devices.audit.origin import mark

POSTING_DOCTYPES = ("Journal Entry", "Stock Entry")
# what a source's cancel leaves to the cancel of its postings
LINKED_LEDGER_DOCTYPES = (
	"GL Entry",
	"Stock Ledger Entry",
	"Payment Ledger Entry",
	"Serial and Batch Bundle",
	*POSTING_DOCTYPES,
)
SETTINGS_DOCTYPE = "Medical Device Settings"
POST_JOURNAL_ENTRY = f"{__name__}.post_journal_entry"
POST_STOCK_ENTRY = f"{__name__}.post_stock_entry"


class NotPostedBySourceError(frappe.ValidationError):
	pass


# --- the registry ------------------------------------------------------------------------------------------------


def posting_sources() -> dict[str, str]:
	"""Source doctype -> the link field on Journal Entry / Stock Entry that names the source of a posting."""
	declared = frappe.get_hooks("md_posting_sources") or {}
	return {doctype: fields[-1] for doctype, fields in declared.items()}


def link_field(source_doctype: str) -> str:
	return posting_sources()[source_doctype]


def source_of(posting) -> tuple[str, str] | None:
	"""(doctype, name) of the source document that made this Journal Entry or Stock Entry, if any."""
	for doctype, fieldname in posting_sources().items():
		if posting.meta.has_field(fieldname) and posting.get(fieldname):
			return doctype, posting.get(fieldname)
	return None


def is_posting(doc) -> bool:
	"""md_regulated_records of Journal Entry and Stock Entry: a posting of one of the app's source documents."""
	return source_of(doc) is not None


# --- accounting dimensions ---------------------------------------------------------------------------------------


def dimension_name(document_type: str) -> str | None:
	return frappe.db.get_value("Accounting Dimension", {"document_type": document_type})


def ensure_dimension(document_type: str, fieldname: str):
	"""Make `document_type` an accounting dimension, with its fields on every accounting doctype, now.

	ERPNext's own insert would defer the fields to a background job outside tests; a job still queued at
	uninstall would recreate them, so the fields are made here, in the setup's own transaction.
	"""
	from erpnext.accounts.doctype.accounting_dimension.accounting_dimension import (
		make_dimension_in_accounting_doctypes,
	)

	name = dimension_name(document_type)
	if name:
		doc = frappe.get_doc("Accounting Dimension", name)
	else:
		doc = frappe.new_doc("Accounting Dimension")
		doc.update({"document_type": document_type, "label": document_type, "fieldname": fieldname})
		doc.name = doc.label
		doc.validate()
		doc.owner = doc.modified_by = "Administrator"
		doc.creation = doc.modified = now()
		doc.db_insert()
	make_dimension_in_accounting_doctypes(doc)
	clear_dimension_cache()


def remove_dimension(document_type: str):
	from erpnext.accounts.doctype.accounting_dimension.accounting_dimension import delete_accounting_dimension

	name = dimension_name(document_type)
	if not name:
		return
	delete_accounting_dimension(frappe.get_doc("Accounting Dimension", name))
	frappe.db.delete("Accounting Dimension Detail", {"parent": name, "parenttype": "Accounting Dimension"})
	frappe.db.delete("Accounting Dimension", name)
	clear_dimension_cache()


def clear_dimension_cache():
	# ERPNext keeps the dimensions of the request in these flags
	frappe.flags.accounting_dimensions = None
	frappe.flags.accounting_dimensions_details = None


# --- accounts ----------------------------------------------------------------------------------------------------


def settings_account(table: str, company: str, purpose: str) -> str | None:
	"""The account a table of Medical Device Settings sets for this company and purpose."""
	for row in frappe.get_cached_doc(SETTINGS_DOCTYPE).get(table) or []:
		if row.company == company and row.purpose == purpose:
			return row.account
	return None


def required_account(table: str, company: str, purpose: str, missing: str, error, title: str) -> str:
	"""The account a settings table sets for this company and purpose, or a refusal saying where to set it
	(`missing` is a message taking the purpose and the company)."""
	account = settings_account(table, company, purpose)
	if account:
		return account
	frappe.throw(missing.format(_(purpose), frappe.bold(company)), error, title=title)


def set_up_accounts(table: str, company: str, purposes, make_account, function: str, reason: str) -> dict:
	"""Create the account of each purpose not yet set in the settings table for the company (`make_account(purpose)`
	returns it), and the settings rows that point to them, as the app's `function` with `reason`. Rows already set
	are kept. Returns {purpose: account} of those created."""
	settings = frappe.get_doc(SETTINGS_DOCTYPE)
	configured = {row.purpose for row in settings.get(table) if row.company == company}
	created = {}
	for purpose in purposes:
		if purpose in configured:
			continue
		created[purpose] = make_account(purpose)
		settings.append(table, {"company": company, "purpose": purpose, "account": created[purpose]})
	if created:
		mark(settings, function)
		settings.md_reason = reason
		settings.save()
	return created


def settings_accounts(table: str, company: str, purpose: str) -> list[str]:
	return [
		row.account
		for row in frappe.get_cached_doc(SETTINGS_DOCTYPE).get(table) or []
		if row.company == company and row.purpose == purpose
	]


def group_account(company: str, root_type: str, preferred_name: str) -> str:
	account = frappe.qb.DocType("Account")
	groups = (
		frappe.qb.from_(account)
		.select(account.name, account.account_name)
		.where(account.company == company)
		.where(account.root_type == root_type)
		.where(account.is_group == 1)
		.orderby(account.lft)
		.run(as_dict=True)
	)
	if not groups:
		frappe.throw(
			_("Company {0} has no {1} group account to hold the new accounts.").format(company, _(root_type))
		)
	preferred = [row.name for row in groups if row.account_name == preferred_name]
	return preferred[0] if preferred else groups[0].name


def ensure_account(company: str, account_name: str, parent: str, is_group: int = 0) -> str:
	existing = frappe.db.get_value("Account", {"company": company, "account_name": account_name})
	if existing:
		return existing
	account = frappe.get_doc(
		{
			"doctype": "Account",
			"company": company,
			"account_name": account_name,
			"parent_account": parent,
			"is_group": is_group,
		}
	)
	account.insert(ignore_permissions=True)
	return account.name


def stock_expense_account(company: str, account_name: str) -> str:
	"""An expense account of that name beside the company's stock adjustment account (for stock lost or found),
	made when it has none."""
	existing = frappe.db.get_value(
		"Account", {"company": company, "account_name": account_name, "is_group": 0}, "name"
	)
	if existing:
		return existing
	adjustment = frappe.get_cached_value("Company", company, "stock_adjustment_account")
	parent = adjustment and frappe.db.get_value("Account", adjustment, "parent_account")
	return ensure_account(
		company, account_name, parent or group_account(company, "Expense", "Stock Expenses")
	)


# --- the checks every source document makes ----------------------------------------------------------------------


def set_cost_center(doc):
	"""The company's default cost center when none is given; one of another company is refused."""
	if not doc.cost_center:
		doc.cost_center = frappe.get_cached_value("Company", doc.company, "cost_center")
	if not doc.cost_center:
		frappe.throw(_("Set a Cost Center: company {0} has no default one.").format(doc.company))
	if frappe.db.get_value("Cost Center", doc.cost_center, "company") != doc.company:
		frappe.throw(
			_("Cost Center {0} does not belong to company {1}.").format(doc.cost_center, doc.company)
		)


def check_account(company: str, account_name: str, label: str, root_type: str | None = None):
	"""A ledger (not group) account of the company, of `root_type` when given; returns its details."""
	account = frappe.get_cached_value(
		"Account", account_name, ["company", "is_group", "root_type", "account_type"], as_dict=True
	)
	if not account or account.company != company or account.is_group:
		frappe.throw(
			_("{0}: {1} is not a ledger account of company {2}.").format(
				label, frappe.bold(account_name), company
			)
		)
	if root_type == "Expense" and account.root_type != root_type:
		frappe.throw(_("{0}: {1} is not an expense account.").format(label, frappe.bold(account_name)))
	return account


def check_credit(row, company: str, party_types: tuple[str, ...], label: str, refuse_expense: bool = False):
	"""Where a cost is paid from (`credit_account`, `party_type`, `party` of `row`, a source document or one of
	its lines): a party type of `party_types`, both party fields or neither, the company's payable account for a
	supplier or its cash account by default, and the party a payable or receivable account needs."""
	if row.party_type and row.party_type not in party_types:
		frappe.throw(
			_("{0}: party type must be one of {1}.").format(
				label, ", ".join(_(party_type) for party_type in party_types)
			)
		)
	if bool(row.party_type) != bool(row.party):
		frappe.throw(_("{0}: give both the party type and the party, or neither.").format(label))
	if not row.credit_account:
		fieldname = "default_payable_account" if row.party_type == "Supplier" else "default_cash_account"
		row.credit_account = frappe.get_cached_value("Company", company, fieldname)
	if not row.credit_account:
		frappe.throw(_("{0}: choose the account to credit.").format(label))
	account = check_account(company, row.credit_account, label)
	if account.account_type in ("Payable", "Receivable") and not row.party:
		frappe.throw(
			_("{0}: crediting {1} needs the party it is owed to.").format(
				label, frappe.bold(row.credit_account)
			)
		)
	if refuse_expense and account.root_type == "Expense":
		frappe.throw(_("{0}: {1} is an expense account.").format(label, frappe.bold(row.credit_account)))
	return account


def refuse_second_posting(source):
	"""A source posts once: a submitted posting that already names it means this submit is a replay."""
	fieldname = link_field(source.doctype)
	for doctype in POSTING_DOCTYPES:
		if not frappe.get_meta(doctype).has_field(fieldname):
			continue
		posted = frappe.db.get_value(doctype, {fieldname: source.name, "docstatus": 1})
		if posted:
			frappe.throw(
				_("{0} {1} is already posted by {2} {3}.").format(
					_(source.doctype), source.name, _(doctype), posted
				)
			)


# --- the postings ------------------------------------------------------------------------------------------------


def post_journal_entry(source, lines: list[dict], remark: str, dimensions: dict | None = None) -> str:
	"""Submit a Journal Entry for `source` with balanced `lines` ({account, debit | credit, party_type, party,
	remark}), every row on the source's cost center and carrying `dimensions` ({dimension field: value})."""
	journal = frappe.new_doc("Journal Entry")
	journal.update(
		{
			"voucher_type": "Journal Entry",
			"company": source.company,
			"posting_date": source.posting_date,
			"user_remark": remark,
		}
	)
	# the link to the source is a controlled field: only this builder sets it (medical_devices/controls.py)
	controlled.allow(journal, POST_JOURNAL_ENTRY, **{link_field(source.doctype): source.name})
	for line in lines:
		journal.append(
			"accounts",
			{
				"account": line["account"],
				"debit_in_account_currency": flt(line.get("debit")),
				"credit_in_account_currency": flt(line.get("credit")),
				"party_type": line.get("party_type"),
				"party": line.get("party"),
				"cost_center": source.cost_center,
				"user_remark": line.get("remark"),
				**(dimensions or {}),
			},
		)
	journal.flags.ignore_permissions = True  # submitting the source is the permission to post it
	journal.insert()
	journal.submit()
	return journal.name


def post_material_issue(source, rows: list[dict], remark: str, header: dict | None = None):
	"""Submit a Material Issue for `source`: `rows` of {item_code, warehouse, qty, batch_no, expense_account,
	dimension fields}, on the source's cost center. Returns the Stock Entry (its rows carry the issued values)."""
	rows = [{**row, "s_warehouse": row["warehouse"]} for row in rows]
	for row in rows:
		del row["warehouse"]
	return post_stock_entry(source, "Material Issue", rows, remark, header)


def post_material_transfer(source, rows: list[dict], remark: str, header: dict | None = None):
	"""Submit a Material Transfer for `source`: `rows` of {item_code, s_warehouse, t_warehouse, qty, batch_no}."""
	return post_stock_entry(source, "Material Transfer", rows, remark, header)


def post_stock_entry(source, purpose: str, rows: list[dict], remark: str, header: dict | None = None):
	entry = frappe.new_doc("Stock Entry")
	entry.update(
		{
			"stock_entry_type": purpose,
			"purpose": purpose,
			"company": source.company,
			"posting_date": source.get("posting_date") or frappe.utils.today(),
			"set_posting_time": 1,
			"remarks": remark,
			**(header or {}),
		}
	)
	controlled.allow(entry, POST_STOCK_ENTRY, **{link_field(source.doctype): source.name})
	for row in rows:
		entry.append(
			"items",
			{
				"use_serial_batch_fields": 1 if row.get("batch_no") or row.get("serial_no") else 0,
				"cost_center": source.get("cost_center"),
				**row,
			},
		)
	entry.flags.ignore_permissions = True  # submitting the source is the permission to post it
	entry.insert()
	entry.submit()
	return entry


# --- the cancel contract -----------------------------------------------------------------------------------------


def before_cancel(source):
	"""The source's postings link back to it: they are cancelled with it (cancel_postings), not a reason to
	refuse its cancel."""
	source.ignore_linked_doctypes = LINKED_LEDGER_DOCTYPES


def cancel_postings(source):
	"""on_cancel of a source: every submitted posting that names it is cancelled, in the source's transaction."""
	fieldname = link_field(source.doctype)
	for doctype in POSTING_DOCTYPES:
		if not frappe.get_meta(doctype).has_field(fieldname):
			continue
		for name in frappe.get_all(doctype, filters={fieldname: source.name, "docstatus": 1}, pluck="name"):
			frappe.get_doc(doctype, name).cancel()


def refuse_cancel_alone(doc, method=None):
	"""Journal Entry / Stock Entry before_cancel: a posting of a submitted source document is reversed by
	cancelling the source (whose cancel has already stored it as cancelled when it cancels its postings)."""
	source = source_of(doc)
	# a draft source may post already (a nonconformance's hold): its posting waits for it as well
	if source and frappe.db.get_value(*source, "docstatus") in (0, 1):
		frappe.throw(
			_("{0} {1} is posted by {2} {3}: cancel that entry instead.").format(
				_(doc.doctype), doc.name, _(source[0]), source[1]
			),
			NotPostedBySourceError,
			title=_("Not Permitted"),
		)


def refuse_reversing_alone(doc, method=None):
	"""Journal Entry validate: ERPNext's Reverse Journal Entry of a posting is a cancel of it by another name, and
	a posting of a submitted source document is reversed by cancelling the source."""
	reversed_journal = doc.get("reversal_of")
	if not reversed_journal or doc.docstatus == 2:
		return
	source = source_of(frappe.get_doc("Journal Entry", reversed_journal))
	if source and frappe.db.get_value(*source, "docstatus") == 1:
		frappe.throw(
			_("Journal Entry {0} is posted by {1} {2}: cancel that entry instead of reversing it.").format(
				reversed_journal, _(source[0]), source[1]
			),
			NotPostedBySourceError,
			title=_("Not Permitted"),
		)
