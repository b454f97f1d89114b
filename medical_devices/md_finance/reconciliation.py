"""Does every sub-ledger agree with the general ledger? One company, as of one date.

- Stock: the stock ledger's value per inventory account (warehouses mapped as ERPNext's perpetual inventory maps
  them) against the account's GL balance.
- Receivables and payables: ERPNext's Payment Ledger (the party sub-ledger) per control account against the GL.
- Recalls: what each Recall Cost Entry says it posted against the GL rows of its Journal Entry and Stock Entry.
- Quality costs: per batch, what its Quality Cost Entries and Device Write Offs say they cost against the expense
  postings carrying the batch as accounting dimension (a cost posted to a batch by hand shows up here).

Every figure is one grouped query over the ledger (no per-document work), so a company with a million GL entries
is checked in seconds; `differences` drills one line down to the documents that explain it.
"""

import frappe
from frappe import _
from frappe.utils import flt, getdate

from medical_devices.md_finance.figures import BATCH_COST_POSTING, batch_ledger_costs
from medical_devices.md_finance.ledger import BATCH_FIELD

TOLERANCE = 0.005  # half a cent: anything the ledgers round differently is not a difference
STOCK, RECEIVABLE, PAYABLE, RECALL, QUALITY = (
	"Stock",
	"Receivable",
	"Payable",
	"Recall Costs",
	"Quality Costs",
)


def reconcile(company: str, as_of) -> list[dict]:
	"""All lines checked: {check, account, recall, subledger_value, gl_value, difference}."""
	as_of = getdate(as_of)
	return (
		stock_lines(company, as_of)
		+ party_lines(company, as_of, RECEIVABLE)
		+ party_lines(company, as_of, PAYABLE)
		+ recall_lines(company, as_of)
		+ quality_lines(company, as_of)
	)


def line(check, subledger, gl, account=None, recall=None, batch=None) -> dict:
	subledger, gl = flt(subledger, 2), flt(gl, 2)
	return {
		"check": check,
		"account": account,
		"device_recall": recall,
		"batch": batch,
		"subledger_value": subledger,
		"gl_value": gl,
		"difference": flt(subledger - gl, 2),
	}


def is_difference(row: dict) -> bool:
	return abs(row["difference"]) > TOLERANCE


# --- stock -------------------------------------------------------------------------------------------------------


def warehouse_accounts(company: str) -> dict[str, str]:
	from erpnext.stock import get_warehouse_account_map

	return {
		warehouse: row.account for warehouse, row in get_warehouse_account_map(company).items() if row.account
	}


def stock_lines(company: str, as_of) -> list[dict]:
	if not frappe.get_cached_value("Company", company, "enable_perpetual_inventory"):
		return []
	accounts_of = warehouse_accounts(company)
	by_account: dict[str, float] = {}
	for warehouse, value in frappe.db.sql(
		"""select warehouse, sum(stock_value_difference) from `tabStock Ledger Entry`
		where company = %s and is_cancelled = 0 and posting_date <= %s group by warehouse""",
		(company, as_of),
	):
		account = accounts_of.get(warehouse)
		if account:
			by_account[account] = by_account.get(account, 0) + flt(value)
	accounts = sorted(set(accounts_of.values()))
	gl = gl_balances(company, as_of, accounts)
	return [
		line(STOCK, by_account.get(account, 0), gl.get(account, 0), account=account) for account in accounts
	]


def gl_balances(company: str, as_of, accounts: list[str], sign: int = 1) -> dict[str, float]:
	if not accounts:
		return {}
	return {
		account: sign * flt(balance)
		for account, balance in frappe.db.sql(
			"""select account, sum(debit_in_account_currency) - sum(credit_in_account_currency)
			from `tabGL Entry` where company = %(company)s and is_cancelled = 0
			and posting_date <= %(as_of)s and account in %(accounts)s group by account""",
			{"company": company, "as_of": as_of, "accounts": accounts},
		)
	}


# --- receivables and payables -------------------------------------------------------------------------------------


def party_accounts(company: str, account_type: str) -> list[str]:
	return frappe.get_all(
		"Account", filters={"company": company, "account_type": account_type, "is_group": 0}, pluck="name"
	)


def party_lines(company: str, as_of, account_type: str) -> list[dict]:
	accounts = party_accounts(company, account_type)
	if not accounts:
		return []
	# The Payment Ledger keeps receivables as debit - credit and payables as credit - debit.
	sign = 1 if account_type == RECEIVABLE else -1
	subledger = dict(
		frappe.db.sql(
			"""select account, sum(amount_in_account_currency) from `tabPayment Ledger Entry`
			where company = %(company)s and delinked = 0 and posting_date <= %(as_of)s
			and account in %(accounts)s group by account""",
			{"company": company, "as_of": as_of, "accounts": accounts},
		)
	)
	gl = gl_balances(company, as_of, accounts, sign)
	return [
		line(account_type, subledger.get(account, 0), gl.get(account, 0), account=account)
		for account in accounts
		if account in subledger or account in gl
	]


# --- recall costs ------------------------------------------------------------------------------------------------


