"""Consignment at hospitals (寄售, 先用后结), answered once: a consignment warehouse is an ERPNext warehouse of the
company that names the hospital (a Customer) it stands at. The stock in it stays the company's, on its own stock
account, until the hospital reports it used; the usage report's Sales Invoice then takes it out, with revenue and
cost of goods sold on that day only.

What is at a hospital, what it has reported used and what of that is billed are read from the ledger and the
submitted documents each time (`Billing`: an invoice row bills units of a usage report, one row per batch); the
quantities a usage report row stores are for reading only."""

import frappe
from frappe import _
from frappe.query_builder.functions import Sum
from frappe.utils import cstr, flt

from medical_devices import access, inputs
from medical_devices.controls import WAREHOUSE_MANAGERS

WAREHOUSE_FIELD = "md_consignment_customer"
GROUP_NAME = "Consignment at Hospitals"
ACCOUNT_NAME = "Consignment Stock at Hospitals"
MAKE_WAREHOUSE = f"{__name__}.make_consignment_warehouse"
USAGE_FIELD = "md_consignment_usage"
EPSILON = 1e-9
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


class Billing:
	"""What of one usage report its invoice and delivery rows bill. A row bills units of the report, not a report
	row: its serial numbers bill the report's rows of those serial numbers, its quantity of a batch (or of an item
	without batches) the report's rows of that batch without serial numbers, in the report's order. One invoice row
	per batch bills any number of reported units."""

	def __init__(self, usage_rows):
		self.rows = sorted(usage_rows, key=lambda row: row["idx"])
		self.remaining = {row["name"]: flt(row["qty"]) for row in self.rows}
		self.billed: dict[str, float] = {}
		self.billed_by: dict[str, str] = {}
		self.by_serial = {
			(row["item_code"], row["serial_no"]): row for row in self.rows if row.get("serial_no")
		}

	def bill(self, item_code: str, units, document: str | None = None) -> list[tuple]:
		"""Bill `units` ((batch, serial number, quantity) of the item); returns what no unbilled use of the report
		covers."""
		uncovered = []
		for batch, serial_no, qty in units:
			qty = flt(qty)
			if serial_no:
				row = self.by_serial.get((item_code, serial_no))
				if row and (not batch or not row.get("batch_no") or row["batch_no"] == batch):
					qty -= self.take(row, min(qty, 1.0), document)
			else:
				for row in self.rows:
					if qty <= EPSILON:
						break
					if (
						row["item_code"] == item_code
						and not row.get("serial_no")
						and (row.get("batch_no") or None) == (batch or None)
					):
						qty -= self.take(row, qty, document)
			if qty > EPSILON:
				uncovered.append((batch, serial_no, qty))
		return uncovered

	def reports(self, item_code: str, batch: str | None, serial_no: str | None) -> bool:
		"""Whether the report has these units at all, billed or not."""
		if serial_no:
			row = self.by_serial.get((item_code, serial_no))
			return bool(row) and (not batch or not row.get("batch_no") or row["batch_no"] == batch)
		return any(
			row["item_code"] == item_code
			and not row.get("serial_no")
			and (row.get("batch_no") or None) == (batch or None)
			for row in self.rows
		)

	def take(self, row, qty: float, document: str | None) -> float:
		taken = min(qty, self.remaining[row["name"]])
		if taken > EPSILON:
			self.remaining[row["name"]] -= taken
			self.billed[row["name"]] = self.billed.get(row["name"], 0.0) + taken
			if document and row["name"] not in self.billed_by:
				self.billed_by[row["name"]] = document
			return taken
		return 0.0


def usage_rows_of(reports) -> dict[str, list[dict]]:
	"""Report -> its rows (name, idx, item, batch, serial number, quantity)."""
	rows: dict[str, list[dict]] = {}
	if not reports:
		return rows
	for row in frappe.get_all(
		"Consignment Usage Item",
		filters={"parent": ("in", list(reports)), "parenttype": "Consignment Usage Report"},
		fields=["name", "parent", "idx", "item_code", "batch_no", "serial_no", "qty"],
		order_by="idx asc",
	):
		rows.setdefault(row.parent, []).append(row)
	return rows


