"""The Traceability module: forward and backward traces over ERPNext's stock ledger, and the Batch Trace report."""


def trace_forward(batch: str | None = None, serial_no: str | None = None) -> list[dict]:
	from medical_devices.traceability.engine import trace_forward as forward

	return forward(batch=batch, serial_no=serial_no)


def trace_backward(batch: str | None = None, serial_no: str | None = None) -> list[dict]:
	from medical_devices.traceability.engine import trace_backward as backward

	return backward(batch=batch, serial_no=serial_no)


__all__ = ["trace_backward", "trace_forward"]