def posted_by_cost_entries(company: str, as_of, recall: str | None = None) -> list[frappe._dict]:
	"""Per submitted Recall Cost Entry: the debits it says it posted and the debits the GL holds for it."""
	conditions = "entry.company = %(company)s and entry.docstatus = 1 and entry.posting_date <= %(as_of)s"
	if recall:
		conditions += " and entry.device_recall = %(recall)s"
	return frappe.db.sql(
		f"""select entry.name, entry.device_recall, entry.posting_date, entry.journal_entry, entry.stock_entry,
			entry.total_costs + entry.replacement_value
			+ case when entry.entry_type = 'Actual Cost' then entry.provision_released else entry.provision_amount end
				as source_value,
			coalesce((select sum(gle.debit) from `tabGL Entry` gle where gle.is_cancelled = 0
				and gle.md_device_recall = entry.device_recall
				and ((gle.voucher_type = 'Journal Entry' and gle.voucher_no = entry.journal_entry)
					or (gle.voucher_type = 'Stock Entry' and gle.voucher_no = entry.stock_entry))), 0)
				as gl_value
		from `tabRecall Cost Entry` entry
		where {conditions}
		order by entry.posting_date, entry.name""",
		{"company": company, "as_of": as_of, "recall": recall},
		as_dict=True,
	)


def recall_lines(company: str, as_of) -> list[dict]:
	totals: dict[str, list[float]] = {}
	for entry in posted_by_cost_entries(company, as_of):
		source, gl = totals.setdefault(entry.device_recall, [0.0, 0.0])
		totals[entry.device_recall] = [source + flt(entry.source_value), gl + flt(entry.gl_value)]
	return [line(RECALL, source, gl, recall=recall) for recall, (source, gl) in sorted(totals.items())]


# --- quality costs and write-offs -------------------------------------------------------------------------------


def quality_sources(company: str, as_of, batch: str | None = None) -> list[tuple]:
	"""(batch, source doctype, source name, posting date, value) of every submitted Quality Cost Entry, Device
	Write Off row and dispositioned Device Nonconformance up to the date."""
	params = {"company": company, "as_of": as_of, "batch": batch}
	only = " and {0} = %(batch)s" if batch else ""
	return frappe.db.sql(
		f"""select entry.batch, 'Quality Cost Entry', entry.name, entry.posting_date, entry.amount
		from `tabQuality Cost Entry` entry where entry.company = %(company)s and entry.docstatus = 1
		and entry.posting_date <= %(as_of)s {only.format("entry.batch")}
		union all
		select item.batch_no, 'Device Write Off', write_off.name, write_off.posting_date, item.amount
		from `tabDevice Write Off Item` item join `tabDevice Write Off` write_off on write_off.name = item.parent
		where write_off.company = %(company)s and write_off.docstatus = 1 and write_off.posting_date <= %(as_of)s
		{only.format("item.batch_no")}
		union all
		select nc.batch, 'Device Nonconformance', nc.name, nc.posting_date,
			ifnull(nc.scrap_value, 0) + ifnull(nc.disposition_cost, 0)
		from `tabDevice Nonconformance` nc where nc.company = %(company)s and nc.docstatus = 1
		and nc.posting_date <= %(as_of)s and ifnull(nc.batch, '') != ''
		and ifnull(nc.scrap_value, 0) + ifnull(nc.disposition_cost, 0) != 0 {only.format("nc.batch")}""",
		params,
	)


def quality_lines(company: str, as_of) -> list[dict]:
	source: dict[str, float] = {}
	for batch, _doctype, _name, _date, value in quality_sources(company, as_of):
		source[batch] = source.get(batch, 0) + flt(value)
	gl = {
		batch: values["quality"] + values["write_off"]
		for batch, values in batch_ledger_costs(company, None, as_of).items()
	}
	return [
		line(QUALITY, source.get(batch, 0), gl.get(batch, 0), batch=batch)
		for batch in sorted(set(source) | set(gl))
	]


def quality_voucher_differences(company, as_of, batch):
	"""Per source document (or, for a cost posted to the batch by hand, per voucher)."""
	subledger, dates = {}, {}
	for _batch, doctype, name, posting_date, value in quality_sources(company, as_of, batch):
		subledger[(doctype, name)] = subledger.get((doctype, name), 0) + flt(value)
		dates[(doctype, name)] = posting_date
	gl, gl_dates = {}, {}
	for voucher_type, voucher_no, posting_date, value, cost_entry, write_off, nonconformance in frappe.db.sql(
		f"""select gle.voucher_type, gle.voucher_no, max(gle.posting_date), sum(gle.debit) - sum(gle.credit),
			max(journal.md_quality_cost_entry), max(stock.md_device_write_off),
			max(coalesce(journal.md_device_nonconformance, stock.md_device_nonconformance))
		from `tabGL Entry` gle
		join `tabAccount` account on account.name = gle.account
		left join `tabJournal Entry` journal on gle.voucher_type = 'Journal Entry' and journal.name = gle.voucher_no
		left join `tabStock Entry` stock on gle.voucher_type = 'Stock Entry' and stock.name = gle.voucher_no
		where gle.company = %(company)s and gle.is_cancelled = 0 and gle.posting_date <= %(as_of)s
		and gle.{BATCH_FIELD} = %(batch)s and {BATCH_COST_POSTING}
		group by gle.voucher_type, gle.voucher_no""",
		{"company": company, "as_of": as_of, "batch": batch},
	):
		if cost_entry:
			key = ("Quality Cost Entry", cost_entry)
		elif write_off:
			key = ("Device Write Off", write_off)
		elif nonconformance:
			key = ("Device Nonconformance", nonconformance)
		else:
			key = (voucher_type, voucher_no)
		gl[key] = gl.get(key, 0) + flt(value)
		gl_dates[key] = posting_date
	return [{**row, "batch": batch} for row in voucher_rows(subledger, gl, {**gl_dates, **dates})]


