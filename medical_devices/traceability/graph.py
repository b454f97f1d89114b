"""The trace as a picture: where units of a batch went, as a graph of places and parties a recall coordinator can
read at a glance (supplier -> receipt -> batch -> manufacture -> our warehouses -> consignment at hospitals ->
customers -> patients -> returns).

`build` turns a trace (the engine's nodes, already redacted) and the facts beside it (which warehouses are
hospitals' consignment stock, the units reported used in patients) into nodes and edges with their column; it is
pure, so the picture is tested without a site. The desk draws it (public/js/trace_graph) and groups a column's
customers by territory, and its patients by hospital, when there are many, so a recall with thousands of customers
stays readable and quick to draw. Every edge carries the units that moved along it."""

from collections import defaultdict

import frappe
from frappe import _

from medical_devices import access
from medical_devices.inputs import InvalidInputError
from medical_devices.md_hospitals.consignment import (
	BILLING_ROW_DOCTYPES,
	USAGE_FIELD,
	hospitals_of,
	implanted,
)
from medical_devices.traceability.engine import trace_backward, trace_batches, trace_forward
from medical_devices.traceability.redaction import redact

STAGES = (
	"Supplier",
	"Receipt",
	"Batch",
	"Manufacture",
	"Warehouse",
	"Consignment",
	"Customer",
	"Patient",
	"Returns",
)
PRODUCTION_STAGES = ("Batch", "Manufacture")


def stage_labels() -> dict[str, str]:
	return {
		"Supplier": _("Supplier"),
		"Receipt": _("Goods In"),
		"Batch": _("Batch"),
		"Manufacture": _("Manufacture"),
		"Warehouse": _("Our Warehouses"),
		"Consignment": _("Consignment at Hospitals"),
		"Customer": _("Customer"),
		"Patient": _("Patients (Implanted)"),
		"Returns": _("Returns and Write-offs"),
	}


class Graph:
	def __init__(self):
		self.nodes: dict[str, dict] = {}
		self.edges: dict[tuple[str, str], float] = defaultdict(float)

	def node(self, key: str, stage: str, label: str, **info) -> str:
		if key not in self.nodes:
			self.nodes[key] = {
				"id": key,
				"stage": stage,
				"label": label,
				"description": "",
				"doctype": None,
				"name": None,
				"group": None,
				"restricted": 0,
				"qty_in": 0.0,
				"qty_out": 0.0,
				"details": {},
				**info,
			}
		return key

	def edge(self, source: str, target: str, qty: float):
		if source == target:
			return
		qty = abs(qty or 0.0)
		self.edges[(source, target)] += qty
		self.nodes[source]["qty_out"] += qty
		self.nodes[target]["qty_in"] += qty


INWARD_KINDS = ("Goods Receipt", "Production", "Transfer In", "Customer Return")


