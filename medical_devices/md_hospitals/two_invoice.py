"""The two-invoice rule (两票制): a public hospital buys a high-value consumable on at most two invoices, the
manufacturer's to the distributor and the distributor's to the hospital; an imported device's national general
agent counts as its manufacturer (docs/hospitals.md).

- **Which sales**: the rows (and packed bundle components), for items ticked *Under the Two-Invoice Rule*, of a
  Sales Invoice, Delivery Note or POS Invoice of a customer under the rule (its own setting; left empty, the
  province of one of its addresses is listed in Medical Device Settings).
- **The units of a row**: those its own serial and batch bundle moved; an invoice that moved no stock bills the
  units of the submitted delivery note rows it names, of the same customer and company, never a batch typed on it.
- **The chain of a unit, from the ledger**: every way its batch (or serial number) came into the company:
  - bought on a Purchase Receipt and billed in full by submitted Purchase Invoices (not debit notes), or received
    on a Purchase Invoice;
  - made here (Manufacture, Subcontracting Receipt); a Repack is followed to the batches it consumed;
  - bought from one of the group's own companies (as the receipt itself says): followed into that company, its
    invoice not counted the first time unless the settings count it;
  - a customer's return of a sale it names adds nothing (the goods came in before); stock that appeared any other
    way (a Material Receipt, a count, a return naming no sale) shows no invoice.
- **Counted**: made here, our invoice is the first; bought from the registrant or the national general agent of a
  registration certificate of the item valid on the day of the receipt, the second; from anyone else, the third at
  least.
- **Refused on submit**: more invoices than the customer allows (two; three for a remote area), or a unit without
  the invoices that show its chain. A batch that came in by several ways cannot prove which unit is sold: each
  must pass. The message names the chain.
"""

from typing import NamedTuple

import frappe
from frappe import _
from frappe.utils import cint, flt, getdate

from medical_devices.md_hospitals import consignment
from medical_devices.medical_devices.doctype.medical_device_settings.medical_device_settings import (
	get_settings,
)

APPLIES, DOES_NOT_APPLY = "Applies", "Does Not Apply"
ALLOWED, REMOTE_AREA_ALLOWED = 2, 3
ROW_FIELD = "md_purchase_invoices"
MAX_GROUP_DEPTH = 5
PROVINCE_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")
SALES_RETURNS = ("Delivery Note", "Sales Invoice", "POS Invoice")


class TwoInvoiceError(frappe.ValidationError):
	pass


class Upstream(NamedTuple):
	"""One purchase invoice before ours: the supplier billed `company` for the unit."""

	company: str
	supplier: str
	purchase_invoice: str
	bill_no: str | None
	bill_date: object
	qty: float
	amount: float
	counted: bool


class WayIn(NamedTuple):
	"""One way a unit came into the company: the invoices before ours, those known, and what is wrong."""

	batch: str | None
	serial_no: str | None
	voucher_type: str
	voucher_no: str
	invoices_before: int
	upstream: tuple[Upstream, ...]
	problem: str | None


class Line(NamedTuple):
	"""A row of a sale under the rule: the row (or packed component), the item row it belongs to, its units."""

	row: object
	item_row: object
	batches: tuple[str, ...]
	serials: tuple[str, ...]
	problem: str | None


# --- who and what is under the rule ------------------------------------------------------------------------------


def rule_items(item_codes) -> set[str]:
	codes = [code for code in set(item_codes) if code]
	if not codes:
		return set()
	return set(
		frappe.get_all("Item", filters={"name": ("in", codes), "md_two_invoice_rule": 1}, pluck="name")
	)


def province(name: str | None) -> str:
	"""A province as written in an address, without its 省/市/自治区: 浙江省 and 浙江 are one province."""
	name = (name or "").strip()
	for suffix in PROVINCE_SUFFIXES:
		if name.endswith(suffix) and len(name) > len(suffix):
			return name[: -len(suffix)]
	return name