# --- drill-down --------------------------------------------------------------------------------------------------


def differences(
	company: str,
	as_of,
	check: str,
	account: str | None = None,
	recall: str | None = None,
	batch: str | None = None,
):
	"""The documents behind one line: per voucher (or cost entry), sub-ledger value, GL value, difference."""
	as_of = getdate(as_of)
	if check == STOCK:
		return stock_voucher_differences(company, as_of, account)
	if check in (RECEIVABLE, PAYABLE):
		return party_voucher_differences(company, as_of, account, check)
	if check == RECALL:
		return [
			{
				"voucher_type": "Recall Cost Entry",
				"voucher_no": entry.name,
				"posting_date": entry.posting_date,
				"device_recall": entry.device_recall,
				"subledger_value": flt(entry.source_value, 2),
				"gl_value": flt(entry.gl_value, 2),
				"difference": flt(flt(entry.source_value) - flt(entry.gl_value), 2),
			}
			for entry in posted_by_cost_entries(company, as_of, recall)
			if abs(flt(entry.source_value) - flt(entry.gl_value)) > TOLERANCE
		]
	if check == QUALITY:
		return quality_voucher_differences(company, as_of, batch)
	frappe.throw(_("Unknown reconciliation check {0}.").format(check))


def voucher_rows(subledger: dict, gl: dict, dates: dict) -> list[dict]:
	rows = []
	for key in sorted(set(subledger) | set(gl), key=lambda k: (str(dates.get(k)), k)):
		difference = flt(flt(subledger.get(key)) - flt(gl.get(key)), 2)
		if abs(difference) > TOLERANCE:
			rows.append(
				{
					"voucher_type": key[0],
					"voucher_no": key[1],
					"posting_date": dates.get(key),
					"subledger_value": flt(subledger.get(key), 2),
					"gl_value": flt(gl.get(key), 2),
					"difference": difference,
				}
			)
	return rows


def per_voucher(sql: str, params: dict, sign: int = 1) -> tuple[dict, dict]:
	"""{(voucher type, no): value} and {(voucher type, no): posting date} of a query selecting those four."""
	values, dates = {}, {}
	for voucher_type, voucher_no, posting_date, value in frappe.db.sql(sql, params):
		values[(voucher_type, voucher_no)] = sign * flt(value)
		dates[(voucher_type, voucher_no)] = posting_date
	return values, dates


def gl_per_voucher(company, as_of, account, sign: int = 1) -> tuple[dict, dict]:
	return per_voucher(
		"""select voucher_type, voucher_no, max(posting_date),
			sum(debit_in_account_currency) - sum(credit_in_account_currency)
		from `tabGL Entry` where company = %(company)s and is_cancelled = 0 and posting_date <= %(as_of)s
		and account = %(account)s group by voucher_type, voucher_no""",
		{"company": company, "as_of": as_of, "account": account},
		sign,
	)


def stock_voucher_differences(company, as_of, account):
	warehouses = [w for w, a in warehouse_accounts(company).items() if a == account]
	subledger, dates = {}, {}
	if warehouses:
		subledger, dates = per_voucher(
			"""select voucher_type, voucher_no, max(posting_date), sum(stock_value_difference)
			from `tabStock Ledger Entry` where company = %(company)s and is_cancelled = 0
			and posting_date <= %(as_of)s and warehouse in %(warehouses)s
			group by voucher_type, voucher_no""",
			{"company": company, "as_of": as_of, "warehouses": warehouses},
		)
	gl, gl_dates = gl_per_voucher(company, as_of, account)
	return voucher_rows(subledger, gl, {**gl_dates, **dates})


def party_voucher_differences(company, as_of, account, check):
	subledger, dates = per_voucher(
		"""select voucher_type, voucher_no, max(posting_date), sum(amount_in_account_currency)
		from `tabPayment Ledger Entry` where company = %(company)s and delinked = 0
		and posting_date <= %(as_of)s and account = %(account)s group by voucher_type, voucher_no""",
		{"company": company, "as_of": as_of, "account": account},
	)
	gl, gl_dates = gl_per_voucher(company, as_of, account, sign=1 if check == RECEIVABLE else -1)
	return voucher_rows(subledger, gl, {**gl_dates, **dates})
