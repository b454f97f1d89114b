"""The trace as a picture (medical_devices/traceability/graph.py), without a site: each movement of a trace becomes
the edge it stands for, with its units, in the column of its stage; transfers join the warehouses they link; the
units a hospital billed as reported use are drawn once, as the patients they went to; a restricted movement keeps
its place without naming anything."""

from medical_devices.traceability.graph import build


def batch(node_id, name, level=0, parent=None):
	return {
		"node": "batch",
		"id": node_id,
		"parent": parent,
		"level": level,
		"batch": name,
		"batch_id": name,
		"serial_no": None,
		"item_code": "STENT",
		"kind": "Batch",
	}


def move(node_id, parent, kind, qty, warehouse, voucher=("Delivery Note", "DN-1"), party=None, **extra):
	party_type = {"Delivery Note": "Customer", "Sales Invoice": "Customer", "Purchase Receipt": "Supplier"}
	return {
		"node": "movement",
		"id": node_id,
		"parent": parent,
		"level": 1,
		"batch": extra.pop("batch", "LOT-A"),
		"batch_id": None,
		"serial_no": None,
		"item_code": "STENT",
		"kind": kind,
		"voucher_type": voucher[0],
		"voucher_no": voucher[1],
		"voucher_detail_no": extra.pop("row", f"row-{node_id}"),
		"posting_date": "2026-11-02",
		"warehouse": warehouse,
		"party_type": party_type.get(voucher[0]) if party else None,
		"party": party,
		"qty": qty,
		**extra,
	}


def edges(graph) -> dict[tuple[str, str], float]:
	return {(edge["source"], edge["target"]): edge["qty"] for edge in graph["edges"]}


def columns(graph) -> dict[str, int]:
	return {node["id"]: node["column"] for node in graph["nodes"]}


def story():
	return [
		batch("b1", "LOT-A"),
		move("m2", "b1", "Goods Receipt", 10, "Stores", ("Purchase Receipt", "PR-1"), "ACME"),
		move("m3", "b1", "Transfer Out", -4, "Stores", ("Stock Entry", "SE-1"), row="se-1-1"),
		move("m4", "b1", "Transfer In", 4, "CW-H1", ("Stock Entry", "SE-1"), row="se-1-1"),
		move("m5", "b1", "Delivery", -3, "Stores", ("Delivery Note", "DN-1"), "Clinic", territory="East"),
		move(
			"m6", "b1", "Customer Return", 1, "Stores", ("Delivery Note", "DN-2"), "Clinic", territory="East"
		),
		move("m7", "b1", "Delivery", -1, "CW-H1", ("Sales Invoice", "SI-1"), "Hospital 1", row="si-row-1"),
		move("m8", "b1", "Consumption", -2, "Stores", ("Stock Entry", "SE-2")),
		batch("b9", "LOT-F", level=2, parent="m8"),
		move("m10", "b9", "Production", 1, "Stores", ("Stock Entry", "SE-2"), batch="LOT-F"),
	]


USAGE = [
	{
		"name": "use-1",
		"parent": "CUR-1",
		"warehouse": "CW-H1",
		"qty": 1,
		"patient_reference": "PR-7F3A",
		"surgery_date": "2026-11-01",
		"serial_no": "SN-1",
		"batch_no": "LOT-A",
		"sales_invoice": "SI-1",
	}
]


def test_each_movement_is_the_edge_it_stands_for_with_its_units():
	graph = build(story(), {"CW-H1": "Hospital 1"}, USAGE, {"si-row-1"})
	assert edges(graph) == {
		("supplier:ACME", "receipt:Purchase Receipt:PR-1"): 10,
		("receipt:Purchase Receipt:PR-1", "batch:LOT-A"): 10,
		("batch:LOT-A", "warehouse:Stores"): 10,
		("warehouse:Stores", "consignment:CW-H1"): 4,
		("warehouse:Stores", "customer:Clinic"): 3,
		("customer:Clinic", "returns:customers:Stores"): 1,
		("batch:LOT-A", "manufacture:SE-2"): 2,
		("manufacture:SE-2", "batch:LOT-F"): 1,
		("batch:LOT-F", "warehouse:Stores"): 1,
		("consignment:CW-H1", "patient:use-1"): 1,
	}
	nodes = {node["id"]: node for node in graph["nodes"]}
	assert nodes["customer:Clinic"]["details"] == {
		"documents": 2,
		"delivered": 3,
		"returned": 1,
		"held": 2,
	}
	assert nodes["customer:Clinic"]["group"] == "East"
	assert nodes["consignment:CW-H1"]["label"] == "Hospital 1"
	assert nodes["consignment:CW-H1"]["details"]["balance"] == 3  # 4 placed, 1 billed out
	assert nodes["warehouse:Stores"]["details"]["balance"] == 10 - 4 - 3 + 1 - 2 + 1
	assert nodes["patient:use-1"]["label"] == "PR-7F3A"
	assert nodes["patient:use-1"]["group"] == "Hospital 1"
	# the invoice billing the reported use is not drawn a second time, as a sale to the hospital
	assert "customer:Hospital 1" not in nodes


