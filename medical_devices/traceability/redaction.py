"""A trace shows each user only what they may read: every node is checked on its own (the batch, the document
that moved it, the warehouse, the party), and a node they may not read keeps its place in the tree with its contents withheld.
The tree stays whole, so nobody is misled into thinking a branch ends where it does not."""

from medical_devices import access

WITHHELD = (
	"batch",
	"batch_id",
	"serial_no",
	"item_code",
	"voucher_type",
	"voucher_no",
	"voucher_detail_no",
	"posting_date",
	"warehouse",
	"party_type",
	"party",
	"qty",
)


def redact(nodes: list[dict]) -> list[dict]:
	return [node if readable(node) else withheld(node) for node in nodes]


def readable(node: dict) -> bool:
	if node["node"] == "batch":
		return access.may("Batch", node["batch"]) and access.may("Serial No", node.get("serial_no"))
	return (
		access.may(node["voucher_type"], node["voucher_no"])
		and access.may("Batch", node["batch"])
		and access.may("Warehouse", node["warehouse"])
		and (not node.get("party_type") or access.may(node["party_type"], node["party"]))
	)


def withheld(node: dict) -> dict:
	return {**node, **dict.fromkeys(WITHHELD), "restricted": 1}
