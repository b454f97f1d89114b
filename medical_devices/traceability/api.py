"""REST: GET /api/method/medical_devices.traceability.api.trace?batch=...&direction=forward, and .graph (the same
trace as nodes and edges, for a batch, a serial number or a whole recall)."""

import frappe
from frappe import _

from medical_devices import access, inputs
from medical_devices.traceability.engine import holders, trace_backward, trace_forward
from medical_devices.traceability.graph import trace_graph
from medical_devices.traceability.redaction import redact


@frappe.whitelist(methods=["GET", "POST"])
def trace(batch: str | None = None, serial_no: str | None = None, direction: str | None = "forward") -> dict:
	direction = inputs.choice(direction or "forward", _("Direction"), ("forward", "backward"))
	if inputs.missing(batch) and inputs.missing(serial_no):
		frappe.throw(_("Give a batch or a serial number to trace."), inputs.InvalidInputError)
	if not inputs.missing(batch):
		batch = access.record("Batch", batch)
	if not inputs.missing(serial_no):
		serial_no = access.record("Serial No", serial_no)
	nodes = (trace_forward if direction == "forward" else trace_backward)(
		batch=batch or None, serial_no=serial_no or None
	)
	nodes = redact(nodes)
	result = {"direction": direction, "batch": batch, "serial_no": serial_no, "nodes": nodes}
	if direction == "forward":
		result["holders"] = holders(nodes)
	return result


@frappe.whitelist(methods=["GET", "POST"])
def graph(
	batch: str | None = None,
	serial_no: str | None = None,
	direction: str | None = "forward",
	device_recall: str | None = None,
) -> dict:
	direction = inputs.choice(direction or "forward", _("Direction"), ("forward", "backward"))
	# one of them is traced, the first given of: the recall (all its batches, forward), the batch, the serial number
	if not inputs.missing(device_recall):
		recall = frappe.get_doc("Device Recall", access.record("Device Recall", device_recall))
		return trace_graph([row.batch for row in recall.batches], direction="forward")
	if not inputs.missing(batch):
		return trace_graph([access.record("Batch", batch)], direction=direction)
	if not inputs.missing(serial_no):
		return trace_graph(serial_no=access.record("Serial No", serial_no), direction=direction)
	frappe.throw(_("Give a batch, a serial number or a recall to trace."), inputs.InvalidInputError)
