"""Consignment at hospitals, on every document that moves stock (medical_devices/md_hospitals/consignment.py):

- stock reaches a hospital's consignment warehouse by a Material Transfer that passes the GSP guard for that
  hospital (first-business approval, its licences, the items' registrations, its minimum shelf life);
- it leaves only by the invoice (or delivery note) of a submitted usage report of that hospital, row by row, up to
  what is reported and not billed yet; by a transfer back or on; or by the adjustment of a reviewed stock count;
- nothing is received into it from a supplier, sold from it at a till, returned into it, or counted in it by a
  Stock Reconciliation (other than the opening stock of a go-live)."""

import frappe
from frappe import _
from frappe.utils import cstr, flt, getdate

from medical_devices.golive import observed
from medical_devices.gsp.batch_status import batch_label
from medical_devices.gsp.overrides.transaction import party_problems
from medical_devices.gsp.qualification import QualificationError
from medical_devices.gsp.stock_guard import OutwardContext, OutwardLine, check_outward_lines, shelf_life_days
from medical_devices.md_hospitals import consignment, consignment_balance
from medical_devices.medical_devices import ledger
from medical_devices.medical_devices.doctype.medical_device_settings.medical_device_settings import (
	controls_enabled,
)

COUNT_DOCTYPE = "Consignment Stock Count"


class ConsignmentStockError(frappe.ValidationError):
	pass


def refuse(message: str):
	frappe.throw(message, ConsignmentStockError, title=_("Consignment Stock"))


# --- Stock Entry ---------------------------------------------------------------------------------------------


@observed
def check_stock_entry(doc, method=None):
	"""Stock Entry validate: replenishment and returns are Material Transfers; the target hospital qualifies."""
	rows = [row for row in doc.get("items") or [] if row.get("item_code")]
	hospitals = consignment.hospitals_of(
		{row.get("s_warehouse") for row in rows} | {row.get("t_warehouse") for row in rows}
	)
	if not hospitals:
		return
	source = ledger.source_of(doc)
	if source and source[0] == COUNT_DOCTYPE:
		return  # the reviewed count's own adjustment
	for row in rows:
		at = hospitals.get(row.get("s_warehouse")) or hospitals.get(row.get("t_warehouse"))
		if at and doc.purpose != "Material Transfer":
			refuse(
				_(
					"Row #{0}: stock at the consignment warehouse of {1} moves by a Material Transfer (to replenish it or bring it back), by the invoice of a usage report, or by a reviewed Consignment Stock Count; not by a {2}."
				).format(row.idx, frappe.bold(at), _(doc.purpose))
			)
	to_hospital: dict[str, list] = {}
	for row in rows:
		hospital = hospitals.get(row.get("t_warehouse"))
		if hospital and hospital != hospitals.get(row.get("s_warehouse")):
			to_hospital.setdefault(hospital, []).append(row)
	if controls_enabled():
		for hospital, hospital_rows in to_hospital.items():
			check_replenishment(doc, hospital, hospital_rows)


def check_replenishment(doc, hospital: str, rows):
	"""A replenishment is a sale-to-be: the hospital and the devices pass first business and licences, and the
	batches the hospital's minimum shelf life, on the transfer's date."""
	on_date = getdate(doc.posting_date)
	problems = party_problems("Customer", hospital, rows, on_date)
	if problems:
		frappe.throw(
			"<br>".join(dict.fromkeys(problems)), QualificationError, title=_("Qualification Missing")
		)
	items = shelf_life_days({row.item_code for row in rows})
	lines = [
		OutwardLine(row.idx, row.item_code, row.batch_no)
		for row in rows
		if row.get("batch_no") and row.item_code in items
	]
	for entry in frappe.get_all(
		"Serial and Batch Entry",
		filters={
			"parent": (
				"in",
				[row.serial_and_batch_bundle for row in rows if row.get("serial_and_batch_bundle")],
			),
			"batch_no": ("is", "set"),
		},
		fields=["parent", "batch_no"],
	):
		row = next(row for row in rows if row.get("serial_and_batch_bundle") == entry.parent)
		if row.item_code in items:
			lines.append(OutwardLine(row.idx, row.item_code, entry.batch_no))
	check_outward_lines(OutwardContext(doc.doctype, on_date, customer=hospital), lines, items)


# --- sales documents -------------------------------------------------------------------------------------------


