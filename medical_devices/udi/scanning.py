"""One scan of a UDI fills a stock document row: item (via the DI at any package level), batch and serial.

Hooked in place of ERPNext's `erpnext.stock.utils.scan_barcode` (override_whitelisted_methods), so every form
that uses ERPNext's barcode scanner gets it; anything that is not a UDI falls back to ERPNext's own lookup.
"""

import re

import frappe
from frappe import _
from frappe.utils import escape_html, formatdate, getdate

from erpnext.stock.utils import scan_barcode as erpnext_scan_barcode

from medical_devices import access, inputs
from medical_devices.audit.origin import mark
from medical_devices.erpnext_api import with_item_details
from medical_devices.gsp.stock_guard import (
	GUARDED_DOCTYPES,
	SALES_DOCTYPES,
	OutwardContext,
	OutwardLine,
	outward_problems,
)
from medical_devices.udi.parser import DEFAULT_GS_STANDINS, UDI, UDIError, parse_udi

# Text that can only be meant as a UDI: a broken one gets our precise message, not "item not found".
UDI_LOOKALIKE = re.compile(
	r"^(\][A-Za-z]\d|\(0[01]\)|01\d{14}.|\+[A-Z$]|\*\+|MA\.|MF[0-9A-Z]|https?://)", re.I
)


# Documents that receive stock: the clerk who may make one may have the new lot they scan into it created.
INWARD_DOCTYPES = ("Purchase Receipt", "Purchase Invoice", "Stock Entry", "Stock Reconciliation")


@frappe.whitelist()
@inputs.endpoint
def scan_barcode(search_value: str, ctx: dict | str | None = None) -> dict:
	access.desk_user()
	search_value = inputs.text(search_value, _("Scanned Text"), max_length=MAX_SCAN_LENGTH)
	ctx = frappe._dict(inputs.json_object(ctx, _("Scan Context"), required=False) or {})
	try:
		udi = parse_udi(search_value, gs_standins=scanner_gs_standins())
	except UDIError as error:
		result = erpnext_scan_barcode(search_value, ctx)
		if result or not UDI_LOOKALIKE.match(search_value.strip()):
			return revealed(result)
		frappe.throw(error.translated(_), title=_("Unreadable UDI"))
	return revealed(scan_result_for(udi, ctx))


MAX_SCAN_LENGTH = 2000  # a GS1 DataMatrix holds at most 2,335 characters; nobody scans a novel


def revealed(result: dict) -> dict:
	"""What a scan found, for someone who may read the item."""
	if result and result.get("item_code"):
		frappe.has_permission("Item", "read", result["item_code"], throw=True)
	return result


def scanner_gs_standins() -> tuple[str, ...]:
	configured = frappe.db.get_single_value("Medical Device Settings", "scanner_gs_standins") or ""
	extra = tuple(token for token in configured.split() if token)
	return DEFAULT_GS_STANDINS + extra


def scan_result_for(udi: UDI, ctx: dict) -> dict:
	identifier = device_identifier(udi)
	item = frappe.get_cached_value(
		"Item", identifier.item, ["has_batch_no", "has_serial_no", "stock_uom"], as_dict=True
	)
	result = frappe._dict(item_code=identifier.item)
	if identifier.uom and identifier.uom != item.stock_uom:
		result.uom = identifier.uom
	if udi.lot and item.has_batch_no:
		frappe.has_permission("Item", "read", identifier.item, throw=True)
		result.batch_no = find_or_create_batch(identifier.item, udi, ctx)
	if udi.serial and item.has_serial_no:
		result.serial_no = check_serial(identifier.item, udi.serial)
	if result.get("batch_no"):
		result.md_warning = outward_warning(ctx, identifier.item, result.batch_no)
		# the grid shows it beside the batch at once, also to a clerk who may not read batches (it is on the label)
		result.md_expiry_date = frappe.db.get_value("Batch", result.batch_no, "expiry_date")
	return with_item_details(result, ctx)


def outward_warning(ctx: dict, item_code: str, batch: str) -> str | None:
	"""On a document that takes stock out, why the GSP guard would refuse the scanned batch, said at the scan
	rather than at submit (the guard still refuses it then)."""
	if ctx.get("doctype") not in GUARDED_DOCTYPES:
		return None
	context = OutwardContext(
		ctx.doctype,
		getdate(ctx.get("posting_date") or None),
		customer=ctx.get("customer") if ctx.doctype in SALES_DOCTYPES else None,
	)
	problems = outward_problems(context, [OutwardLine(None, item_code, batch)])
	return problems[0][1] if problems else None


