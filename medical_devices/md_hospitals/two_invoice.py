"""The two-invoice rule (两票制): a public hospital buys a high-value consumable on at most two invoices, the
manufacturer's to the distributor and the distributor's to the hospital; an imported device's national general
agent counts as its manufacturer.

- **Which sales**: the rows, for items ticked *Under the Two-Invoice Rule*, of a Sales Invoice or Delivery Note of a
  customer under the rule (its own setting; left empty, the province of one of its addresses is in Medical Device
  Settings).
- **The chain of a row, from the ledger**: every way each of its batches (or serial numbers) came into the company:
  bought on a Purchase Receipt and billed by Purchase Invoices, or received on a Purchase Invoice; made here
  (Manufacture, Repack, Subcontracting Receipt); or bought from one of the group's own companies, followed into
  that company (its invoice counted only when the settings say so).
- **Counted**: made here, our invoice is the first; bought from the item's registrant or general agent (on its
  registration certificate), the second; bought from anyone else, the third at least.
- **Refused on submit**: more invoices than the customer allows (two; three for a remote area), or a way in that
  shows no purchase invoice (not billed yet, or stock that came in without a purchase). The message names the chain.
  A batch bought both ways cannot prove which unit is sold: every way in must pass.
- The invoice rows keep the purchase invoices they were checked against; the print format *Two-Invoice Chain*
  prints them with the supplier's invoice numbers and amounts.
"""

from typing import NamedTuple

import frappe
from frappe import _
from frappe.utils import cint, flt

from medical_devices.medical_devices.doctype.medical_device_settings.medical_device_settings import (
	controls_enabled,
	get_settings,
)

APPLIES, DOES_NOT_APPLY = "Applies", "Does Not Apply"
ALLOWED, REMOTE_AREA_ALLOWED = 2, 3
ROW_FIELD = "md_purchase_invoices"
MADE_PURPOSES = ("Manufacture", "Repack")
MAX_GROUP_DEPTH = 5


class TwoInvoiceError(frappe.ValidationError):
	pass


class Upstream(NamedTuple):
	"""One purchase invoice before ours: the supplier billed `company` for the batch."""

	company: str
	supplier: str
	purchase_invoice: str
	bill_no: str | None
	bill_date: object
	qty: float
	amount: float
	counted: bool


class WayIn(NamedTuple):
	"""One way a batch came into the company: the invoices before ours, those known, and what is wrong."""

	batch: str | None
	serial_no: str | None
	voucher_type: str
	voucher_no: str
	invoices_before: int
	upstream: tuple[Upstream, ...]
	problem: str | None


# --- who and what is under the rule ------------------------------------------------------------------------------


def rule_items(item_codes) -> set[str]:
	codes = [code for code in set(item_codes) if code]
	if not codes:
		return set()
	return set(
		frappe.get_all("Item", filters={"name": ("in", codes), "md_two_invoice_rule": 1}, pluck="name")
	)


def provinces() -> set[str]:
	return {
		line.strip() for line in (get_settings().two_invoice_provinces or "").splitlines() if line.strip()
	}


def customer_under_rule(customer: str | None) -> bool:
	if not customer:
		return False
	setting = frappe.db.get_value("Customer", customer, "md_two_invoice_rule")
	if setting in (APPLIES, DOES_NOT_APPLY):
		return setting == APPLIES
	listed = provinces()
	if not listed:
		return False
	address = frappe.qb.DocType("Address")
	link = frappe.qb.DocType("Dynamic Link")
	states = (
		frappe.qb.from_(address)
		.join(link)
		.on(link.parent == address.name)
		.select(address.state)
		.where(link.parenttype == "Address")
		.where(link.link_doctype == "Customer")
		.where(link.link_name == customer)
		.where(address.disabled == 0)
		.run(pluck=True)
	)
	return any((state or "").strip() in listed for state in states)


def allowed_invoices(customer: str) -> int:
	return (
		REMOTE_AREA_ALLOWED
		if frappe.db.get_value("Customer", customer, "md_two_invoice_extra_invoice")
		else ALLOWED
	)


def rule_rows(doc) -> list:
	"""The rows of a sale the rule binds, or none."""
	if doc.get("is_return") or not customer_under_rule(doc.get("customer")):
		return []
	items = rule_items(row.get("item_code") for row in doc.get("items") or [])
	return [row for row in doc.get("items") or [] if row.get("item_code") in items]


# --- the ledger: how the batches came in ----------------------------------------------------------------------