def check_sales_document(doc, method=None):
	"""Delivery Note, Sales Invoice (updating stock), POS Invoice validate: consignment units leave as billed use."""
	if doc.doctype == "Sales Invoice" and not doc.get("update_stock"):
		return
	rows = [row for row in doc.get("items") or [] if row.get("item_code")]
	for row in rows:
		if row.get(consignment.USAGE_FIELD) and not row.get("warehouse"):
			row.warehouse = doc.get("set_warehouse")
	refuse_packed_consignment_stock(doc, rows)
	hospitals = consignment.hospitals_of({row.get("warehouse") or doc.get("set_warehouse") for row in rows})
	targets = consignment.hospitals_of(
		{row.get("target_warehouse") for row in rows} | {doc.get("set_target_warehouse")}
	)
	if targets:
		refuse(
			_(
				"A hospital's consignment stock ({0}) is replenished by a Material Transfer, not by a {1}."
			).format(", ".join(sorted(set(targets.values()))), _(doc.doctype))
		)
	linked = [row for row in rows if row.get(consignment.USAGE_FIELD)]
	if not hospitals and not linked:
		return
	for row in rows:
		hospital = hospitals.get(row.get("warehouse") or doc.get("set_warehouse"))
		if not hospital:
			if row.get(consignment.USAGE_FIELD):
				refuse(
					_(
						"Row #{0}: a reported use is billed out of the hospital's consignment warehouse."
					).format(row.idx)
				)
			continue
		if doc.doctype == "POS Invoice":
			refuse(_("Row #{0}: consignment stock at {1} is not sold at a till.").format(row.idx, hospital))
		if doc.get("is_return"):
			refuse(
				_(
					"Row #{0}: a return comes back into one of the company's own warehouses, not into the consignment warehouse of {1}."
				).format(row.idx, hospital)
			)
		if doc.customer != hospital:
			refuse(
				_("Row #{0}: the consignment stock at {1} is billed to {1}, not to {2}.").format(
					row.idx, frappe.bold(hospital), frappe.bold(doc.customer)
				)
			)
	check_billed_use(doc, linked, hospitals)


def refuse_packed_consignment_stock(doc, rows):
	"""The items of a product bundle are posted from their own warehouse: never a hospital's consignment stock,
	which leaves as reported use only, row by row."""
	by_name = {row.name: row for row in rows if row.get("name")}
	for packed in doc.get("packed_items") or []:
		parent = by_name.get(packed.get("parent_detail_docname"))
		places = {
			packed.get("warehouse")
			or (parent.get("warehouse") if parent else None)
			or doc.get("set_warehouse"),
			packed.get("target_warehouse") or (parent.get("target_warehouse") if parent else None),
		}
		hospitals = consignment.hospitals_of(places)
		if hospitals:
			refuse(
				_(
					"Packed item {0} of {1}: the consignment stock at {2} is not sold as part of a product bundle; it leaves as reported use."
				).format(
					frappe.bold(packed.get("item_code")),
					frappe.bold(packed.get("parent_item")),
					", ".join(sorted(set(hospitals.values()))),
				)
			)


def check_billed_use(doc, rows, hospitals):
	"""Each row bills units of a submitted usage report of the hospital, out of its warehouse, up to what of them is
	unbilled; the billed units come from the submitted documents, not from what the report stores."""
	for row in [row for row in doc.get("items") or [] if row.get("item_code")]:
		if hospitals.get(row.get("warehouse")) and not row.get(consignment.USAGE_FIELD):
			refuse(
				_(
					"Row #{0}: consignment stock leaves the warehouse of {1} only as used: make the invoice from the hospital's Consignment Usage Report."
				).format(row.idx, hospitals[row.warehouse])
			)
	if not rows:
		return
	reports = {
		entry.name: entry
		for entry in frappe.get_all(
			"Consignment Usage Report",
			filters={"name": ("in", list({row.get(consignment.USAGE_FIELD) for row in rows}))},
			fields=["name", "docstatus", "customer", "warehouse", "modified"],
		)
	}
	refuse_billing_raced(reports)
	for row in rows:
		report = reports.get(row.get(consignment.USAGE_FIELD))
		if not report or report.docstatus != 1 or report.customer != doc.customer:
			refuse(_("Row #{0}: it names no submitted usage report of {1}.").format(row.idx, doc.customer))
		if row.get("warehouse") != report.warehouse:
			refuse(
				_("Row #{0}: usage report {1} reports units used from {2}.").format(
					row.idx, report.name, report.warehouse
				)
			)
	billings = consignment.billings(set(reports), exclude=(doc.doctype, doc.name))
	consignment.add_units(rows)
	for row in rows:
		report = row.get(consignment.USAGE_FIELD)
		uncovered = billings[report].bill(row.item_code, row.units)
		if not uncovered:
			continue
		units = ", ".join(
			f"{flt(qty)} × {serial_no or (batch_label(batch) if batch else row.item_code)}"
			for batch, serial_no, qty in uncovered
		)
		if all(
			billings[report].reports(row.item_code, batch, serial_no) for batch, serial_no, _qty in uncovered
		):
			refuse(_("Row #{0}: {1} of usage report {2} is billed already.").format(row.idx, units, report))
		refuse(
			_("Row #{0}: usage report {1} reports other units of {2} used, not these units: {3}.").format(
				row.idx, report, row.item_code, units
			)
		)


def refuse_billing_raced(reports):
	"""Two invoices of one report at once: the second waits here for the first to commit, then sees (the report
	saved since this transaction read it) that what it counted as unbilled may be billed now."""
	if not reports:
		return
	report = frappe.qb.DocType("Consignment Usage Report")
	latest = dict(
		frappe.qb.from_(report)
		.select(report.name, report.modified)
		.where(report.name.isin(list(reports)))
		.for_update()
		.run()
	)
	for name, entry in reports.items():
		if latest.get(name) != entry.modified:
			refuse(
				_(
					"Usage report {0} was billed by another document while this one was being saved: reload it and make the invoice again."
				).format(name)
			)