def provinces() -> set[str]:
	return {
		province(line) for line in (get_settings().two_invoice_provinces or "").splitlines() if line.strip()
	}


def customer_provinces(customer: str, leaving_out: str | None = None) -> set[str]:
	"""The provinces of the customer's addresses in use (as stored), `leaving_out` one of them."""
	address = frappe.qb.DocType("Address")
	link = frappe.qb.DocType("Dynamic Link")
	query = (
		frappe.qb.from_(address)
		.join(link)
		.on(link.parent == address.name)
		.select(address.state)
		.where(link.parenttype == "Address")
		.where(link.link_doctype == "Customer")
		.where(link.link_name == customer)
		.where(address.disabled == 0)
	)
	if leaving_out:
		query = query.where(address.name != leaving_out)
	return {province(state) for state in query.run(pluck=True) if state}


def customer_under_rule(customer: str | None) -> bool:
	if not customer:
		return False
	setting = frappe.db.get_value("Customer", customer, "md_two_invoice_rule")
	if setting in (APPLIES, DOES_NOT_APPLY):
		return setting == APPLIES
	listed = provinces()
	return bool(listed and customer_provinces(customer) & listed)


def allowed_invoices(customer: str) -> int:
	return (
		REMOTE_AREA_ALLOWED
		if frappe.db.get_value("Customer", customer, "md_two_invoice_extra_invoice")
		else ALLOWED
	)


def is_return_sale(doc) -> bool:
	"""A credit note that gives goods back: every row's quantity negative."""
	rows = [row for row in doc.get("items") or [] if row.get("item_code")]
	return bool(doc.get("is_return")) and bool(rows) and all(flt(row.qty) < 0 for row in rows)


def rule_lines(doc) -> list[Line]:
	"""The rows and packed components of a sale the rule binds, with their units; none for another sale."""
	if is_return_sale(doc) or not customer_under_rule(doc.get("customer")):
		return []
	items = doc.get("items") or []
	packed = doc.get("packed_items") or []
	flagged = rule_items([row.get("item_code") for row in items] + [row.get("item_code") for row in packed])
	if not flagged:
		return []
	by_name = {row.name: row for row in items}
	lines = [line_of(doc, row, row) for row in items if row.get("item_code") in flagged]
	lines += [
		line_of(doc, row, by_name.get(row.get("parent_detail_docname")))
		for row in packed
		if row.get("item_code") in flagged
	]
	return lines


def line_of(doc, row, item_row) -> Line:
	source, problem = row, None
	if doc.doctype == "Sales Invoice" and not doc.get("update_stock") and row.doctype == "Sales Invoice Item":
		source, problem = delivered_row(doc, row)
	batches, serials = units_of(source) if source else ((), ())
	if not problem and not batches and not serials:
		problem = _("which batch is sold is not known")
	return Line(row, item_row or row, batches, serials, problem)


def delivered_row(doc, row):
	"""The submitted delivery note row an invoice that moved no stock bills, if it is this customer's."""
	if not row.get("dn_detail") or not row.get("delivery_note"):
		return None, _("an invoice that moves no stock bills it from its delivery note")
	delivered = frappe.db.get_value(
		"Delivery Note Item",
		{"name": row.dn_detail, "parent": row.delivery_note, "item_code": row.item_code},
		["batch_no", "serial_no", "serial_and_batch_bundle", "parent"],
		as_dict=True,
	)
	note = delivered and frappe.db.get_value(
		"Delivery Note", delivered.parent, ["docstatus", "customer", "company"], as_dict=True
	)
	if not note or note.docstatus != 1 or note.customer != doc.customer or note.company != doc.company:
		return None, _("delivery note {0} did not deliver it to {1}").format(row.delivery_note, doc.customer)
	return delivered, None


