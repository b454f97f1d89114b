"""REST: GET /api/method/medical_devices.traceability.api.trace?batch=...&direction=forward"""

import frappe
from frappe import _

from medical_devices.traceability.engine import holders, trace_backward, trace_forward


@frappe.whitelist(methods=["GET", "POST"])
def trace(batch: str | None = None, serial_no: str | None = None, direction: str = "forward") -> dict:
	if direction not in ("forward", "backward"):
		frappe.throw(_("Direction must be forward or backward."))
	if batch:
		frappe.has_permission("Batch", "read", batch, throw=True)
	if serial_no:
		frappe.has_permission("Serial No", "read", serial_no, throw=True)
	nodes = (trace_forward if direction == "forward" else trace_backward)(batch=batch, serial_no=serial_no)
	result = {"direction": direction, "batch": batch, "serial_no": serial_no, "nodes": nodes}
	if direction == "forward":
		result["holders"] = holders(nodes)
	return result