def refresh_usage_billing(doc, method=None):
	"""Delivery Note / Sales Invoice on_submit, on_cancel: the usage reports it bills show what is billed."""
	from medical_devices.md_hospitals.doctype.consignment_usage_report.consignment_usage_report import (
		refresh_billing,
	)

	for report in sorted(
		{
			row.get(consignment.USAGE_FIELD)
			for row in doc.get("items") or []
			if row.get(consignment.USAGE_FIELD)
		}
	):
		refresh_billing(report)


# Every document that moves stock at a consignment warehouse, and the hook that checks it there.
CHECKED_VOUCHERS = ("Stock Entry", "Sales Invoice", "Delivery Note", "Stock Reconciliation")


@observed
def refuse_unchecked_movements(doc, method=None):
	"""Stock Ledger Entry before_submit: stock at a hospital moves only by the documents whose rules above check it
	(an Asset Capitalization, a Subcontracting Receipt, an Asset Repair or any other posting is refused); a
	cancel's reversal passes."""
	if doc.get("is_cancelled") or doc.voucher_type in CHECKED_VOUCHERS:
		return
	hospital = doc.warehouse and frappe.get_cached_value(
		"Warehouse", doc.warehouse, consignment.WAREHOUSE_FIELD
	)
	if hospital:
		refuse(
			_(
				"{0} {1}: the consignment stock at {2} moves by a Material Transfer, the invoice of a usage report or a reviewed Consignment Stock Count, not by a {0}."
			).format(_(doc.voucher_type), doc.voucher_no, frappe.bold(hospital))
		)


def keep_hospital_figures(doc, method=None):
	"""Stock Ledger Entry on_submit (every posting, and the reversal each cancel posts): what stands at the hospital
	is kept for the report by hospital (consignment_balance)."""
	consignment_balance.stage(doc)


def follow_repost(doc, method=None):
	"""Repost Item Valuation on_change: a completed repost of stock at a hospital has what it rewrote recomputed."""
	if doc.get("status") != "Completed":
		return
	if doc.get("based_on") == "Item and Warehouse":
		pairs = {(doc.item_code, doc.warehouse)}
	else:
		pairs = set(
			frappe.get_all(
				"Stock Ledger Entry",
				filters={"voucher_type": doc.voucher_type, "voucher_no": doc.voucher_no},
				fields=["item_code", "warehouse"],
				as_list=True,
				distinct=True,
			)
		)
	hospitals = consignment.hospitals_of({warehouse for _item, warehouse in pairs})
	for item_code, warehouse in sorted(pairs):
		if warehouse in hospitals:
			consignment_balance.refresh_item_at(warehouse, item_code, doc.posting_date)


def keep_batch_expiry(doc, method=None):
	"""Batch on_update: its balances at hospitals show its expiry date as it is now."""
	if doc.has_value_changed("expiry_date"):
		consignment_balance.follow_batch_expiry(doc.name, doc.expiry_date)


# --- receipts and counts ---------------------------------------------------------------------------------------


def refuse_receiving_into_consignment(doc, method=None):
	"""Purchase Receipt, Purchase Invoice (updating stock) validate: goods are received (and inspected) at the
	company's own warehouse, then sent to the hospital."""
	if doc.doctype == "Purchase Invoice" and not doc.get("update_stock"):
		return
	rows = [row for row in doc.get("items") or [] if row.get("item_code")]
	hospitals = consignment.hospitals_of(
		{row.get("warehouse") for row in rows}
		| {row.get("rejected_warehouse") for row in rows}
		| {doc.get("set_warehouse")}
	)
	for row in rows:
		hospital = hospitals.get(row.get("warehouse")) or hospitals.get(row.get("rejected_warehouse"))
		if hospital:
			refuse(
				_(
					"Row #{0}: goods are received into one of the company's own warehouses and sent to {1} by a Material Transfer, not received into its consignment warehouse."
				).format(row.idx, hospital)
			)


def refuse_reconciling_consignment(doc, method=None):
	"""Stock Reconciliation validate: a hospital's stock is counted with a Consignment Stock Count, whose reviewed
	adjustment posts the differences; only the opening stock of a go-live is entered here."""
	hospitals = consignment.hospitals_of({row.get("warehouse") for row in doc.get("items") or []})
	for row in doc.get("items") or []:
		if doc.get("purpose") == "Opening Stock" and not frappe.db.exists(
			"Stock Ledger Entry", {"warehouse": row.get("warehouse"), "is_cancelled": 0}
		):
			continue  # a go-live's opening stock of a warehouse that has none yet
		if hospitals.get(row.get("warehouse")):
			refuse(
				_(
					"Row #{0}: the stock at {1} is counted with a Consignment Stock Count, not a Stock Reconciliation."
				).format(row.idx, hospitals[row.warehouse])
			)