def build(
	trace: list[dict],
	consignment: dict[str, str],
	usage: list[dict],
	billed_rows: set[str],
	direction: str = "forward",
) -> dict:
	"""The graph of a trace. `consignment`: warehouse -> the hospital whose consignment stock it is (empty when the
	user may not read the hospital); `usage`: the rows of submitted usage reports of the traced units (`warehouse`
	None when the user may not read it, `restricted` when they may not read the report); `billed_rows`: the delivery
	and invoice rows (voucher_detail_no) that bill those rows, drawn once, as the patients the units went to.
	Backward, only where the units came from is drawn: receipts, suppliers and the manufacture that made them."""
	graph = Graph()
	by_id = {node["id"]: node for node in trace}
	forward = direction == "forward"
	transfers = defaultdict(lambda: {"Transfer Out": defaultdict(float), "Transfer In": defaultdict(float)})
	counts = defaultdict(float)

	def place(warehouse: str) -> str:
		if warehouse in consignment:
			hospital = consignment[warehouse] or None
			return graph.node(
				f"consignment:{warehouse}",
				"Consignment",
				hospital or warehouse,
				description=warehouse if hospital else "",
				doctype="Warehouse",
				name=warehouse,
				group=hospital,
			)
		return graph.node(
			f"warehouse:{warehouse}", "Warehouse", warehouse, doctype="Warehouse", name=warehouse
		)

	def batch_of(node: dict) -> str:
		return batch_node(graph, by_id[node["parent"]])

	for node in trace:
		if node["node"] == "batch":
			key = batch_node(graph, node)
			parent = by_id.get(node["parent"])
			if parent and parent["node"] == "batch" and not parent.get("restricted"):
				graph.edge(key, batch_node(graph, parent), 1)  # the batch of a traced serial number
			elif parent and parent["kind"] == "Production" and not parent.get("restricted"):
				graph.edge(key, manufacture_node(graph, parent), 0)  # backward: consumed to make it
			continue
		batch = batch_of(node)
		kind = node["kind"]
		if not forward and (kind not in ("Goods Receipt", "Production") or serial_of_batch(by_id, node)):
			continue
		if node.get("restricted"):
			stage = restricted_stage(kind)
			key = graph.node(f"restricted:{stage}", stage, _("Restricted"), restricted=1)
			graph.nodes[key]["details"]["movements"] = graph.nodes[key]["details"].get("movements", 0) + 1
			graph.edge(*((key, batch) if kind in INWARD_KINDS else (batch, key)), 0)
			continue
		qty, warehouse = node["qty"] or 0.0, node["warehouse"]
		if warehouse and forward:
			held = graph.nodes[place(warehouse)]["details"]
			held["balance"] = held.get("balance", 0.0) + qty
		if kind in ("Transfer Out", "Transfer In"):
			moved = transfers[(node["voucher_no"], node.get("voucher_detail_no") or "", node["batch"])]
			moved[kind][warehouse] += abs(qty)
			moved["from"] = batch
		elif kind == "Stock Count":
			counts[(node["voucher_type"], node["voucher_no"], batch, warehouse)] += qty
		elif kind == "Consumption":
			graph.edge(batch, manufacture_node(graph, node), qty)
		elif kind == "Production":
			graph.edge(manufacture_node(graph, node), batch, qty)
			graph.edge(batch, place(warehouse), qty)
		elif kind == "Delivery":
			if node.get("voucher_detail_no") not in billed_rows:
				graph.edge(place(warehouse), customer_node(graph, node), qty)
		elif kind == "Customer Return":
			target = graph.node(
				f"returns:customers:{warehouse}",
				"Returns",
				_("Returned by Customers"),
				description=warehouse,
				doctype="Warehouse",
				name=warehouse,
			)
			graph.edge(customer_node(graph, node), target, qty)
		elif kind == "Return to Supplier":
			target = graph.node(
				f"returns:supplier:{node['party']}",
				"Returns",
				_("Returned to Supplier"),
				description=node["party"] or "",
				doctype="Supplier" if node["party"] else None,
				name=node["party"],
			)
			graph.edge(place(warehouse), target, qty)
		elif qty < 0:
			graph.edge(place(warehouse), written_off_node(graph, node["voucher_type"]), qty)
		else:
			receipt = receipt_node(graph, node)
			if node.get("party_type") == "Supplier" and node.get("party"):
				supplier = graph.node(
					f"supplier:{node['party']}",
					"Supplier",
					node["party"],
					doctype="Supplier",
					name=node["party"],
				)
				graph.edge(supplier, receipt, qty)
			graph.edge(receipt, batch, qty)
			graph.edge(batch, place(warehouse), qty)

	for moved in transfers.values():
		for source, target, qty in pair_transfer(moved["Transfer Out"], moved["Transfer In"]):
			graph.edge(place(source) if source else moved["from"], place(target), qty)
	# a stock count posts the batch out and back in at its counted quantity: only the difference moved
	for (voucher_type, voucher_no, batch, warehouse), difference in counts.items():
		if difference > 1e-9:
			found = graph.node(
				f"count:{voucher_no}",
				"Receipt",
				voucher_no,
				description=doctype_label(voucher_type),
				doctype=voucher_type,
				name=voucher_no,
			)
			graph.edge(found, batch, difference)
			graph.edge(batch, place(warehouse), difference)
		elif difference < -1e-9:
			graph.edge(place(warehouse), written_off_node(graph, voucher_type), difference)
	for row in usage:
		if row.get("warehouse"):
			source = place(row["warehouse"])
		else:  # a place the user may not read: nor what it used
			source = graph.node("restricted:Consignment", "Consignment", _("Restricted"), restricted=1)
			row = {**row, "restricted": 1}
		patient_node(graph, row, source)
	if not forward:
		for node in graph.nodes.values():
			node["details"].pop("held", None)
	return layout(graph)


def serial_of_batch(by_id: dict, node: dict) -> bool:
	"""A movement of a traced serial number whose batch is traced beside it (backward: the batch's receipts say
	where the serial number came from, once)."""
	parent = by_id[node["parent"]]
	return parent["kind"] == "Serial No" and any(
		other["node"] == "batch" and other["parent"] == parent["id"] for other in by_id.values()
	)


def doctype_label(doctype: str) -> str:
	return _(doctype)


def written_off_node(graph: Graph, voucher_type: str) -> str:
	return graph.node(
		f"out:{voucher_type}",
		"Returns",
		_("Issued or Written Off"),
		description=doctype_label(voucher_type),
	)


