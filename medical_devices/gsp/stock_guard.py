"""GSP guard on every path by which a device batch leaves stock.

Two hooks share one check. The stock document's `validate` sees the batches typed on its rows or chosen in
bundles before anything is posted; the `Serial and Batch Bundle` hook catches the batches ERPNext picks by
itself while posting (auto-created outward bundles), inside the same transaction, which then rolls back.
"""

import dataclasses
import datetime

import frappe
from frappe import _
from frappe.utils import cint, formatdate, get_link_to_form, getdate

from medical_devices.devices import ITEM_TABLES, device_items
from medical_devices.gsp import rules
from medical_devices.gsp.batch_status import has_qa_role, status_label
from medical_devices.medical_devices.doctype.medical_device_settings.medical_device_settings import (
	get_settings,
)

SALES_DOCTYPES = ("Delivery Note", "Sales Invoice", "POS Invoice")
GUARDED_DOCTYPES = (*SALES_DOCTYPES, "Stock Entry", "Pick List")


class BatchNotAllowedError(frappe.ValidationError):
	pass


@dataclasses.dataclass
class OutwardLine:
	idx: int | None  # None: look it up from row_doctype/row_name, only when there is something to report
	item_code: str
	batch: str
	target_warehouse: str | None = None
	row_doctype: str | None = None
	row_name: str | None = None

	def row_number(self) -> int:
		if self.idx is None:
			self.idx = (
				cint(frappe.db.get_value(self.row_doctype, self.row_name, "idx")) if self.row_name else 0
			)
		return self.idx


@dataclasses.dataclass
class OutwardContext:
	doctype: str
	posting_date: datetime.date
	customer: str | None = None
	is_disposal: bool = False
	write_off: str | None = None  # the Device Write Off posting this disposal, approved by its submitter


# --- hooks --------------------------------------------------------------------------------------------------


def row_doctype(voucher_type: str) -> str:
	return {
		"Delivery Note": "Delivery Note Item",
		"Sales Invoice": "Sales Invoice Item",
		"POS Invoice": "POS Invoice Item",
		"Stock Entry": "Stock Entry Detail",
		"Pick List": "Pick List Item",
	}[voucher_type]


# --- context: which document, which date, which exceptions -----------------------------------------------


def write_off_being_posted(write_off: str | None) -> bool:
	"""A submitted Device Write Off whose Stock Entry is being made now: its approver submitted it."""
	if not write_off:
		return False
	state = frappe.db.get_value("Device Write Off", write_off, ["docstatus", "stock_entry"], as_dict=True)
	return bool(state and state.docstatus == 1 and not state.stock_entry)


def context_from_document(doc) -> OutwardContext | None:
	if doc.doctype in SALES_DOCTYPES:
		if doc.get("is_return"):
			return None  # returns come back in; they may go to quarantine
		if doc.doctype != "Delivery Note" and not doc.get("update_stock"):
			return None
		return OutwardContext(doc.doctype, getdate(doc.posting_date), customer=doc.customer)
	if doc.doctype == "Stock Entry":
		return OutwardContext(
			doc.doctype,
			getdate(doc.posting_date),
			is_disposal=bool(doc.get("md_is_disposal")) and doc.purpose == "Material Issue",
			write_off=doc.get("md_device_write_off"),
		)
	if doc.doctype == "Pick List":
		customer = doc.get("customer") if doc.purpose == "Delivery" else None
		return OutwardContext(doc.doctype, getdate(), customer=customer)
	return None


