"""The trace engine: where a batch or serial number went, and what a finished batch was made of.

Built on ERPNext v15's own ledger: Stock Ledger Entry rows (not cancelled) and the Serial and Batch Bundle entries
they point to, plus the legacy `batch_no` / `serial_no` fields of ledger rows written before bundles existed.
Returns plain lists of dicts, one per node of the trace tree, in the order a tree view shows them:

    {"node": "batch" | "movement", "level": depth, "parent": node id or None, "id": node id,
     "batch": document name, "batch_id", "serial_no", "item_code", "kind", "voucher_type", "voucher_no",
     "voucher_detail_no" (the voucher's row), "posting_date", "warehouse", "party_type", "party", "qty"}

A manufacturing or repack Stock Entry that consumed a traced batch leads (forward) to the batches it produced; one
that produced a traced batch leads (backward) to the batches it consumed. Recursion stops at a batch already seen.
"""

import frappe
from frappe import _
from frappe.utils import flt

MANUFACTURING_PURPOSES = ("Manufacture", "Repack")
PARTY_OF = {
	"Delivery Note": ("Customer", "customer"),
	"Sales Invoice": ("Customer", "customer"),
	"POS Invoice": ("Customer", "customer"),
	"Purchase Receipt": ("Supplier", "supplier"),
	"Purchase Invoice": ("Supplier", "supplier"),
	"Subcontracting Receipt": ("Supplier", "supplier"),
}
MAX_DEPTH = 20


def trace_forward(batch: str | None = None, serial_no: str | None = None) -> list[dict]:
	"""Every movement of the batch (or serial number) and, recursively, of what was made from it."""
	return Tracer("forward").run(batch=batch, serial_no=serial_no)


def trace_backward(batch: str | None = None, serial_no: str | None = None) -> list[dict]:
	"""Where the batch came from: its receipts and, recursively, the batches consumed to make it."""
	return Tracer("backward").run(batch=batch, serial_no=serial_no)


def trace_batches(batches: list[str], direction: str = "forward") -> list[dict]:
	"""One trace of several batches (a recall's), each batch shown once however many of them lead to it."""
	tracer = Tracer(direction)
	for batch in dict.fromkeys(batches):
		tracer.trace_batch(batch, level=0, parent=None)
	return tracer.nodes


class Tracer:
	def __init__(self, direction: str):
		self.direction = direction
		self.nodes: list[dict] = []
		self.seen: set[str] = set()

	def run(self, batch=None, serial_no=None) -> list[dict]:
		if not batch and not serial_no:
			frappe.throw(_("Give a batch or a serial number to trace."))
		if serial_no and not batch:
			return self.trace_serial(serial_no)
		self.trace_batch(batch, level=0, parent=None)
		return self.nodes

	def trace_serial(self, serial_no: str) -> list[dict]:
		item_code, batch = frappe.db.get_value("Serial No", serial_no, ["item_code", "batch_no"]) or (
			None,
			None,
		)
		if not item_code:
			frappe.throw(_("Serial number {0} does not exist.").format(serial_no))
		root = self.add_node(
			"batch", 0, None, batch=batch, serial_no=serial_no, item_code=item_code, kind="Serial No"
		)
		for movement in movements(serial_nos=[serial_no]):
			self.add_movement(movement, 1, root)
		if batch and self.direction == "backward":
			self.trace_batch(batch, 1, root)
		return self.nodes

	def trace_batch(self, batch: str, level: int, parent: str | None):
		if batch in self.seen or level > MAX_DEPTH:
			return
		self.seen.add(batch)
		info = frappe.db.get_value("Batch", batch, ["batch_id", "item"], as_dict=True)
		if not info:
			frappe.throw(_("Batch {0} does not exist.").format(batch))
		node = self.add_node(
			"batch", level, parent, batch=batch, batch_id=info.batch_id, item_code=info.item, kind="Batch"
		)
		for row in movements(batches=[batch]):
			inward = row.qty > 0
			if self.direction == "backward" and not inward:
				continue
			movement = self.add_movement(row, level + 1, node)
			if row.voucher_type != "Stock Entry" or row.purpose not in MANUFACTURING_PURPOSES:
				continue
			# the batches made from this one (forward) or that went into it (backward) hang under the movement
			if self.direction == "forward" and not inward:
				linked = other_side(row.voucher_no, produced=True)
			elif self.direction == "backward" and inward:
				linked = other_side(row.voucher_no, produced=False)
			else:
				linked = []
			for other in linked:
				if other != batch:
					self.trace_batch(other, level + 2, movement)

	def add_movement(self, row, level: int, parent: str) -> str:
		party_type, party = row.get("party_type"), row.get("party")
		return self.add_node(
			"movement",
			level,
			parent,
			batch=row.batch_no,
			serial_no=row.get("serial_no"),
			item_code=row.item_code,
			kind=movement_kind(row),
			voucher_type=row.voucher_type,
			voucher_no=row.voucher_no,
			voucher_detail_no=row.voucher_detail_no,
			posting_date=row.posting_date,
			warehouse=row.warehouse,
			party_type=party_type,
			party=party,
			qty=flt(row.qty),
		)

	def add_node(self, node: str, level: int, parent: str | None, **values) -> str:
		node_id = f"{node[0]}{len(self.nodes) + 1}"
		self.nodes.append(
			{
				"node": node,
				"id": node_id,
				"parent": parent,
				"level": level,
				"batch": None,
				"batch_id": None,
				"serial_no": None,
				"item_code": None,
				"kind": None,
				"voucher_type": None,
				"voucher_no": None,
				"voucher_detail_no": None,
				"posting_date": None,
				"warehouse": None,
				"party_type": None,
				"party": None,
				"qty": None,
				**values,
			}
		)
		return node_id