def units_of(row) -> tuple[tuple[str, ...], tuple[str, ...]]:
	"""The batches and serial numbers (of units without a batch) a stock row moves."""
	consignment.add_units([row])
	batches = {batch for batch, _serial, _qty in row.units if batch}
	serials = {serial for batch, serial, _qty in row.units if serial and not batch}
	return tuple(sorted(batches)), tuple(sorted(serials))


# --- the ledger: how the units came in ----------------------------------------------------------------------


class Ledger:
	"""The ways in of units, each looked up once per sale."""

	def __init__(self):
		self.known: dict[tuple, list[WayIn]] = {}

	def ways_in(self, company: str, batch: str | None, serial: str | None, depth: int = 0) -> list[WayIn]:
		key = (company, batch, serial)
		if key in self.known:
			return self.known[key]
		self.known[key] = []  # a cycle through the group's companies ends here
		ways = []
		for row in inbound_rows(company, batch, serial):
			kind = way_in_kind(row)
			if kind == "made":
				ways.append(way(row, 0))
			elif kind == "repacked":
				ways.extend(self.repacked(company, row, depth))
			elif kind == "bought":
				ways.extend(self.bought(company, row, depth))
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
		if not ways:
			ways = [way(frappe._dict(batch_no=batch, serial_no=serial, voucher_type="", voucher_no=""), 0)]
			ways[0] = ways[0]._replace(problem=_("the ledger shows no way it came into {0}").format(company))
		self.known[key] = ways
		return ways

	def repacked(self, company: str, row, depth: int) -> list[WayIn]:
		from medical_devices.traceability.engine import other_side

		consumed = [batch for batch in other_side(row.voucher_no, produced=False) if batch != row.batch_no]
		if not consumed:
			return [way(row, 0, problem=_("Repack {0} consumed no batch").format(row.voucher_no))]
		return [w for batch in consumed for w in self.ways_in(company, batch, None, depth)]

	def bought(self, company: str, row, depth: int) -> list[WayIn]:
		voucher = frappe.db.get_value(
			row.voucher_type,
			row.voucher_no,
			["supplier", "is_internal_supplier", "represents_company", "posting_date"],
			as_dict=True,
		)
		if voucher.is_internal_supplier and voucher.represents_company == company:
			return []  # a transfer between the company's own warehouses: the goods came in before
		invoices, billed = purchase_invoices(row)
		received = flt(frappe.db.get_value(row.voucher_type + " Item", row.voucher_detail_no, "stock_qty"))
		if not invoices or billed < received:
			return [
				way(
					row,
					1,
					problem=_(
						"{0} {1} from {2} is not billed in full by submitted purchase invoices yet"
					).format(_(row.voucher_type), row.voucher_no, voucher.supplier),
				)
			]
		links = upstream_of(company, voucher.supplier, invoices)
		if voucher.is_internal_supplier and voucher.represents_company:
			if depth >= MAX_GROUP_DEPTH:
				return [
					way(row, 1, links, _("the chain through the group's companies is too long to follow"))
				]
			# a transfer within the group is not counted once (docs/hospitals.md), unless the settings count it
			counted = bool(cint(get_settings().two_invoice_group_invoices_count)) or depth > 0
			links = tuple(link._replace(counted=counted) for link in links)
			return [
				inner._replace(
					batch=row.batch_no,
					serial_no=row.serial_no,
					invoices_before=inner.invoices_before + counted,
					upstream=links + inner.upstream,
				)
				for inner in self.ways_in(voucher.represents_company, row.batch_no, row.serial_no, depth + 1)
			]
		item_code = frappe.db.get_value(row.voucher_type + " Item", row.voucher_detail_no, "item_code")
		first = voucher.supplier in first_sellers(item_code, voucher.posting_date)
		return [way(row, 1 if first else 2, links)]


