"""Loaner sets (跟台 / 外来器械), answered once: a set is a case of implants and instruments that goes to a surgery
at a hospital and comes back. Each set is an ERPNext warehouse of its own (under the group Loaner Sets, on the
company's stock account): what is in the set is what the ledger holds there, filled and emptied by Material
Transfers. A loan takes the set to a hospital's surgery; its return counts what came back, bills the implants used
(and missing implants, which are used as far as anyone can tell), charges or writes off missing instruments, and
leaves the set for reprocessing. A set goes out only complete against its template and sterilised since its last
return or refill."""

import frappe
from frappe import _
from frappe.utils import flt, get_datetime

from medical_devices import inputs
from medical_devices.devices import device_items
from medical_devices.gsp.stock import batch_balances

GROUP_NAME = "Loaner Sets"
SET_FIELD = "md_loaner_set"  # Warehouse -> the set it is
LOAN_FIELD = "md_loaner_set_loan"  # Sales Invoice and Stock Entry -> the loan whose return posts them
LOSS_ACCOUNT = "Loaner Set Losses"
REFRESH_STATUS = f"{__name__}.refresh_status"
INCOMPLETE, AVAILABLE, ON_LOAN, REPROCESSING = "Incomplete", "Available", "On Loan", "Reprocessing"
STATUS_COLOURS = {INCOMPLETE: "red", AVAILABLE: "green", ON_LOAN: "blue", REPROCESSING: "orange"}


def sets_of(warehouses) -> dict[str, str]:
	"""Warehouse -> the loaner set it holds, for those of `warehouses` that are a set's."""
	warehouses = [name for name in set(warehouses or ()) if name]
	if not warehouses:
		return {}
	return dict(
		frappe.get_all(
			"Warehouse",
			filters={"name": ("in", warehouses), SET_FIELD: ("is", "set")},
			fields=["name", SET_FIELD],
			as_list=True,
		)
	)


def make_set_warehouse(set_no: str, company: str) -> str:
	from medical_devices.md_hospitals.consignment import company_abbr, group_warehouse

	group = group_warehouse(company, GROUP_NAME, ignore_permissions=True)
	name = f"{set_no} - {company_abbr(company)}"
	if frappe.db.exists("Warehouse", name):
		frappe.throw(
			_("Warehouse {0} exists already: give the set another number.").format(name),
			inputs.InvalidInputError,
		)
	warehouse = frappe.get_doc(
		{"doctype": "Warehouse", "warehouse_name": set_no, "company": company, "parent_warehouse": group}
	)
	from medical_devices.audit import controlled

	controlled.allow(warehouse, f"{__name__}.make_set_warehouse", **{SET_FIELD: set_no})
	warehouse.flags.ignore_links = True  # made while the set itself is being inserted
	warehouse.insert(ignore_permissions=True)
	frappe.flags.pop("warehouse_account_map", None)
	return warehouse.name


def contents(warehouse: str) -> list[dict]:
	"""What the set holds: one row per serial number (with its batch), per batch, or per item (neither)."""
	rows = []
	serials = frappe.get_all(
		"Serial No",
		filters={"warehouse": warehouse, "status": "Active"},
		fields=["name", "item_code", "batch_no"],
		order_by="item_code asc, name asc",
	)
	serialised = {row.item_code for row in serials}
	for row in serials:
		rows.append({"item_code": row.item_code, "batch_no": row.batch_no, "serial_no": row.name, "qty": 1.0})
	for row in batch_balances(warehouse=warehouse):
		if row["item_code"] not in serialised:
			rows.append(
				{
					"item_code": row["item_code"],
					"batch_no": row["batch"],
					"serial_no": None,
					"qty": row["qty"],
				}
			)
	batched = {row["item_code"] for row in rows}
	for item_code, qty in frappe.get_all(
		"Bin",
		filters={"warehouse": warehouse, "actual_qty": (">", 0)},
		fields=["item_code", "actual_qty"],
		as_list=True,
	):
		if item_code not in batched:
			rows.append({"item_code": item_code, "batch_no": None, "serial_no": None, "qty": flt(qty)})
	return sorted(rows, key=lambda row: (row["item_code"], row["batch_no"] or "", row["serial_no"] or ""))


def components(template: str) -> dict[str, tuple[str, float]]:
	"""Item -> (Implant or Instrument, quantity the template asks for)."""
	result: dict[str, tuple[str, float]] = {}
	for row in frappe.get_all(
		"Loaner Set Template Item",
		filters={"parent": template, "parenttype": "Loaner Set Template"},
		fields=["item_code", "component", "qty"],
	):
		component, qty = result.get(row.item_code, (row.component, 0.0))
		result[row.item_code] = (component, qty + flt(row.qty))
	return result


def shortfall(template: str, held: list[dict]) -> dict[str, float]:
	"""Item -> how many the set lacks against its template."""
	have: dict[str, float] = {}
	for row in held:
		have[row["item_code"]] = have.get(row["item_code"], 0.0) + flt(row["qty"])
	return {
		item_code: qty - have.get(item_code, 0.0)
		for item_code, (_component, qty) in components(template).items()
		if have.get(item_code, 0.0) < qty - 1e-9
	}


def last_stock_in(warehouse: str):
	return frappe.db.sql(
		"""select max(posting_datetime) from `tabStock Ledger Entry`
		where warehouse = %s and actual_qty > 0 and is_cancelled = 0""",
		warehouse,
	)[0][0]


def status_of(doc) -> tuple[str, str]:
	"""(status, what is missing) of a Loaner Set from its loan, its reprocessing and its stock."""
	lacking = shortfall(doc.template, contents(doc.warehouse)) if doc.warehouse else {}
	missing = "\n".join(f"{item_code}: {flt(qty)}" for item_code, qty in sorted(lacking.items()))
	if doc.current_loan:
		return ON_LOAN, missing
	if lacking:
		return INCOMPLETE, missing
	last_return = frappe.db.get_value(
		"Loaner Set Loan", {"loaner_set": doc.name, "docstatus": 1, "status": "Returned"}, "max(returned_on)"
	)
	sterilised = get_datetime(doc.last_sterilised_on) if doc.last_sterilised_on else None
	changed = [get_datetime(moment) for moment in (last_return, last_stock_in(doc.warehouse)) if moment]
	if not sterilised or any(moment > sterilised for moment in changed):
		return REPROCESSING, missing
	return AVAILABLE, missing


def refresh_status(loaner_set: str):
	"""After a loan, a return, a reprocessing or a stock movement of the set's warehouse."""
	from medical_devices.audit import controlled
	from medical_devices.audit.origin import mark

	doc = frappe.get_doc("Loaner Set", loaner_set)
	status, missing = status_of(doc)
	if (status, missing or None) == (doc.status, doc.missing or None):
		return
	controlled.allow(doc, REFRESH_STATUS, status=status, missing=missing or None)
	mark(doc, REFRESH_STATUS)
	doc.flags.ignore_permissions = True
	doc.save()


def loan_rows(loaner_set) -> list[dict]:
	"""The rows a loan takes out: the set's contents, each with its component from the template."""
	parts = components(loaner_set.template)
	rows = contents(loaner_set.warehouse)
	for row in rows:
		row["component"] = parts.get(row["item_code"], ("Instrument", 0))[0]
	return rows


def implants_of(rows) -> set[str]:
	return {row.item_code for row in rows if row.component == "Implant"}


def device_rows(rows):
	items = device_items(row.item_code for row in rows)
	return [row for row in rows if row.item_code in items]
