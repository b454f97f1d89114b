"""Recall costs in ERPNext's ledger: the "Device Recall" accounting dimension, the recall cost accounts of each
company, and the open provision of a recall read back from the General Ledger."""

import frappe
from frappe import _
from frappe.utils import flt, now

from medical_devices import access, inputs
from medical_devices.audit.origin import mark
from medical_devices.recall import costs

DIMENSION_DOCTYPE = "Device Recall"
DIMENSION_FIELD = "md_device_recall"  # the same fieldname as the recall link on Delivery Note and Stock Entry
SETTINGS_DOCTYPE = "Medical Device Settings"


def dimension_name(document_type: str = DIMENSION_DOCTYPE) -> str | None:
	return frappe.db.get_value("Accounting Dimension", {"document_type": document_type})


def ensure_recall_dimension():
	ensure_dimension(DIMENSION_DOCTYPE, DIMENSION_FIELD)


def remove_recall_dimension():
	remove_dimension(DIMENSION_DOCTYPE)


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
	frappe.flags.accounting_dimensions = None
	frappe.flags.accounting_dimensions_details = None


def remove_dimension(document_type: str):
	from erpnext.accounts.doctype.accounting_dimension.accounting_dimension import delete_accounting_dimension

	name = dimension_name(document_type)
	if not name:
		return
	delete_accounting_dimension(frappe.get_doc("Accounting Dimension", name))
	frappe.db.delete("Accounting Dimension Detail", {"parent": name, "parenttype": "Accounting Dimension"})
	frappe.db.delete("Accounting Dimension", name)
	frappe.flags.accounting_dimensions = None
	frappe.flags.accounting_dimensions_details = None


class MissingRecallAccountError(frappe.ValidationError):
	pass


def configured_account(company: str, purpose: str) -> str | None:
	for row in frappe.get_cached_doc(SETTINGS_DOCTYPE).get("recall_cost_accounts") or []:
		if row.company == company and row.purpose == purpose:
			return row.account
	return None


def recall_account(company: str, purpose: str) -> str:
	"""The account set in Medical Device Settings for this company and category (or provision purpose)."""
	account = configured_account(company, purpose)
	if account:
		return account
	frappe.throw(
		_(
			'No account is set for recall costs "{0}" of company {1}. Set it under Medical Device Settings > Recall Cost Accounts, or use Create Recall Accounts there.'
		).format(_(purpose), frappe.bold(company)),
		MissingRecallAccountError,
		title=_("Recall Account Missing"),
	)


def open_provision(recall: str, company: str) -> float:
	"""What is left of the recall's provision: the credit balance of the provision account for this recall."""
	account = configured_account(company, costs.PROVISION_LIABILITY)
	if not account:
		return 0.0
	gle = frappe.qb.DocType("GL Entry")
	balance = (
		frappe.qb.from_(gle)
		.select(frappe.query_builder.functions.Sum(gle.credit - gle.debit))
		.where(gle.company == company)
		.where(gle.account == account)
		.where(gle[DIMENSION_FIELD] == recall)
		.where(gle.is_cancelled == 0)
		.run()
	)[0][0]
	return costs.round_money(flt(balance))


def cost_lines(entries: list[str]) -> list[dict]:
	"""The costs of these Recall Cost Entries: their lines, and their replacement product at the cost it was issued."""
	if not entries:
		return []
	child = {"parent": ["in", entries], "parenttype": "Recall Cost Entry"}
	lines = frappe.get_all(
		"Recall Cost Line",
		filters=child,
		fields=["cost_category as category", "amount", "item_code", "batch"],
	)
	replacement = frappe.get_all("Recall Replacement Item", filters=child, fields=["amount"])
	return lines + [{"category": costs.REPLACEMENT, "amount": row.amount} for row in replacement]


@frappe.whitelist(methods=["POST"])
@inputs.endpoint
def create_recall_accounts(company: str) -> dict:
	"""One expense account per cost category under a "Recall Costs" group, a provision liability and a
	provision expense account, and the settings rows that point to them. Existing rows are kept."""
	frappe.only_for(("Accounts Manager", "System Manager"))
	company = access.company(company, "Account", "create", required=True)

	expense_parent = group_account(company, "Expense", "Indirect Expenses")
	group = ensure_account(company, _("Recall Costs"), expense_parent, is_group=1)
	liability_parent = group_account(company, "Liability", "Current Liabilities")

	settings = frappe.get_doc(SETTINGS_DOCTYPE)
	configured = {row.purpose for row in settings.get("recall_cost_accounts") if row.company == company}
	created = {}
	for purpose in costs.ACCOUNT_PURPOSES:
		if purpose in configured:
			continue
		if purpose == costs.PROVISION_LIABILITY:
			account = ensure_account(company, _("Recall Provision"), liability_parent)
		else:
			account = ensure_account(company, _("Recall {0}").format(_(purpose)), group)
		settings.append("recall_cost_accounts", {"company": company, "purpose": purpose, "account": account})
		created[purpose] = account
	if created:
		mark(settings, f"{__name__}.create_recall_accounts")
		settings.md_reason = _("Recall cost accounts created for {0}").format(company)
		settings.save()
	return created


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