def context_from_bundle(bundle) -> OutwardContext | None:
	posting_date = getdate(bundle.posting_date or frappe.utils.today())
	voucher = None
	if bundle.voucher_no:
		fields = {
			"Stock Entry": ["purpose", "md_is_disposal", "posting_date", "md_device_write_off"],
			"Pick List": ["purpose", "customer"],
		}.get(bundle.voucher_type, ["customer", "is_return", "posting_date"])
		voucher = frappe.db.get_value(bundle.voucher_type, bundle.voucher_no, fields, as_dict=True)
	if not voucher:
		return OutwardContext(bundle.voucher_type, posting_date)
	if bundle.voucher_type in SALES_DOCTYPES:
		if voucher.is_return:
			return None
		return OutwardContext(bundle.voucher_type, getdate(voucher.posting_date), customer=voucher.customer)
	if bundle.voucher_type == "Stock Entry":
		return OutwardContext(
			"Stock Entry",
			getdate(voucher.posting_date),
			is_disposal=bool(voucher.md_is_disposal) and voucher.purpose == "Material Issue",
			write_off=voucher.md_device_write_off,
		)
	customer = voucher.customer if voucher.purpose == "Delivery" else None
	return OutwardContext("Pick List", posting_date, customer=customer)


def lines_from_document(doc):
	bundles: dict[str, tuple[int, str, str | None]] = {}
	legacy_serials: dict[str, tuple[int, str, str | None]] = {}
	for table in ITEM_TABLES[doc.doctype]:
		for row in doc.get(table) or []:
			if not row.get("item_code"):
				continue
			if doc.doctype == "Stock Entry" and not row.get("s_warehouse"):
				continue  # produced or received rows come in
			target = row.get("t_warehouse") if doc.doctype == "Stock Entry" else None
			if row.get("batch_no"):
				yield OutwardLine(row.idx, row.item_code, row.batch_no, target)
			if row.get("serial_and_batch_bundle"):
				bundles[row.serial_and_batch_bundle] = (row.idx, row.item_code, target)
			elif row.get("serial_no") and not row.get("batch_no"):
				for serial in frappe.utils.cstr(row.serial_no).split("\n"):
					if serial.strip():
						legacy_serials[serial.strip()] = (row.idx, row.item_code, target)
	if bundles:
		for entry in frappe.get_all(
			"Serial and Batch Entry",
			filters={"parent": ("in", list(bundles)), "batch_no": ("is", "set")},
			fields=["parent", "batch_no"],
		):
			idx, item_code, target = bundles[entry.parent]
			yield OutwardLine(idx, item_code, entry.batch_no, target)
	if legacy_serials:
		for serial in frappe.get_all(
			"Serial No",
			filters={"name": ("in", list(legacy_serials)), "batch_no": ("is", "set")},
			fields=["name", "batch_no"],
		):
			idx, item_code, target = legacy_serials[serial.name]
			yield OutwardLine(idx, item_code, serial.batch_no, target)


# --- the check ----------------------------------------------------------------------------------------------


def check_outward_lines(context: OutwardContext, lines: list[OutwardLine], items: dict | None = None):
	"""Refuse the lines whose batches may not leave stock, naming each row and why."""
	problems = outward_problems(context, lines, items)
	if problems:
		messages = [_("Row #{0}: {1}").format(line.row_number(), problem) for line, problem in problems]
		frappe.throw(
			"<br>".join(messages) if len(messages) > 1 else messages[0],
			BatchNotAllowedError,
			title=_("Batch Cannot Leave Stock"),
		)