def inbound_rows(company: str, batch: str | None, serial: str | None) -> list[frappe._dict]:
	"""Stock that came into the company's warehouses for this batch or serial number (not cancelled)."""
	sle = frappe.qb.DocType("Stock Ledger Entry")
	entry = frappe.qb.DocType("Serial and Batch Entry")
	columns = (sle.voucher_type, sle.voucher_no, sle.voucher_detail_no, sle.posting_date)
	field, value = ("batch_no", batch) if batch else ("serial_no", serial)
	rows = (
		frappe.qb.from_(entry)
		.join(sle)
		.on(sle.serial_and_batch_bundle == entry.parent)
		.select(entry.batch_no, entry.serial_no, *columns)
		.where(entry[field] == value)
		.where(entry.qty > 0)
		.where(sle.is_cancelled == 0)
		.where(sle.company == company)
		.run(as_dict=True)
	)
	if batch:
		rows += (
			frappe.qb.from_(sle)
			.select(sle.batch_no, sle.serial_no, *columns)
			.where(sle.batch_no == batch)
			.where(sle.actual_qty > 0)
			.where(sle.is_cancelled == 0)
			.where(sle.company == company)
			.where(sle.serial_and_batch_bundle.isnull() | (sle.serial_and_batch_bundle == ""))
			.run(as_dict=True)
		)
	unique = {(r.voucher_type, r.voucher_no, r.voucher_detail_no): r for r in rows}
	rows = sorted(unique.values(), key=lambda r: (r.posting_date, r.voucher_no))
	entries = [r.voucher_no for r in rows if r.voucher_type == "Stock Entry"]
	purposes = (
		dict(
			frappe.get_all(
				"Stock Entry", filters={"name": ("in", entries)}, fields=["name", "purpose"], as_list=True
			)
		)
		if entries
		else {}
	)
	for row in rows:
		row.purpose = purposes.get(row.voucher_no)
		if row.voucher_type in SALES_RETURNS:
			row.return_against = frappe.db.get_value(row.voucher_type, row.voucher_no, "return_against")
	return rows


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
	"""bought, made, repacked, unknown (stock that appeared), or None: a move within the company, a customer's
	return of a sale it names."""
	if row.voucher_type in ("Purchase Receipt", "Purchase Invoice"):
		return "bought"
	if row.voucher_type == "Subcontracting Receipt":
		return "made"
	if row.voucher_type == "Stock Entry":
		if row.purpose == "Manufacture":
			return "made"  # released only by its batch record (medical_devices/md_quality)
		if row.purpose == "Repack":
			return "repacked"
		if row.purpose == "Material Receipt":
			return "unknown"
		return None
	if row.voucher_type in SALES_RETURNS:
		return None if row.return_against else "unknown"
	return "unknown"


def purchase_invoices(row) -> tuple[list[frappe._dict], float]:
	"""The submitted purchase invoice rows (not debit notes) that bill this receipt row, or the invoice row that
	received it; and the stock quantity they bill."""
	invoice = frappe.qb.DocType("Purchase Invoice")
	item = frappe.qb.DocType("Purchase Invoice Item")
	query = (
		frappe.qb.from_(item)
		.join(invoice)
		.on(invoice.name == item.parent)
		.select(item.parent, item.qty, item.stock_qty, item.amount, invoice.bill_no, invoice.bill_date)
		.where(invoice.docstatus == 1)
		.where(invoice.is_return == 0)
		.orderby(invoice.posting_date)
	)
	if row.voucher_type == "Purchase Invoice":
		query = query.where(item.name == row.voucher_detail_no)
	else:
		query = query.where(item.purchase_receipt == row.voucher_no).where(
			item.pr_detail == row.voucher_detail_no
		)
	rows = query.run(as_dict=True)
	return rows, sum(flt(r.stock_qty) for r in rows)


def upstream_of(company: str, supplier: str, invoice_rows) -> tuple[Upstream, ...]:
	return tuple(
		Upstream(company, supplier, r.parent, r.bill_no, r.bill_date, flt(r.qty), flt(r.amount), True)
		for r in invoice_rows
	)