def billing_rows(reports, exclude: tuple[str, str] | None = None) -> list[frappe._dict]:
	"""The rows of submitted invoices (updating stock) and delivery notes that bill the reports, oldest first, each
	with its `units` ((batch, serial number, quantity)); `exclude`: one document, (doctype, name), left out."""
	if not reports:
		return []
	found = []
	for doctype, row_doctype in BILLING_ROW_DOCTYPES.items():
		item = frappe.qb.DocType(row_doctype)
		parent = frappe.qb.DocType(doctype)
		query = (
			frappe.qb.from_(item)
			.join(parent)
			.on(parent.name == item.parent)
			.select(
				item.name,
				item.parent,
				item[USAGE_FIELD].as_("report"),
				item.item_code,
				item.batch_no,
				item.serial_no,
				item.stock_qty,
				item.serial_and_batch_bundle,
				parent.creation,
				item.idx,
			)
			.where(parent.docstatus == 1)
			.where(item[USAGE_FIELD].isin(list(reports)))
		)
		if doctype == "Sales Invoice":
			query = query.where(parent.update_stock == 1)
		if exclude and exclude[0] == doctype:
			query = query.where(parent.name != exclude[1])
		for row in query.run(as_dict=True):
			row.doctype = doctype
			found.append(row)
	add_units(found)
	return sorted(found, key=lambda row: (row.creation, row.parent, row.idx))


def add_units(rows):
	"""Each row's `units`, (batch, serial number, quantity): what its bundle moves, or, before it has one, the
	serial numbers (one unit each) or the batch and quantity its fields name."""
	bundles = [row.serial_and_batch_bundle for row in rows if row.get("serial_and_batch_bundle")]
	entries: dict[str, list] = {}
	if bundles:
		for entry in frappe.get_all(
			"Serial and Batch Entry",
			filters={"parent": ("in", bundles)},
			fields=["parent", "batch_no", "serial_no", "qty"],
			order_by="idx asc",
		):
			entries.setdefault(entry.parent, []).append(
				(entry.batch_no or None, entry.serial_no or None, abs(flt(entry.qty)))
			)
	for row in rows:
		bundle = row.get("serial_and_batch_bundle")
		row.units = entries.get(bundle, []) if bundle else units_named(row)


def units_named(row) -> list[tuple]:
	serials = [serial.strip() for serial in cstr(row.get("serial_no")).split("\n") if serial.strip()]
	batch = row.get("batch_no") or None
	if serials:
		return [(batch, serial, 1.0) for serial in serials]
	return [(batch, None, flt(row.get("stock_qty") or row.get("qty")))]


def billings(reports, exclude: tuple[str, str] | None = None) -> dict[str, Billing]:
	"""Report -> what its submitted invoices and delivery notes bill of it."""
	rows = usage_rows_of(reports)
	found = {report: Billing(rows.get(report, [])) for report in reports}
	for row in billing_rows(reports, exclude):
		if row.report in found:
			found[row.report].bill(
				row.item_code, row.units, row.parent if row.doctype == "Sales Invoice" else None
			)
	return found


def billed_quantities(usage_rows, exclude: tuple[str, str] | None = None) -> dict[str, float]:
	"""Usage report row -> quantity billed on submitted invoices and delivery notes (`exclude`: one document,
	(doctype, name), left out: the one being checked)."""
	usage_rows = [row for row in set(usage_rows or ()) if row]
	if not usage_rows:
		return {}
	reports = set(
		frappe.get_all("Consignment Usage Item", filters={"name": ("in", usage_rows)}, pluck="parent")
	)
	billed: dict[str, float] = {}
	for billing in billings(reports, exclude).values():
		billed.update(billing.billed)
	return {row: qty for row, qty in billed.items() if row in set(usage_rows)}


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
	billed: dict[str, float] = {}
	for billing in billings({entry.parent for entry in rows}).values():
		billed.update(billing.billed)
	for entry in rows:
		entry.unbilled = flt(entry.qty) - billed.get(entry.name, 0.0)
	return [entry for entry in rows if entry.unbilled > EPSILON]


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