def movement_kind(row) -> str:
	if row.voucher_type == "Stock Entry":
		if row.purpose in MANUFACTURING_PURPOSES:
			return "Production" if row.qty > 0 else "Consumption"
		if row.purpose in ("Material Transfer", "Material Transfer for Manufacture", "Send to Subcontractor"):
			return "Transfer In" if row.qty > 0 else "Transfer Out"
		return "Goods Receipt" if row.qty > 0 else "Stock Issue"
	if row.voucher_type in ("Delivery Note", "Sales Invoice", "POS Invoice"):
		return "Customer Return" if row.qty > 0 else "Delivery"
	if row.voucher_type in ("Purchase Receipt", "Purchase Invoice", "Subcontracting Receipt"):
		return "Goods Receipt" if row.qty > 0 else "Return to Supplier"
	if row.voucher_type == "Stock Reconciliation":
		return "Stock Count"
	return row.voucher_type


def movements(batches: list[str] | None = None, serial_nos: list[str] | None = None) -> list[frappe._dict]:
	"""Ledger movements of the given batches or serial numbers, oldest first, with the party of each voucher."""
	rows = bundle_movements(batches, serial_nos) + legacy_movements(batches, serial_nos)
	rows.sort(key=lambda r: (r.posting_datetime, r.creation, r.voucher_no))
	add_parties(rows)
	add_purposes(rows)
	return rows


def ledger_columns(sle) -> list:
	"""What a movement says beside its batch, serial and quantity, from its Stock Ledger Entry."""
	return [
		sle[field]
		for field in (
			"item_code",
			"warehouse",
			"voucher_type",
			"voucher_no",
			"voucher_detail_no",
			"posting_date",
			"posting_datetime",
			"creation",
		)
	]


def bundle_movements(batches, serial_nos) -> list[frappe._dict]:
	entry = frappe.qb.DocType("Serial and Batch Entry")
	sle = frappe.qb.DocType("Stock Ledger Entry")
	query = (
		frappe.qb.from_(entry)
		.join(sle)
		.on(sle.serial_and_batch_bundle == entry.parent)
		.select(
			entry.batch_no,
			entry.serial_no,
			entry.qty,
			*ledger_columns(sle),
		)
		.where(sle.is_cancelled == 0)
	)
	if batches:
		query = query.where(entry.batch_no.isin(batches))
	else:
		query = query.where(entry.serial_no.isin(serial_nos))
	return query.run(as_dict=True)


