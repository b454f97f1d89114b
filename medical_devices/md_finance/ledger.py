"""Batch costs in ERPNext's ledger: the "Batch" accounting dimension (md_batch) that carries a device batch's
quality costs and write-offs, and the write-off and quality cost accounts of each company."""

import frappe
from frappe import _

from medical_devices import access, inputs, stored_texts
from medical_devices.audit.origin import mark
from medical_devices.medical_devices import ledger

BATCH_DIMENSION_DOCTYPE = "Batch"
BATCH_FIELD = "md_batch"
ACCOUNTS_TABLE = "finance_accounts"

WRITE_OFF = "Stock Write-Off"
QUALITY_COSTS = "Quality Costs"
PURPOSES = (WRITE_OFF, QUALITY_COSTS)


def account_name(purpose: str) -> str:
	"""The account each purpose gets from Create Finance Accounts, in the site's language (the books')."""
	with stored_texts.in_site_language():
		return {WRITE_OFF: _("Device Stock Write-Offs"), QUALITY_COSTS: _("Device Quality Costs")}[purpose]


def ensure_batch_dimension():
	ledger.ensure_dimension(BATCH_DIMENSION_DOCTYPE, BATCH_FIELD)


def remove_batch_dimension():
	ledger.remove_dimension(BATCH_DIMENSION_DOCTYPE)


class MissingFinanceAccountError(frappe.ValidationError):
	pass


def configured_account(company: str, purpose: str) -> str | None:
	return ledger.settings_account(ACCOUNTS_TABLE, company, purpose)


def finance_account(company: str, purpose: str) -> str:
	return ledger.required_account(
		ACCOUNTS_TABLE,
		company,
		purpose,
		_(
			'No account is set for "{0}" of company {1}. Set it under Medical Device Settings > Write-Off and Quality Cost Accounts, or use Create Finance Accounts there.'
		),
		MissingFinanceAccountError,
		_("Finance Account Missing"),
	)


def write_off_accounts(company: str) -> list[str]:
	return ledger.settings_accounts(ACCOUNTS_TABLE, company, WRITE_OFF)


@frappe.whitelist(methods=["POST"])
@inputs.endpoint
def create_finance_accounts(company: str) -> dict:
	"""An expense account for device stock write-offs and one for quality costs, under Indirect Expenses, and
	the settings rows that point to them. Rows already set are kept."""
	frappe.only_for(("Accounts Manager", "System Manager"))
	company = access.company(company, "Account", "create", required=True)
	parent = ledger.group_account(company, "Expense", "Indirect Expenses")
	return ledger.set_up_accounts(
		ACCOUNTS_TABLE,
		company,
		PURPOSES,
		lambda purpose: ledger.ensure_account(company, account_name(purpose), parent),
		f"{__name__}.create_finance_accounts",
		stored_texts.FINANCE_ACCOUNTS.text(company),
	)