def outward_problems(
	context: OutwardContext, lines: list[OutwardLine], items: dict | None = None
) -> list[tuple[OutwardLine, str]]:
	"""(line, why its batch may not leave stock) for each refused line. `items`: device items with their own
	minimum shelf life, when the caller knows them already.

	Device batches are checked, and so is any batch that carries a GSP status whatever its item is now (a recalled
	batch of an item that was reclassified stays recalled)."""
	if not lines:
		return []
	if items is None:
		items = shelf_life_days({line.item_code for line in lines})
	batches = {
		batch.name: batch
		for batch in frappe.get_all(
			"Batch",
			filters={"name": ("in", list({line.batch for line in lines}))},
			fields=["name", "batch_id", "item", "md_batch_status", "expiry_date"],
		)
	}
	lines = [
		line
		for line in lines
		if line.item_code in items or (line.batch in batches and batches[line.batch].md_batch_status)
	]
	if not lines:
		return []
	settings = get_settings()
	customer_days = None
	if context.customer:
		customer_days = frappe.get_cached_value(
			"Customer", context.customer, "md_min_remaining_shelf_life_days"
		)
	quarantine_targets = quarantine_warehouses(
		{line.target_warehouse for line in lines if line.target_warehouse}
	)
	if context.is_disposal and not has_qa_role() and not write_off_being_posted(context.write_off):
		frappe.throw(
			_("Only a Quality Manager or QA Reviewer may dispose of device batches."),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)

	recorded = recorded_statuses(list(batches))
	problems = []
	seen = set()
	for line in lines:
		batch = batches.get(line.batch)
		if not batch or (line.idx, line.row_name, line.batch) in seen:
			continue
		seen.add((line.idx, line.row_name, line.batch))
		to_quarantine = bool(line.target_warehouse and line.target_warehouse in quarantine_targets)
		if (batch.md_batch_status or None) != recorded.get(batch.name) and not (
			context.is_disposal or to_quarantine
		):
			problems.append(
				(
					line,
					_(
						"Batch {0} of {1} says {2}, but its status history says {3}: the status was changed outside the app. A Quality Manager must check the batch and set its status again."
					).format(
						get_link_to_form("Batch", batch.name, batch.batch_id),
						line.item_code,
						status_label(batch.md_batch_status) if batch.md_batch_status else "-",
						status_label(recorded[batch.name]) if recorded.get(batch.name) else "-",
					),
				)
			)
			continue
		min_days = 0
		if context.customer and line.item_code in items:
			min_days = rules.required_shelf_life(
				customer_days, items[line.item_code], settings.min_remaining_shelf_life_days
			)
		reason = rules.outward_block_reason(
			batch.md_batch_status,
			getdate(batch.expiry_date) if batch.expiry_date else None,
			context.posting_date,
			min_shelf_life_days=min_days,
			allow_unreleased=context.is_disposal or to_quarantine,
			allow_expired=context.is_disposal or to_quarantine,
		)
		if reason:
			problems.append((line, describe_problem(reason, line, batch, context, min_days)))
	return problems


def describe_problem(reason: str, line: OutwardLine, batch, context: OutwardContext, min_days: int) -> str:
	batch_link = get_link_to_form("Batch", batch.name, batch.batch_id)
	if reason == rules.EXPIRED_ON_POSTING:
		return _("Batch {0} of {1} expired on {2}; expired devices must not leave stock.").format(
			batch_link, line.item_code, formatdate(batch.expiry_date)
		)
	if reason == rules.NOT_RELEASED:
		return _("Batch {0} of {1} is {2}; only Released batches may leave stock.").format(
			batch_link, line.item_code, status_label(batch.md_batch_status)
		)
	days_left = rules.remaining_shelf_life(getdate(batch.expiry_date), context.posting_date)
	return _(
		"Batch {0} of {1} has {2} days of shelf life left on {3}; at least {4} days are required."
	).format(batch_link, line.item_code, days_left, formatdate(context.posting_date), min_days)


def recorded_statuses(batch_names: list[str]) -> dict[str, str]:
	"""Each batch's status as its append-only history last recorded it (none for batches from before the app)."""
	if not batch_names:
		return {}
	return dict(
		frappe.db.sql(
			"""select h.batch, h.to_status from `tabBatch Status Change` h
			join (select max(name) as last from `tabBatch Status Change` where batch in %s group by batch) l
			on l.last = h.name""",
			(tuple(batch_names),),
		)
	)


def shelf_life_days(item_codes: set[str]) -> dict[str, int]:
	"""Device items among `item_codes`, with their own minimum shelf life in days."""
	return {
		name: cint(row.md_min_remaining_shelf_life_days)
		for name, row in device_items(item_codes, ["md_min_remaining_shelf_life_days"]).items()
	}


def quarantine_warehouses(warehouses: set[str]) -> set[str]:
	if not warehouses:
		return set()
	return set(
		frappe.get_all(
			"Warehouse",
			filters={"name": ("in", list(warehouses))},
			or_filters={"md_is_quarantine_warehouse": 1, "is_rejected_warehouse": 1},
			pluck="name",
		)
	)