def legacy_movements(batches, serial_nos) -> list[frappe._dict]:
	"""Ledger rows from before Serial and Batch Bundles (or migrated): batch and serial on the row itself."""
	sle = frappe.qb.DocType("Stock Ledger Entry")
	query = (
		frappe.qb.from_(sle)
		.select(
			sle.batch_no,
			sle.serial_no,
			sle.actual_qty.as_("qty"),
			*ledger_columns(sle),
		)
		.where(sle.is_cancelled == 0)
		.where(sle.serial_and_batch_bundle.isnull() | (sle.serial_and_batch_bundle == ""))
	)
	if batches:
		query = query.where(sle.batch_no.isin(batches))
	else:
		# a legacy serial_no field holds one serial per line
		conditions = None
		for serial in serial_nos:
			condition = sle.serial_no.like(f"%{serial}%")
			conditions = condition if conditions is None else conditions | condition
		query = query.where(conditions)
	rows = query.run(as_dict=True)
	if serial_nos:
		rows = [r for r in rows if set(serial_nos) & set((r.serial_no or "").split("\n"))]
		for r in rows:
			r.qty = 1 if r.qty > 0 else -1
	return rows


def add_parties(rows):
	by_type: dict[str, set[str]] = {}
	for row in rows:
		if row.voucher_type in PARTY_OF:
			by_type.setdefault(row.voucher_type, set()).add(row.voucher_no)
	parties = {}
	for voucher_type, names in by_type.items():
		party_type, field = PARTY_OF[voucher_type]
		for voucher in frappe.get_all(
			voucher_type, filters={"name": ("in", list(names))}, fields=["name", field]
		):
			parties[(voucher_type, voucher.name)] = (party_type, voucher.get(field))
	for row in rows:
		row.party_type, row.party = parties.get((row.voucher_type, row.voucher_no), (None, None))


def add_purposes(rows):
	entries = {row.voucher_no for row in rows if row.voucher_type == "Stock Entry"}
	purposes = {}
	if entries:
		purposes = dict(
			frappe.get_all(
				"Stock Entry",
				filters={"name": ("in", list(entries))},
				fields=["name", "purpose"],
				as_list=True,
			)
		)
	for row in rows:
		row.purpose = purposes.get(row.voucher_no) if row.voucher_type == "Stock Entry" else None


def other_side(stock_entry: str, produced: bool) -> list[str]:
	"""Batches a manufacturing Stock Entry produced (produced=True) or consumed (False)."""
	entry = frappe.qb.DocType("Serial and Batch Entry")
	sle = frappe.qb.DocType("Stock Ledger Entry")
	query = (
		frappe.qb.from_(entry)
		.join(sle)
		.on(sle.serial_and_batch_bundle == entry.parent)
		.select(entry.batch_no)
		.distinct()
		.orderby(entry.batch_no)
		.where(sle.voucher_type == "Stock Entry")
		.where(sle.voucher_no == stock_entry)
		.where(sle.is_cancelled == 0)
		.where(entry.batch_no.isnotnull())
		.where(entry.qty > 0 if produced else entry.qty < 0)
	)
	found = query.run(pluck=True)
	legacy = frappe.get_all(
		"Stock Ledger Entry",
		filters={
			"voucher_type": "Stock Entry",
			"voucher_no": stock_entry,
			"is_cancelled": 0,
			"batch_no": ("is", "set"),
			"actual_qty": (">", 0) if produced else ("<", 0),
		},
		pluck="batch_no",
	)
	return list(dict.fromkeys(found + legacy))


def holders(nodes: list[dict]) -> list[dict]:
	"""Per customer and item: quantity delivered, returned and still held, from a forward trace."""
	return summed_holders(
		(
			node["party"],
			node["item_code"],
			node["batch"],
			-node["qty"] if node["qty"] < 0 else 0.0,
			node["qty"] if node["qty"] >= 0 else 0.0,
		)
		for node in nodes
		if node["node"] == "movement" and node["party_type"] == "Customer"
	)


def summed_holders(movements) -> list[dict]:
	"""(customer, item_code, batch, delivered, returned) movements summed per customer, item and batch, with what
	is still held, sorted."""
	totals: dict[tuple, dict] = {}
	for customer, item_code, batch, delivered, returned in movements:
		total = totals.setdefault(
			(customer, item_code, batch),
			{"customer": customer, "item_code": item_code, "batch": batch, "delivered": 0.0, "returned": 0.0},
		)
		total["delivered"] += flt(delivered)
		total["returned"] += flt(returned)
	for total in totals.values():
		total["held"] = total["delivered"] - total["returned"]
	return sorted(totals.values(), key=lambda t: (t["customer"], t["item_code"], t["batch"] or ""))