def test_stages_stand_in_columns_and_a_batch_made_from_another_one_step_right_of_its_manufacture():
	graph = build(story(), {"CW-H1": "Hospital 1"}, USAGE, {"si-row-1"})
	column = columns(graph)
	assert column["supplier:ACME"] == 0
	assert column["receipt:Purchase Receipt:PR-1"] == 1
	assert column["batch:LOT-A"] == 2
	assert column["manufacture:SE-2"] == 3
	assert column["batch:LOT-F"] == 4
	assert column["warehouse:Stores"] == 5
	assert column["consignment:CW-H1"] == 6
	assert column["customer:Clinic"] == 7
	assert column["patient:use-1"] == 8
	assert column["returns:customers:Stores"] == 9


def test_without_manufacture_or_patients_the_empty_columns_are_left_out():
	trace = [
		batch("b1", "LOT-A"),
		move("m2", "b1", "Goods Receipt", 5, "Stores", ("Purchase Receipt", "PR-1"), "ACME"),
		move("m3", "b1", "Delivery", -5, "Stores", ("Delivery Note", "DN-1"), "Clinic"),
	]
	assert sorted(set(columns(build(trace, {}, [], set())).values())) == [0, 1, 2, 3, 4]


def test_a_restricted_movement_keeps_its_place_and_names_nothing():
	trace = [
		batch("b1", "LOT-A"),
		{**move("m2", "b1", "Delivery", None, None), "voucher_no": None, "party": None, "restricted": 1},
		{**move("m3", "b1", "Delivery", None, None), "voucher_no": None, "party": None, "restricted": 1},
	]
	graph = build(trace, {}, [{"warehouse": None, "qty": 1, "restricted": 1}], set())
	restricted = [node for node in graph["nodes"] if node["restricted"]]
	assert {node["stage"] for node in restricted} == {"Customer", "Consignment", "Patient"}
	assert next(n for n in restricted if n["stage"] == "Customer")["details"] == {"movements": 2}
	assert ("batch:LOT-A", "restricted:Customer") in edges(graph)
	assert all(node["name"] is None for node in restricted)
	# nor how many units went where the user may not look
	assert all(node["qty_in"] == 0 and node["qty_out"] == 0 for node in restricted)
	assert "DN-1" not in repr(graph)


def test_a_cycle_in_bad_production_data_cannot_loop():
	trace = [
		batch("b1", "LOT-A"),
		move("m2", "b1", "Consumption", -1, "Stores", ("Stock Entry", "SE-1")),
		batch("b3", "LOT-B", level=2, parent="m2"),
		move("m4", "b3", "Production", 1, "Stores", ("Stock Entry", "SE-1"), batch="LOT-B"),
		move("m5", "b3", "Consumption", -1, "Stores", ("Stock Entry", "SE-2"), batch="LOT-B"),
		move("m6", "b1", "Production", 1, "Stores", ("Stock Entry", "SE-2")),
	]
	graph = build(trace, {}, [], set())
	assert {node["id"] for node in graph["nodes"]} >= {"batch:LOT-A", "batch:LOT-B"}