def row_units(row, doctype: str) -> tuple[list[str], list[str]]:
	"""The batches and serial numbers a sales row moves (or, for an invoice of a delivery, its delivery note row
	moved)."""
	source = row
	if doctype == "Sales Invoice" and not row.get("serial_and_batch_bundle") and not row.get("batch_no"):
		if row.get("dn_detail"):
			source = (
				frappe.db.get_value(
					"Delivery Note Item",
					row.dn_detail,
					["batch_no", "serial_no", "serial_and_batch_bundle"],
					as_dict=True,
				)
				or frappe._dict()
			)
	batches, serials = set(), set()
	if source.get("serial_and_batch_bundle"):
		for entry in frappe.get_all(
			"Serial and Batch Entry",
			filters={"parent": source.serial_and_batch_bundle},
			fields=["batch_no", "serial_no"],
		):
			if entry.batch_no:
				batches.add(entry.batch_no)
			elif entry.serial_no:
				serials.add(entry.serial_no)
	if source.get("batch_no"):
		batches.add(source.batch_no)
	for serial in (source.get("serial_no") or "").split("\n"):
		if serial.strip() and not batches:
			serials.add(serial.strip())
	return sorted(batches), sorted(serials)


def inbound_rows(company: str, batches: list[str], serials: list[str]) -> list[frappe._dict]:
	"""Stock that came into the company's warehouses for these batches or serial numbers (not cancelled)."""
	sle = frappe.qb.DocType("Stock Ledger Entry")
	entry = frappe.qb.DocType("Serial and Batch Entry")
	columns = (sle.voucher_type, sle.voucher_no, sle.voucher_detail_no, sle.posting_date)
	rows = []
	for field, values in (("batch_no", batches), ("serial_no", serials)):
		if not values:
			continue
		rows += (
			frappe.qb.from_(entry)
			.join(sle)
			.on(sle.serial_and_batch_bundle == entry.parent)
			.select(entry.batch_no, entry.serial_no, *columns)
			.where(entry[field].isin(values))
			.where(entry.qty > 0)
			.where(sle.is_cancelled == 0)
			.where(sle.company == company)
			.run(as_dict=True)
		)
	if batches:
		rows += (
			frappe.qb.from_(sle)
			.select(sle.batch_no, sle.serial_no, *columns)
			.where(sle.batch_no.isin(batches))
			.where(sle.actual_qty > 0)
			.where(sle.is_cancelled == 0)
			.where(sle.company == company)
			.where(sle.serial_and_batch_bundle.isnull() | (sle.serial_and_batch_bundle == ""))
			.run(as_dict=True)
		)
	unique = {(r.voucher_type, r.voucher_no, r.voucher_detail_no, r.batch_no, r.serial_no): r for r in rows}
	return sorted(unique.values(), key=lambda r: (r.posting_date, r.voucher_no))


def ways_in(company: str, batches: list[str], serials: list[str], depth: int = 0) -> list[WayIn]:
	ways = []
	for row in inbound_rows(company, batches, serials):
		kind = way_in_kind(row)
		if kind == "made":
			ways.append(way(row, 0))
		elif kind == "bought":
			ways.extend(bought(company, row, depth))
		elif kind == "unknown":
			ways.append(
				way(
					row,
					0,
					problem=_(
						"it came in by {0} {1}, not from a purchase: there is no invoice to show"
					).format(_(row.voucher_type), row.voucher_no),
				)
			)
	return ways


def way(row, invoices_before: int, upstream=(), problem=None) -> WayIn:
	return WayIn(
		row.batch_no,
		row.serial_no,
		row.voucher_type,
		row.voucher_no,
		invoices_before,
		tuple(upstream),
		problem,
	)


def way_in_kind(row) -> str | None:
	"""bought, made, unknown (stock that appeared), or None: a move within the company or a customer's return."""
	if row.voucher_type in ("Purchase Receipt", "Purchase Invoice"):
		return "bought"
	if row.voucher_type == "Subcontracting Receipt":
		return "made"
	if row.voucher_type == "Stock Entry":
		purpose = frappe.db.get_value("Stock Entry", row.voucher_no, "purpose")
		if purpose in MADE_PURPOSES:
			return "made"
		if purpose == "Material Receipt":
			return "unknown"
		return None
	if row.voucher_type == "Stock Reconciliation":
		return "unknown"
	return None


