"""GSP, on every document that takes device stock out (Delivery Note, Sales Invoice, POS Invoice, Stock Entry,
Pick List) and on the Serial and Batch Bundle that finally picks the batches: no unreleased, expired or too
short-dated device batch leaves stock, however it was chosen (medical_devices/gsp/stock_guard.py)."""

import frappe

from medical_devices.devices import is_device
from medical_devices.golive import observed
from medical_devices.gsp.stock_guard import (
	GUARDED_DOCTYPES,
	OutwardLine,
	check_outward_lines,
	context_from_bundle,
	context_from_document,
	lines_from_document,
	row_doctype,
)
from medical_devices.medical_devices.doctype.medical_device_settings.medical_device_settings import (
	controls_enabled,
)


@observed
def validate_stock_document(doc, method=None):
	"""validate of Delivery Note, Sales Invoice, POS Invoice, Stock Entry and Pick List."""
	if not controls_enabled():
		return
	context = context_from_document(doc)
	if context:
		check_outward_lines(context, list(lines_from_document(doc)))


@observed
def validate_bundle(doc, method=None):
	"""validate of Serial and Batch Bundle: the batches actually leaving, however they were chosen."""
	if doc.type_of_transaction != "Outward" or doc.voucher_type not in GUARDED_DOCTYPES:
		return
	if not doc.has_batch_no:
		return
	if not is_device(doc.item_code) and not frappe.db.exists(
		"Batch",
		{
			"name": ("in", [entry.batch_no for entry in doc.entries if entry.batch_no] or [""]),
			"md_batch_status": ("is", "set"),
		},
	):
		return
	if not controls_enabled():
		return
	context = context_from_bundle(doc)
	if not context:
		return
	target = None
	if doc.voucher_type == "Stock Entry" and doc.voucher_detail_no:
		target = frappe.db.get_value("Stock Entry Detail", doc.voucher_detail_no, "t_warehouse")
	lines = [
		OutwardLine(
			None, doc.item_code, entry.batch_no, target, row_doctype(doc.voucher_type), doc.voucher_detail_no
		)
		for entry in doc.entries
		if entry.batch_no
	]
	check_outward_lines(context, lines)
