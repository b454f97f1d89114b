"""Recall costs in ERPNext's ledger: the "Device Recall" accounting dimension, the recall cost accounts of each
company, and the open provision of a recall read back from the General Ledger."""

import frappe
from frappe import _
from frappe.utils import flt

from medical_devices import access, inputs, stored_texts
from medical_devices.audit.origin import mark
from medical_devices.medical_devices import ledger
from medical_devices.recall import costs

DIMENSION_DOCTYPE = "Device Recall"
DIMENSION_FIELD = "md_device_recall"  # the same fieldname as the recall link on Delivery Note and Stock Entry
ACCOUNTS_TABLE = "recall_cost_accounts"


def ensure_recall_dimension():
	ledger.ensure_dimension(DIMENSION_DOCTYPE, DIMENSION_FIELD)


def remove_recall_dimension():
	ledger.remove_dimension(DIMENSION_DOCTYPE)


def carries_recall(doc) -> bool:
	"""md_regulated_records of Journal Entry: a journal with a row booked to a recall."""
	return any(row.get(DIMENSION_FIELD) for row in doc.get("accounts") or [])


class MissingRecallAccountError(frappe.ValidationError):
	pass


def configured_account(company: str, purpose: str) -> str | None:
	return ledger.settings_account(ACCOUNTS_TABLE, company, purpose)


def recall_account(company: str, purpose: str) -> str:
	"""The account set in Medical Device Settings for this company and category (or provision purpose)."""
	return ledger.required_account(
		ACCOUNTS_TABLE,
		company,
		purpose,
		_(
			'No account is set for recall costs "{0}" of company {1}. Set it under Medical Device Settings > Recall Cost Accounts, or use Create Recall Accounts there.'
		),
		MissingRecallAccountError,
		_("Recall Account Missing"),
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

	expense_parent = ledger.group_account(company, "Expense", "Indirect Expenses")
	with stored_texts.in_site_language():  # account names are the books': in the site's language
		names = {purpose: _("Recall {0}").format(_(purpose)) for purpose in costs.ACCOUNT_PURPOSES}
		names[costs.PROVISION_LIABILITY] = _("Recall Provision")
		group_name = _("Recall Costs")
	group = ledger.ensure_account(company, group_name, expense_parent, is_group=1)
	liability_parent = ledger.group_account(company, "Liability", "Current Liabilities")

	def make_account(purpose):
		parent = liability_parent if purpose == costs.PROVISION_LIABILITY else group
		return ledger.ensure_account(company, names[purpose], parent)

	return ledger.set_up_accounts(
		ACCOUNTS_TABLE,
		company,
		costs.ACCOUNT_PURPOSES,
		make_account,
		f"{__name__}.create_recall_accounts",
		stored_texts.RECALL_ACCOUNTS.text(company),
	)