# --- a recall's scope: what the forward trace reaches and who holds it, without the trace's nodes ---------------

SALES_OF_CUSTOMERS = tuple(
	voucher for voucher, (party_type, _field) in PARTY_OF.items() if party_type == "Customer"
)


def scope(batches: list[str]) -> tuple[list[str], list[dict]]:
	"""The batches a forward trace of `batches` reaches (each once, in the trace's order) and holders() of that
	trace, from grouped queries: a batch delivered in ten thousand rows is read as one row per customer."""
	affected = made_from(batches)
	return affected, holdings(affected)


def made_from(batches: list[str]) -> list[str]:
	"""The batches and, recursively, the batches a manufacturing or repack entry made from them."""
	found: dict[str, None] = {}

	def visit(batch: str, level: int):
		if batch in found or level > MAX_DEPTH:
			return
		found[batch] = None
		for stock_entry in manufacturing_consumptions(batch):
			for other in other_side(stock_entry, produced=True):
				if other != batch:
					visit(other, level + 2)

	for batch in dict.fromkeys(batches):
		visit(batch, 0)
	return list(found)


def manufacturing_consumptions(batch: str) -> list[str]:
	"""The manufacturing and repack entries that consumed the batch, in the order of its movements."""
	entry = frappe.qb.DocType("Serial and Batch Entry")
	sle = frappe.qb.DocType("Stock Ledger Entry")
	stock_entry = frappe.qb.DocType("Stock Entry")

	def consumed(query, batch_field, qty_field):
		return (
			query.join(stock_entry)
			.on(stock_entry.name == sle.voucher_no)
			.select(sle.posting_datetime, sle.creation, sle.voucher_no)
			.where(batch_field == batch)
			.where(qty_field < 0)
			.where(sle.is_cancelled == 0)
			.where(sle.voucher_type == "Stock Entry")
			.where(stock_entry.purpose.isin(MANUFACTURING_PURPOSES))
			.run()
		)

	bundled = consumed(
		frappe.qb.from_(entry).join(sle).on(sle.serial_and_batch_bundle == entry.parent),
		entry.batch_no,
		entry.qty,
	)
	legacy = consumed(
		frappe.qb.from_(sle).where(
			sle.serial_and_batch_bundle.isnull() | (sle.serial_and_batch_bundle == "")
		),
		sle.batch_no,
		sle.actual_qty,
	)
	return list(dict.fromkeys(voucher for *_order, voucher in sorted(bundled + legacy)))


def holdings(batches: list[str]) -> list[dict]:
	"""holders() of the forward trace of exactly these batches: per customer, item and batch, the quantity
	delivered, returned and still held, summed by the database."""
	if not batches:
		return []
	headers = " ".join(
		f"left join `tab{voucher}` v{number} on sle.voucher_type = '{voucher}' and v{number}.name = sle.voucher_no"
		for number, voucher in enumerate(SALES_OF_CUSTOMERS)
	)
	customer = "coalesce({})".format(", ".join(f"v{n}.customer" for n in range(len(SALES_OF_CUSTOMERS))))
	found = " or ".join(f"v{n}.name is not null" for n in range(len(SALES_OF_CUSTOMERS)))
	rows = []
	for source, qty, batch_no, legacy in (
		(
			"`tabSerial and Batch Entry` entry join `tabStock Ledger Entry` sle"
			" on sle.serial_and_batch_bundle = entry.parent",
			"entry.qty",
			"entry.batch_no",
			"",
		),
		(
			"`tabStock Ledger Entry` sle",
			"sle.actual_qty",
			"sle.batch_no",
			"and ifnull(sle.serial_and_batch_bundle, '') = ''",
		),
	):
		rows += frappe.db.sql(
			f"""select {customer}, sle.item_code, {batch_no},
				sum(case when {qty} < 0 then -{qty} else 0 end), sum(case when {qty} > 0 then {qty} else 0 end)
			from {source} {headers}
			where {batch_no} in %(batches)s and sle.is_cancelled = 0 and sle.voucher_type in %(vouchers)s
			and ({found}) {legacy}
			group by 1, 2, 3""",  # nosemgrep: the SQL is built from constants
			{"batches": batches, "vouchers": SALES_OF_CUSTOMERS},
		)
	return summed_holders(rows)