def read_label(text: str) -> frappe._dict:
	"""What a scanned label names, for a record that is not a stock row (a complaint, a hospital's usage): the
	item by its registered device identifier, the lot and its batch (None when no such batch is on record), and
	the serial number. An unreadable label or an unknown identifier is refused as bad input."""
	try:
		udi = parse_udi(text, gs_standins=scanner_gs_standins())
	except UDIError as error:
		frappe.throw(escape_html(error.translated(_)), inputs.InvalidInputError, title=_("Unreadable UDI"))
	item = udi.di and frappe.db.get_value("UDI Device Identifier", udi.di, "item")
	if not item:
		frappe.throw(
			_("Device identifier {0} is not registered: add it under UDI Device Identifier first.").format(
				frappe.bold(escape_html(udi.di or text))
			),
			inputs.InvalidInputError,
			title=_("Unknown Device Identifier"),
		)
	batch = udi.lot and frappe.db.get_value("Batch", {"item": item, "batch_id": udi.lot})
	return frappe._dict(item_code=item, lot=udi.lot, batch=batch or None, serial_no=udi.serial)


def device_identifier(udi: UDI) -> frappe._dict:
	if not udi.di:
		frappe.throw(
			_("This is a HIBCC secondary code on its own: scan the primary code of the same label first."),
			title=_("Device Identifier Missing"),
		)
	identifier = frappe.db.get_value(
		"UDI Device Identifier", udi.di, ["name", "item", "uom", "status"], as_dict=True
	)
	if not identifier:
		frappe.throw(
			_("Device identifier {0} is not registered: add it under UDI Device Identifier first.").format(
				frappe.bold(udi.di)
			),
			title=_("Unknown Device Identifier"),
		)
	if identifier.status != "Active":
		frappe.throw(
			_("Device identifier {0} is inactive and cannot be scanned into documents.").format(
				frappe.bold(udi.di)
			),
			title=_("Inactive Device Identifier"),
		)
	return identifier


def find_or_create_batch(item_code: str, udi: UDI, ctx: dict | None = None) -> str:
	"""The batch with this lot number (its batch ID, whatever the document is named), created when new."""
	batch = frappe.db.get_value(
		"Batch",
		{"batch_id": udi.lot, "item": item_code},
		["name", "expiry_date", "manufacturing_date"],
		as_dict=True,
	)
	if batch:
		check_dates_agree(batch, udi)
		return batch.name
	if frappe.db.exists("Batch", {"batch_id": udi.lot}):
		frappe.throw(
			_("Batch number {0} already belongs to another item: check the label.").format(
				frappe.bold(escape_html(udi.lot))
			),
			title=_("Batch of Another Item"),
		)
	receiving = may_receive_new_lot((ctx or {}).get("doctype"), udi.lot)
	new_batch = frappe.get_doc(
		{
			"doctype": "Batch",
			"batch_id": udi.lot,
			"item": item_code,
			"expiry_date": udi.expiry,
			"manufacturing_date": udi.production_date,
		}
	)
	new_batch.insert(ignore_permissions=receiving)
	if not udi.production_date and new_batch.manufacturing_date:
		# Batch defaults its manufacturing date to today; a date the label never stated must not be recorded.
		mark(new_batch, f"{__name__}.scan_barcode")
		new_batch.db_set("manufacturing_date", None, update_modified=False)
	return new_batch.name


def may_receive_new_lot(doctype, lot: str) -> bool:
	"""Whether the scan creates the new lot's batch on the user's behalf: on a document that receives stock and
	that the user may create, the label's batch is what they receive (the batch starts in quarantine). Anywhere
	else Frappe's own create permission on Batch decides."""
	if frappe.has_permission("Batch", "create"):
		return False  # no need: the ordinary insert is allowed
	if doctype in INWARD_DOCTYPES and frappe.has_permission(doctype, "create"):
		return True
	frappe.throw(
		_("Lot {0} is new: scan it into a receipt (Purchase Receipt, Stock Entry) to receive it.").format(
			frappe.bold(lot)
		),
		frappe.PermissionError,
		title=_("New Lot"),
	)


def check_dates_agree(batch: frappe._dict, udi: UDI):
	for label, scanned, on_file in (
		(_("expiry date"), udi.expiry, batch.expiry_date),
		(_("manufacturing date"), udi.production_date, batch.manufacturing_date),
	):
		if scanned and on_file and getdate(scanned) != getdate(on_file):
			frappe.throw(
				_(
					"The scanned {0} {1} contradicts batch {2}, which has {3} on file: check the label."
				).format(
					label,
					frappe.bold(formatdate(scanned)),
					frappe.bold(batch.name),
					frappe.bold(formatdate(on_file)),
				),
				title=_("Batch Dates Disagree"),
			)


def check_serial(item_code: str, serial: str) -> str:
	record = frappe.db.get_value("Serial No", serial, ["item_code", "status"], as_dict=True)
	if not record:
		return serial
	if record.item_code != item_code:
		frappe.throw(
			_("Serial number {0} belongs to item {1}.").format(
				frappe.bold(serial), frappe.bold(record.item_code)
			),
			title=_("Serial of Another Item"),
		)
	if record.status == "Delivered":
		frappe.throw(
			_("Serial number {0} has already been delivered.").format(frappe.bold(serial)),
			title=_("Serial Already Delivered"),
		)
	return serial
