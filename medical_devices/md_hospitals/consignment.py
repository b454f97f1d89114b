"""Consignment at hospitals (寄售, 先用后结), answered once: a consignment warehouse is an ERPNext warehouse of the
company that names the hospital (a Customer) it stands at. The stock in it stays the company's, on its own stock
account, until the hospital reports it used; the usage report's Sales Invoice then takes it out, with revenue and
cost of goods sold on that day only.

What is at a hospital, what it has reported used and what of that is billed are read from the ledger and the
submitted documents each time; the quantities a usage report row stores are for reading only."""

import frappe
from frappe import _
from frappe.query_builder.functions import Sum
from frappe.utils import flt

from medical_devices import access, inputs
from medical_devices.controls import WAREHOUSE_MANAGERS

WAREHOUSE_FIELD = "md_consignment_customer"
GROUP_NAME = "Consignment at Hospitals"
ACCOUNT_NAME = "Consignment Stock at Hospitals"
MAKE_WAREHOUSE = f"{__name__}.make_consignment_warehouse"
USAGE_ROW_FIELD = "md_consignment_usage_item"
USAGE_FIELD = "md_consignment_usage"
# the documents whose rows bill a usage report row (and take its units out of the consignment warehouse)
BILLING_ROW_DOCTYPES = {"Sales Invoice": "Sales Invoice Item", "Delivery Note": "Delivery Note Item"}


def hospitals_of(warehouses) -> dict[str, str]:
	"""Warehouse -> the hospital it is the consignment warehouse of, for those of `warehouses` that are."""
	warehouses = [name for name in set(warehouses or ()) if name]
	if not warehouses:
		return {}
	return dict(
		frappe.get_all(
			"Warehouse",
			filters={"name": ("in", warehouses), WAREHOUSE_FIELD: ("is", "set")},
			fields=["name", WAREHOUSE_FIELD],
			as_list=True,
		)
	)


def hospital_of(warehouse: str | None) -> str | None:
	return hospitals_of([warehouse]).get(warehouse)


def warehouse_of(company: str, hospital: str) -> str | None:
	"""The hospital's consignment warehouse of `company` (there is one per hospital and company)."""
	return frappe.db.get_value(
		"Warehouse", {"company": company, WAREHOUSE_FIELD: hospital, "is_group": 0}, "name"
	)


def require_warehouse(company: str, hospital: str) -> str:
	warehouse = warehouse_of(company, hospital)
	if not warehouse:
		frappe.throw(
			_(
				"{0} has no consignment warehouse of {1}: make one with Consignment Warehouse on the customer."
			).format(frappe.bold(hospital), company),
			inputs.InvalidInputError,
			title=_("No Consignment Warehouse"),
		)
	return warehouse