def batch_node(graph: Graph, node: dict) -> str:
	if node.get("restricted"):
		return graph.node(f"batch:restricted:{node['id']}", "Batch", _("Restricted"), restricted=1)
	if node["kind"] == "Serial No":
		return graph.node(
			f"serial:{node['serial_no']}",
			"Batch",
			node["serial_no"],
			description=node["item_code"] or "",
			doctype="Serial No",
			name=node["serial_no"],
			details={"item_code": node["item_code"], "batch": node["batch"]},
		)
	return graph.node(
		f"batch:{node['batch']}",
		"Batch",
		node["batch_id"] or node["batch"] or "",
		description=node["item_code"] or "",
		doctype="Batch",
		name=node["batch"],
		details={"item_code": node["item_code"], "serial_no": node.get("serial_no")},
	)


def receipt_node(graph: Graph, node: dict) -> str:
	return graph.node(
		f"receipt:{node['voucher_type']}:{node['voucher_no']}",
		"Receipt",
		node["voucher_no"],
		description=f"{doctype_label(node['voucher_type'])} {node['posting_date'] or ''}".strip(),
		doctype=node["voucher_type"],
		name=node["voucher_no"],
	)


def manufacture_node(graph: Graph, node: dict) -> str:
	return graph.node(
		f"manufacture:{node['voucher_no']}",
		"Manufacture",
		node["voucher_no"],
		description=str(node["posting_date"] or ""),
		doctype=node["voucher_type"],
		name=node["voucher_no"],
	)


def customer_node(graph: Graph, node: dict) -> str:
	customer = node["party"] or _("Unknown")
	key = graph.node(
		f"customer:{customer}",
		"Customer",
		customer,
		doctype="Customer" if node["party"] else None,
		name=node["party"],
		group=node.get("territory"),
		details={"documents": set(), "delivered": 0.0, "returned": 0.0},
	)
	details = graph.nodes[key]["details"]
	details["documents"].add((node["voucher_type"], node["voucher_no"]))
	details["delivered" if (node["qty"] or 0) < 0 else "returned"] += abs(node["qty"] or 0)
	return key


def patient_node(graph: Graph, row: dict, source: str):
	if row.get("restricted"):
		key = graph.node(
			f"patient:restricted:{source}",
			"Patient",
			_("Restricted"),
			restricted=1,
			group=graph.nodes[source]["group"],
		)
	else:
		key = graph.node(
			f"patient:{row['name']}",
			"Patient",
			row.get("patient_reference") or _("Patient"),
			description=" ".join(str(v) for v in (row.get("surgery_date"), row.get("serial_no")) if v),
			doctype="Consignment Usage Report",
			name=row["parent"],
			group=graph.nodes[source]["group"],
			details={
				"surgery_date": row.get("surgery_date"),
				"serial_no": row.get("serial_no"),
				"batch": row.get("batch_no"),
				"sales_invoice": row.get("sales_invoice"),
			},
		)
	if row.get("restricted"):
		details = graph.nodes[key]["details"]
		details["movements"] = details.get("movements", 0) + 1
	graph.edge(source, key, 0.0 if row.get("restricted") else row.get("qty") or 0.0)


def pair_transfer(taken: dict[str, float], put: dict[str, float]) -> list[tuple[str | None, str, float]]:
	"""The (from, to, units) of one transfer of a batch, from what it took out of each warehouse and put into each
	(in order; a put without a take comes from the batch itself, from None)."""
	left = dict(taken)
	pairs = []
	for target, units in put.items():
		for source in list(left):
			moved = min(units, left[source])
			if moved > 1e-9:
				pairs.append((source, target, moved))
				units -= moved
				left[source] -= moved
			if units <= 1e-9:
				break
		if units > 1e-9:
			pairs.append((None, target, units))
	return pairs


def restricted_stage(kind: str) -> str:
	if kind in ("Goods Receipt",):
		return "Receipt"
	if kind in ("Delivery", "Customer Return"):
		return "Customer"
	if kind in ("Production", "Consumption"):
		return "Manufacture"
	return "Warehouse"


def layout(graph: Graph) -> dict:
	"""Columns: supplier and receipt first, then batches and the manufacturing steps between them (a batch made from
	another stands one step right of it), then places and parties, each stage in a column of its own; empty columns
	are left out."""
	column: dict[str, int] = {}
	generation = production_generations(graph)
	last = max(generation.values(), default=0)
	offset = {"Supplier": 0, "Receipt": 1}
	after = 2 + last + 1
	for stage in STAGES[4:]:
		offset[stage] = after
		after += 1
	for key, node in graph.nodes.items():
		if node["stage"] in PRODUCTION_STAGES:
			column[key] = 2 + generation.get(key, 0)
		else:
			column[key] = offset[node["stage"]]
	used = sorted(set(column.values()))
	compact = {value: index for index, value in enumerate(used)}
	nodes = []
	for key, node in sorted(graph.nodes.items(), key=lambda item: order_key(item[1], column[item[0]])):
		details = node["details"]
		if "documents" in details:
			details["documents"] = len(details["documents"])
			details["held"] = details["delivered"] - details["returned"]
		nodes.append({**node, "column": compact[column[key]]})
	edges = [
		{"source": source, "target": target, "qty": round(qty, 6)}
		for (source, target), qty in graph.edges.items()
	]
	return {"nodes": nodes, "edges": edges, "stages": stage_labels()}


