"""Batch Trace: forward (where it went) or backward (what it came from) as a tree, exportable like any report, or
the batches of a whole recall; its Graph button draws the same trace as a picture (traceability/graph.py)."""

import frappe
from frappe import _, _lt

from medical_devices import access
from medical_devices.traceability.engine import trace_backward, trace_batches, trace_forward
from medical_devices.traceability.redaction import redact

# Movement kinds from the trace engine, translated when shown.
KIND_LABELS = {
	"Batch": _lt("Batch"),
	"Serial No": _lt("Serial No"),
	"Goods Receipt": _lt("Goods Receipt"),
	"Delivery": _lt("Delivery"),
	"Customer Return": _lt("Customer Return"),
	"Return to Supplier": _lt("Return to Supplier"),
	"Transfer In": _lt("Transfer In"),
	"Transfer Out": _lt("Transfer Out"),
	"Consumption": _lt("Consumption"),
	"Production": _lt("Production"),
	"Stock Issue": _lt("Stock Issue"),
	"Stock Count": _lt("Stock Count"),
}


def execute(filters=None):
	filters = frappe._dict(filters or {})
	if not filters.batch and not filters.serial_no and not filters.device_recall:
		return get_columns(), []
	if filters.device_recall:
		recall = frappe.get_doc("Device Recall", access.record("Device Recall", filters.device_recall))
		nodes = trace_batches([row.batch for row in recall.batches], "forward")
	else:
		trace = trace_backward if filters.direction == "Backward" else trace_forward
		if filters.batch:
			access.record("Batch", filters.batch)
		if filters.serial_no:
			access.record("Serial No", filters.serial_no)
		nodes = trace(batch=filters.batch, serial_no=filters.serial_no)
	nodes = redact(nodes)
	data = []
	for node in nodes:
		data.append(
			{
				**node,
				"indent": node["level"],
				"parent_node": node["parent"],
				"kind": str(KIND_LABELS.get(node["kind"], node["kind"] or "")),
				"title": _("Restricted")
				if node.get("restricted")
				else node["batch_id"] or node["serial_no"] or node["voucher_no"],
			}
		)
	return get_columns(), data


def get_columns():
	return [
		{"fieldname": "title", "label": _("Trace"), "fieldtype": "Data", "width": 220},
		{"fieldname": "kind", "label": _("Movement"), "fieldtype": "Data", "width": 110},
		{"fieldname": "item_code", "label": _("Item"), "fieldtype": "Link", "options": "Item", "width": 150},
		{"fieldname": "batch", "label": _("Batch"), "fieldtype": "Link", "options": "Batch", "width": 130},
		{"fieldname": "serial_no", "label": _("Serial No"), "fieldtype": "Data", "width": 110},
		{"fieldname": "posting_date", "label": _("Posting Date"), "fieldtype": "Date", "width": 100},
		{"fieldname": "voucher_type", "label": _("Voucher Type"), "fieldtype": "Data", "width": 120},
		{
			"fieldname": "voucher_no",
			"label": _("Voucher No"),
			"fieldtype": "Dynamic Link",
			"options": "voucher_type",
			"width": 150,
		},
		{
			"fieldname": "warehouse",
			"label": _("Warehouse"),
			"fieldtype": "Link",
			"options": "Warehouse",
			"width": 140,
		},
		{"fieldname": "party_type", "label": _("Party Type"), "fieldtype": "Data", "width": 90},
		{
			"fieldname": "party",
			"label": _("Party"),
			"fieldtype": "Dynamic Link",
			"options": "party_type",
			"width": 160,
		},
		{"fieldname": "qty", "label": _("Qty"), "fieldtype": "Float", "width": 80},
	]