@frappe.whitelist(methods=["POST"])
@inputs.endpoint
def make_consignment_warehouse(customer: str, company: str) -> str:
	"""The hospital's consignment warehouse of the company, made when it has none: under the group Consignment at
	Hospitals, on the stock account Consignment Stock at Hospitals (so the balance sheet shows what stands at
	hospitals)."""
	if not set(WAREHOUSE_MANAGERS) & set(frappe.get_roles()):
		frappe.throw(
			_("Only a Stock Manager makes consignment warehouses."),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
	customer = access.record("Customer", customer)
	company = access.company(company, "Warehouse", "create", required=True)
	existing = warehouse_of(company, customer)
	if existing:
		return existing
	account = consignment_account(company)
	group = group_warehouse(company, GROUP_NAME, account=account)
	warehouse = frappe.get_doc(
		{
			"doctype": "Warehouse",
			"warehouse_name": frappe.db.get_value("Customer", customer, "customer_name") or customer,
			"company": company,
			"parent_warehouse": group,
			"account": account,
		}
	)
	from medical_devices.audit import controlled

	controlled.allow(warehouse, MAKE_WAREHOUSE, **{WAREHOUSE_FIELD: customer})
	if frappe.db.exists("Warehouse", f"{warehouse.warehouse_name} - {company_abbr(company)}"):
		warehouse.warehouse_name = f"{warehouse.warehouse_name} ({customer})"
	warehouse.insert()
	frappe.flags.pop("warehouse_account_map", None)
	return warehouse.name


def group_warehouse(
	company: str, name: str, account: str | None = None, ignore_permissions: bool = False
) -> str:
	"""The company's group warehouse of that name under its root, made when it has none."""
	existing = frappe.db.get_value(
		"Warehouse", {"company": company, "warehouse_name": name, "is_group": 1}, "name"
	)
	if existing:
		return existing
	group = frappe.get_doc(
		{
			"doctype": "Warehouse",
			"warehouse_name": name,
			"company": company,
			"is_group": 1,
			"parent_warehouse": root_warehouse(company),
			"account": account,
		}
	)
	return group.insert(ignore_permissions=ignore_permissions).name


def company_abbr(company: str) -> str:
	return frappe.get_cached_value("Company", company, "abbr")


def root_warehouse(company: str) -> str | None:
	return frappe.db.get_value(
		"Warehouse", {"company": company, "is_group": 1, "parent_warehouse": ("in", ("", None))}, "name"
	) or frappe.db.get_value("Warehouse", {"company": company, "is_group": 1}, "name", order_by="lft asc")


def consignment_account(company: str) -> str:
	"""The stock account of the company's consignment warehouses, beside its default inventory account."""
	existing = frappe.db.get_value("Account", {"company": company, "account_name": ACCOUNT_NAME}, "name")
	if existing:
		return existing
	inventory = frappe.get_cached_value("Company", company, "default_inventory_account")
	parent = inventory and frappe.db.get_value("Account", inventory, "parent_account")
	if not parent:
		parent = frappe.db.get_value(
			"Account", {"company": company, "account_type": "Stock", "is_group": 1}, "name"
		)
	if not parent:
		frappe.throw(
			_("Company {0} has no stock account group to put its consignment stock under.").format(company)
		)
	account = frappe.get_doc(
		{
			"doctype": "Account",
			"company": company,
			"account_name": ACCOUNT_NAME,
			"parent_account": parent,
			"account_type": "Stock",
			"is_group": 0,
		}
	)
	account.insert(ignore_permissions=True)
	return account.name


# --- what is there, what is used, what is billed ------------------------------------------------------------------


def billed_quantities(usage_rows, exclude: tuple[str, str] | None = None) -> dict[str, float]:
	"""Usage report row -> quantity billed on submitted invoices and delivery notes (`exclude`: one document,
	(doctype, name), left out: the one being checked)."""
	usage_rows = [row for row in set(usage_rows or ()) if row]
	billed: dict[str, float] = {}
	if not usage_rows:
		return billed
	for doctype, row_doctype in BILLING_ROW_DOCTYPES.items():
		item = frappe.qb.DocType(row_doctype)
		parent = frappe.qb.DocType(doctype)
		query = (
			frappe.qb.from_(item)
			.join(parent)
			.on(parent.name == item.parent)
			.select(item[USAGE_ROW_FIELD], Sum(item.stock_qty))
			.where(parent.docstatus == 1)
			.where(item[USAGE_ROW_FIELD].isin(usage_rows))
			.groupby(item[USAGE_ROW_FIELD])
		)
		if doctype == "Sales Invoice":
			query = query.where(parent.update_stock == 1)
		if exclude and exclude[0] == doctype:
			query = query.where(parent.name != exclude[1])
		for row, qty in query.run():
			billed[row] = billed.get(row, 0.0) + flt(qty)
	return billed


def reported_usage(warehouses, exclude_report: str | None = None) -> list[frappe._dict]:
	"""The rows of submitted usage reports of the warehouse (or warehouses), each with what of it is not billed yet
	(`unbilled`)."""
	warehouses = [warehouses] if isinstance(warehouses, str) else list(warehouses)
	if not warehouses:
		return []
	report = frappe.qb.DocType("Consignment Usage Report")
	row = frappe.qb.DocType("Consignment Usage Item")
	query = (
		frappe.qb.from_(row)
		.join(report)
		.on(report.name == row.parent)
		.select(
			row.name,
			row.parent,
			report.warehouse,
			row.item_code,
			row.batch_no,
			row.serial_no,
			row.qty,
			row.patient_reference,
		)
		.where(report.docstatus == 1)
		.where(report.warehouse.isin(warehouses))
		.where(report.status != "Billed")
	)
	if exclude_report:
		query = query.where(report.name != exclude_report)
	rows = query.run(as_dict=True)
	billed = billed_quantities([entry.name for entry in rows])
	for entry in rows:
		entry.unbilled = flt(entry.qty) - billed.get(entry.name, 0.0)
	return [entry for entry in rows if entry.unbilled > 1e-9]


def unbilled_use(warehouses, exclude_report: str | None = None) -> dict[tuple, float]:
	"""(warehouse, item, batch) -> units reported used but not billed yet: still on the books, no longer at the
	hospital."""
	used: dict[tuple, float] = {}
	for entry in reported_usage(warehouses, exclude_report):
		key = (entry.warehouse, entry.item_code, entry.batch_no or None)
		used[key] = used.get(key, 0.0) + entry.unbilled
	return used


def unbilled_by_batch(warehouse: str, exclude_report: str | None = None) -> dict[tuple, float]:
	"""(item, batch) -> units of the warehouse reported used but not billed yet."""
	return {key[1:]: qty for key, qty in unbilled_use(warehouse, exclude_report).items()}


# --- recalls -------------------------------------------------------------------------------------------------------


def recall_scope(batches: list[str], stock: list[dict]) -> tuple[dict[tuple, float], list[dict]]:
	"""What a recall of `batches` finds at hospitals: (hospital, item, batch) -> units in its consignment stock
	(from `stock`, the batches' balances per warehouse), and each unit used in a patient, from the submitted usage
	reports (the patient by pseudonym and Patient Record)."""
	at_hospitals: dict[tuple, float] = {}
	hospitals = hospitals_of({row["warehouse"] for row in stock})
	for row in stock:
		hospital = hospitals.get(row["warehouse"])
		if hospital:
			key = (hospital, row["item_code"], row["batch"])
			at_hospitals[key] = at_hospitals.get(key, 0.0) + flt(row["qty"])
	return at_hospitals, implanted(batches)


def implanted(batches: list[str] | None = None, serial_nos: list[str] | None = None) -> list[dict]:
	"""Each unit of `batches` (or these serial numbers) a hospital reported used in a patient (submitted usage
	reports), by hospital and surgery date: the patient by pseudonym and Patient Record, the consignment warehouse it
	came from and the invoice that billed it."""
	if not batches and not serial_nos:
		return []
	report = frappe.qb.DocType("Consignment Usage Report")
	row = frappe.qb.DocType("Consignment Usage Item")
	return (
		frappe.qb.from_(row)
		.join(report)
		.on(report.name == row.parent)
		.select(
			report.customer,
			row.item_code,
			row.batch_no.as_("batch"),
			row.serial_no,
			row.qty,
			row.surgery_date,
			row.patient_reference,
			row.patient_record,
			report.name.as_("usage_report"),
			row.name.as_("usage_row"),
			report.warehouse,
			row.sales_invoice,
		)
		.where(report.docstatus == 1)
		.where(row.batch_no.isin(batches) if batches else row.serial_no.isin(serial_nos))
		.orderby(report.customer)
		.orderby(row.surgery_date)
		.orderby(row.serial_no)
	).run(as_dict=True)
