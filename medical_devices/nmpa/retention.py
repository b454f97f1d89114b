"""Retention of regulated records: the date until which a record must be kept, named when a deletion is refused,
and ERPNext's bulk "delete company transactions" refused while device records are under retention."""

import frappe
from frappe.utils import getdate, today

from medical_devices.devices import ITEM_TABLES, device_items, item_rows
from medical_devices.nmpa.retention_rules import retain_until

DATE_FIELDS = ("posting_date", "report_date", "start_date", "transaction_date", "period_start", "creation")


def device_items_and_batches(doc) -> tuple[set[str], set[str]]:
	"""The device items a record concerns and the batches (document names) it names."""
	if doc.doctype in ITEM_TABLES:
		items, batches = set(), set()
		for row in item_rows(doc):
			items.add(row.item_code)
			if row.get("batch_no"):
				batches.add(row.batch_no)
			if row.get("serial_and_batch_bundle"):
				batches.update(
					frappe.get_all(
						"Serial and Batch Entry",
						filters={"parent": row.serial_and_batch_bundle, "batch_no": ("is", "set")},
						pluck="batch_no",
					)
				)
		devices = set(device_items(items))
		if devices and not doc.is_new():  # bundles made on submit, unlinked from the rows again on cancel
			batches.update(
				frappe.db.sql_list(
					"""select entry.batch_no from `tabSerial and Batch Entry` entry
					join `tabSerial and Batch Bundle` bundle on bundle.name = entry.parent
					where bundle.voucher_type = %(doctype)s and bundle.voucher_no = %(name)s
					and entry.batch_no is not null
					union
					select batch_no from `tabStock Ledger Entry`
					where voucher_type = %(doctype)s and voucher_no = %(name)s and batch_no is not null""",
					{"doctype": doc.doctype, "name": doc.name},
				)
			)
		return devices, batches if devices else set()
	if doc.doctype == "Batch":
		return {doc.item}, {doc.name}
	item = doc.get("item_code") or doc.get("item")
	batch = doc.get("batch") or doc.get("batch_no")
	return ({item} if item else set()), ({batch} if batch else set())


def retention_of(doc):
	"""(applies, last day to keep or None for permanently) for a record that moves or concerns devices."""
	items, batches = device_items_and_batches(doc)
	if not items and frappe.get_meta(doc.doctype).module not in ("NMPA", "Recall"):
		return False, None
	record_date = getdate(next((doc.get(f) for f in DATE_FIELDS if doc.get(f)), today()))
	expiries = (
		frappe.get_all("Batch", filters={"name": ("in", list(batches))}, pluck="expiry_date")
		if batches
		else []
	)
	if doc.get("expiry_date"):
		expiries.append(doc.expiry_date)
	implant = bool(items) and bool(
		frappe.db.exists("Item", {"name": ("in", list(items)), "md_is_implant": 1})
	)
	return True, retain_until(record_date, [getdate(d) for d in expiries if d], implant)