def bought(company: str, row, depth: int) -> list[WayIn]:
	supplier = frappe.db.get_value(row.voucher_type, row.voucher_no, "supplier")
	invoices = purchase_invoices(row)
	if not invoices:
		return [
			way(
				row,
				1,
				problem=_("{0} {1} from {2} is not billed by a submitted purchase invoice yet").format(
					_(row.voucher_type), row.voucher_no, supplier
				),
			)
		]
	internal = frappe.db.get_value(
		"Supplier", supplier, ["is_internal_supplier", "represents_company"], as_dict=True
	)
	if internal and internal.is_internal_supplier and internal.represents_company and depth < MAX_GROUP_DEPTH:
		counted = bool(cint(get_settings().two_invoice_group_invoices_count))
		links = tuple(link._replace(counted=counted) for link in upstream_of(company, supplier, invoices))
		inner = ways_in(
			internal.represents_company,
			[row.batch_no] if row.batch_no else [],
			[row.serial_no] if row.serial_no and not row.batch_no else [],
			depth + 1,
		)
		if not inner:
			return [
				way(
					row,
					1,
					links,
					_("{0} (one of the group's companies) shows no way in of it").format(
						internal.represents_company
					),
				)
			]
		return [
			way(row, inner_way.invoices_before + counted, links + inner_way.upstream, inner_way.problem)
			for inner_way in inner
		]
	item_code = frappe.db.get_value(row.voucher_type + " Item", row.voucher_detail_no, "item_code")
	first = supplier in first_sellers(item_code)
	return [way(row, 1 if first else 2, upstream_of(company, supplier, invoices))]


def purchase_invoices(row) -> list[frappe._dict]:
	"""The submitted purchase invoice rows that bill this receipt row (or the invoice row that received it)."""
	fields = ["parent", "qty", "amount"]
	if row.voucher_type == "Purchase Invoice":
		filters = {"name": row.voucher_detail_no, "docstatus": 1}
	else:
		filters = {"purchase_receipt": row.voucher_no, "pr_detail": row.voucher_detail_no, "docstatus": 1}
	return frappe.get_all("Purchase Invoice Item", filters=filters, fields=fields, order_by="creation")


def upstream_of(company: str, supplier: str, invoice_rows) -> tuple[Upstream, ...]:
	links = []
	for invoice_row in invoice_rows:
		bill_no, bill_date = frappe.db.get_value(
			"Purchase Invoice", invoice_row.parent, ["bill_no", "bill_date"]
		)
		links.append(
			Upstream(
				company,
				supplier,
				invoice_row.parent,
				bill_no,
				bill_date,
				flt(invoice_row.qty),
				flt(invoice_row.amount),
				True,
			)
		)
	return tuple(links)


def first_sellers(item_code: str | None) -> set[str]:
	"""The suppliers whose invoice is the first under the rule: the registrant of a certificate of the item, or the
	national general agent of an imported one."""
	if not item_code:
		return set()
	certificate = frappe.qb.DocType("Registration Certificate")
	covered = frappe.qb.DocType("Registration Certificate Item")
	rows = (
		frappe.qb.from_(covered)
		.join(certificate)
		.on(certificate.name == covered.parent)
		.select(certificate.supplier, certificate.general_agent)
		.where(covered.item == item_code)
		.where(covered.parenttype == "Registration Certificate")
		.run()
	)
	return {supplier for row in rows for supplier in row if supplier}


def registrant(item_code: str) -> str:
	certificate = frappe.qb.DocType("Registration Certificate")
	covered = frappe.qb.DocType("Registration Certificate Item")
	holders = (
		frappe.qb.from_(covered)
		.join(certificate)
		.on(certificate.name == covered.parent)
		.select(certificate.holder)
		.where(covered.item == item_code)
		.where(covered.parenttype == "Registration Certificate")
		.run(pluck=True)
	)
	return holders[0] if holders else _("the manufacturer")


# --- the chain of a sale ------------------------------------------------------------------------------------


def describe_chain(item_code: str, w: WayIn, doc) -> str:
	steps = [registrant(item_code)]
	if w.invoices_before > len([link for link in w.upstream if link.counted]):
		steps.append("…")
	for link in reversed(w.upstream):
		steps.append(
			_("{0} (purchase invoice {1}, supplier invoice no. {2})").format(
				link.supplier, link.purchase_invoice, link.bill_no or "-"
			)
		)
	steps += [doc.company, doc.customer]
	return " → ".join(steps)


def invoice_chain(doc) -> list[dict]:
	"""For the print format: each row under the rule with the purchase invoices it was checked against."""
	rows = []
	for row in doc.get("items") or []:
		names = [name for name in (row.get(ROW_FIELD) or "").split("\n") if name]
		if not names:
			continue
		batches, serials = row_units(row, doc.doctype)
		links = [
			link
			for w in ways_in(doc.company, batches, serials)
			for link in w.upstream
			if link.purchase_invoice in names
		]
		rows.append(
			{
				"idx": row.idx,
				"item_code": row.item_code,
				"item_name": row.item_name,
				"batches": ", ".join(
					frappe.db.get_value("Batch", batch, "batch_id") or batch for batch in batches
				)
				or ", ".join(serials),
				"qty": row.qty,
				"amount": row.amount,
				"upstream": [link._asdict() for link in dict.fromkeys(links)],
			}
		)
	return rows