def test_each_row_of_a_transfer_is_paired_with_its_own_source():
	trace = [
		batch("b1", "LOT-A"),
		move("m2", "b1", "Transfer Out", -5, "Stores", ("Stock Entry", "SE-1"), row="r1"),
		move("m3", "b1", "Transfer In", 5, "CW-A", ("Stock Entry", "SE-1"), row="r1"),
		move("m4", "b1", "Transfer Out", -3, "Stores", ("Stock Entry", "SE-1"), row="r2"),
		move("m5", "b1", "Transfer In", 3, "CW-B", ("Stock Entry", "SE-1"), row="r2"),
		move("m6", "b1", "Transfer Out", -3, "Transit", ("Stock Entry", "SE-1"), row="r3"),
		move("m7", "b1", "Transfer In", 3, "CW-A", ("Stock Entry", "SE-1"), row="r3"),
	]
	assert edges(build(trace, {}, [], set())) == {
		("warehouse:Stores", "warehouse:CW-A"): 5,
		("warehouse:Stores", "warehouse:CW-B"): 3,
		("warehouse:Transit", "warehouse:CW-A"): 3,
	}


def test_a_stock_count_moves_only_its_difference():
	def counted(before, after):
		return [
			batch("b1", "LOT-A"),
			move("m2", "b1", "Stock Count", -before, "Stores", ("Stock Reconciliation", "SR-1"), row="c1"),
			move("m3", "b1", "Stock Count", after, "Stores", ("Stock Reconciliation", "SR-1"), row="c1"),
		]

	assert edges(build(counted(10, 10), {}, [], set())) == {}
	assert edges(build(counted(10, 8), {}, [], set())) == {
		("warehouse:Stores", "out:Stock Reconciliation"): 2
	}
	assert edges(build(counted(8, 10), {}, [], set())) == {
		("count:SR-1", "batch:LOT-A"): 2,
		("batch:LOT-A", "warehouse:Stores"): 2,
	}


def test_a_restricted_inward_movement_points_into_the_batch():
	trace = [
		batch("b1", "LOT-A"),
		{**move("m2", "b1", "Production", None, None), "voucher_no": None, "restricted": 1},
	]
	assert ("restricted:Manufacture", "batch:LOT-A") in edges(build(trace, {}, [], set()))


def test_backward_draws_where_it_came_from_and_links_what_was_consumed_to_its_manufacture():
	trace = [
		batch("b1", "LOT-F"),
		move("m2", "b1", "Production", 10, "Stores", ("Stock Entry", "SE-2"), batch="LOT-F"),
		move("m3", "b1", "Customer Return", 1, "Stores", ("Delivery Note", "DN-2"), "Clinic", batch="LOT-F"),
		batch("b4", "LOT-A", level=2, parent="m2"),
		move("m5", "b4", "Goods Receipt", 50, "Stores", ("Purchase Receipt", "PR-1"), "ACME"),
		move("m6", "b4", "Transfer In", 5, "CW-H1", ("Stock Entry", "SE-1")),
	]
	drawn = edges(build(trace, {}, [], set(), direction="backward"))
	assert drawn == {
		("manufacture:SE-2", "batch:LOT-F"): 10,
		("batch:LOT-F", "warehouse:Stores"): 10,
		("batch:LOT-A", "manufacture:SE-2"): 0,
		("supplier:ACME", "receipt:Purchase Receipt:PR-1"): 50,
		("receipt:Purchase Receipt:PR-1", "batch:LOT-A"): 50,
		("batch:LOT-A", "warehouse:Stores"): 50,
	}


def test_a_serial_number_traced_backward_counts_its_batchs_receipt_once():
	root = {**batch("b1", "LOT-A"), "kind": "Serial No", "serial_no": "SN-1"}
	trace = [
		root,
		move("m2", "b1", "Goods Receipt", 1, "Stores", ("Purchase Receipt", "PR-1"), "ACME"),
		move("m3", "b1", "Delivery", -1, "Stores", ("Delivery Note", "DN-1"), "Clinic"),
		batch("b4", "LOT-A", level=1, parent="b1"),
		move("m5", "b4", "Goods Receipt", 50, "Stores", ("Purchase Receipt", "PR-1"), "ACME"),
	]
	drawn = edges(build(trace, {}, [], set(), direction="backward"))
	assert drawn[("supplier:ACME", "receipt:Purchase Receipt:PR-1")] == 50
	assert drawn[("batch:LOT-A", "serial:SN-1")] == 1
	assert not any(target.startswith("customer:") for _source, target in drawn)