def production_generations(graph: Graph) -> dict[str, int]:
	"""Batch or manufacturing step -> its step from the first batch: the longest path through production (each
	step counted once, so a cycle in bad data cannot loop)."""
	inside = {key for key, node in graph.nodes.items() if node["stage"] in PRODUCTION_STAGES}
	following = defaultdict(list)
	incoming = dict.fromkeys(inside, 0)
	for source, target in graph.edges:
		if source in inside and target in inside:
			following[source].append(target)
			incoming[target] += 1
	generation = {}
	ready = [key for key in inside if not incoming[key]]
	for key in ready:
		generation[key] = 0
	while ready:
		key = ready.pop()
		for target in following[key]:
			generation[target] = max(generation.get(target, 0), generation[key] + 1)
			incoming[target] -= 1
			if not incoming[target]:
				ready.append(target)
	for key in inside:
		generation.setdefault(key, max(generation.values(), default=0))
	return generation


def order_key(node: dict, column: int) -> tuple:
	return (
		column,
		STAGES.index(node["stage"]),
		node["restricted"],
		node["group"] or "",
		str(node["label"]),
	)


# --- on a site -----------------------------------------------------------------------------------------------------


def trace_graph(
	batches: list[str] | None = None, serial_no: str | None = None, direction: str = "forward"
) -> dict:
	"""The graph of the trace of `batches` (or, without batches, of one serial number) as the user may see it."""
	if batches:
		trace = trace_batches(batches, direction)
		serial_no = None
	elif serial_no:
		trace = (trace_forward if direction == "forward" else trace_backward)(serial_no=serial_no)
	else:
		frappe.throw(_("Give a batch, a serial number or a recall to trace."), InvalidInputError)
	trace = redact(trace)
	usage = []
	if direction == "forward":
		if serial_no:
			found = implanted(serial_nos=[serial_no])
		else:
			found = implanted([node["batch"] for node in trace if node["node"] == "batch" and node["batch"]])
		for row in found:
			usage.append(
				{
					**row,
					"name": row.usage_row,
					"parent": row.usage_report,
					"batch_no": row.batch,
					"warehouse": row.warehouse if access.may("Warehouse", row.warehouse) else None,
					"restricted": 0 if access.may("Consignment Usage Report", row.usage_report) else 1,
				}
			)
	places = {node["warehouse"] for node in trace if node["warehouse"]} | {row["warehouse"] for row in usage}
	consignment = {
		warehouse: hospital if access.may("Customer", hospital) else ""
		for warehouse, hospital in hospitals_of(places).items()
	}
	add_territories(trace)
	billed = usage_billing_rows(trace, consignment, {row["parent"] for row in usage})
	return build(trace, consignment, usage, billed, direction)


def add_territories(trace: list[dict]):
	customers = {node["party"] for node in trace if node["party_type"] == "Customer" and node["party"]}
	territories = {}
	if customers:
		territories = dict(
			frappe.get_all(
				"Customer",
				filters={"name": ("in", list(customers))},
				fields=["name", "territory"],
				as_list=True,
			)
		)
	for node in trace:
		if node["party_type"] == "Customer":
			node["territory"] = territories.get(node["party"])


def usage_billing_rows(trace: list[dict], consignment: dict[str, str], reports: set[str]) -> set[str]:
	"""The invoice and delivery rows among the trace's deliveries out of consignment stock that bill the usage
	reports whose rows are drawn (`reports`): their units are drawn as the patients they went to."""
	rows = defaultdict(list)
	for node in trace:
		if node["kind"] == "Delivery" and node["warehouse"] in consignment and node["voucher_detail_no"]:
			rows[node["voucher_type"]].append(node["voucher_detail_no"])
	billing = set()
	for doctype, names in rows.items():
		row_doctype = BILLING_ROW_DOCTYPES.get(doctype)
		if row_doctype and reports:
			billing.update(
				frappe.get_all(
					row_doctype,
					filters={"name": ("in", names), USAGE_FIELD: ("in", list(reports))},
					pluck="name",
				)
			)
	return billing