def first_sellers(item_code: str | None, on_date) -> set[str]:
	"""The suppliers whose invoice is the first under the rule on `on_date`: the registrant, or the national general
	agent, of a registration certificate of the item valid that day."""
	if not item_code:
		return set()
	on_date = getdate(on_date)
	certificate = frappe.qb.DocType("Registration Certificate")
	covered = frappe.qb.DocType("Registration Certificate Item")
	rows = (
		frappe.qb.from_(covered)
		.join(certificate)
		.on(certificate.name == covered.parent)
		.select(
			certificate.supplier,
			certificate.general_agent,
			certificate.approval_date,
			certificate.expiry_date,
		)
		.where(covered.item == item_code)
		.where(covered.parenttype == "Registration Certificate")
		.run(as_dict=True)
	)
	return {
		party
		for row in rows
		if (not row.approval_date or getdate(row.approval_date) <= on_date)
		and (not row.expiry_date or on_date <= getdate(row.expiry_date))
		for party in (row.supplier, row.general_agent)
		if party
	}


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
		.orderby(certificate.approval_date, order=frappe.qb.desc)
		.run(pluck=True)
	)
	return holders[0] if holders else _("the manufacturer")


# --- the chain of a sale ------------------------------------------------------------------------------------


def chain_of(doc) -> tuple[list[str], dict[str, list[str]]]:
	"""What the rule finds wrong with a sale, and per item row the purchase invoices of its units."""
	lines = rule_lines(doc)
	if not lines:
		return [], {}
	allowed = allowed_invoices(doc.customer)
	ledger = Ledger()
	problems, invoices = [], {}
	for line in lines:
		label = _("Row #{0}: {1}").format(line.item_row.idx, frappe.bold(line.row.item_code))
		if line.problem:
			problems.append(_("{0}: {1}.").format(label, line.problem))
			continue
		found = invoices.setdefault(line.item_row.name, [])
		for batch, serial in [(batch, None) for batch in line.batches] + [
			(None, serial) for serial in line.serials
		]:
			for w in ledger.ways_in(doc.company, batch, serial):
				found.extend(link.purchase_invoice for link in w.upstream)
				unit = frappe.db.get_value("Batch", batch, "batch_id") if batch else serial
				if w.problem:
					problems.append(_("{0} {1}: {2}.").format(label, unit, w.problem))
				elif w.invoices_before + 1 > allowed:
					problems.append(
						_(
							"{0} {1} would reach {2} on the invoice no. {3} of its chain, and the two-invoice rule allows {4}: {5}."
						).format(
							label,
							unit,
							frappe.bold(doc.customer),
							w.invoices_before + 1,
							allowed,
							describe_chain(line.row.item_code, w, doc),
						)
					)
	return list(dict.fromkeys(problems)), {
		name: list(dict.fromkeys(names)) for name, names in invoices.items()
	}


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
	for line in rule_lines(doc) if doc.docstatus == 1 else []:
		names = [name for name in (line.item_row.get(ROW_FIELD) or "").split("\n") if name]
		links = []
		ledger = Ledger()
		for batch, serial in [(batch, None) for batch in line.batches] + [
			(None, serial) for serial in line.serials
		]:
			for w in ledger.ways_in(doc.company, batch, serial):
				links += [link for link in w.upstream if link.purchase_invoice in names]
		rows.append(
			{
				"idx": line.item_row.idx,
				"item_code": line.row.item_code,
				"item_name": line.row.item_name,
				"batches": ", ".join(
					frappe.db.get_value("Batch", batch, "batch_id") or batch for batch in line.batches
				)
				or ", ".join(line.serials),
				"qty": line.row.qty,
				"amount": line.item_row.amount,
				"upstream": [link._asdict() for link in dict.fromkeys(links)],
			}
		)
	return rows
