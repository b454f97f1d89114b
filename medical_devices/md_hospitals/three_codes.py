"""Three codes (三码合一) on what a hospital receives: the device's UDI (its DI and the production identifiers of the
unit), the hospital's own charge code for the item, and the NHSA medical-consumable code (医保耗材编码).

- **The hospital's charge code** is ERPNext's customer item code: the *Customer Items* table of the Item (customer
  and *Ref Code*), which ERPNext copies onto each order, delivery and invoice row of that customer as *Customer's
  Item Code*. On a device item the code is checked: letters, digits and . _ / - (at most 40, no spaces), one per
  hospital, and no two items of one hospital with the same code.
- **The NHSA code** is the UDI Device Identifier's (20 letters or digits, checked there).
- **The rows a hospital reads** (print formats *Hospital Delivery (Three Codes)* and *Hospital Invoice (Three
  Codes)*, report *Hospital Codes* for SPD systems): one per batch or serial number of each device row, with the
  UDI as its label prints it in text, the DI, the NHSA code, the registration certificate valid on the date, the
  batch, expiry, sterilisation batch and the charge code.
"""

import re

import frappe

from medical_devices.nmpa.gsp_records import movements
from medical_devices.udi.labels import udi_text


def charge_codes(customer: str, item_codes) -> dict[str, str]:
	codes = list(set(item_codes))
	if not customer or not codes:
		return {}
	return dict(
		frappe.get_all(
			"Item Customer Detail",
			filters={"parenttype": "Item", "customer_name": customer, "parent": ("in", codes)},
			fields=["parent", "ref_code"],
			as_list=True,
		)
	)


def document_rows(doc) -> list[frappe._dict]:
	"""Jinja method and the report's rows: the device units a submitted delivery note or invoice takes to the
	hospital, each with its three codes. An invoice that did not move stock reads the rows of its delivery notes."""
	if doc.docstatus != 1:
		return []
	if doc.doctype == "Sales Invoice" and not doc.update_stock:
		rows = []
		delivered = {row.dn_detail: row for row in doc.items if row.get("dn_detail")}
		for delivery in sorted({row.delivery_note for row in doc.items if row.get("delivery_note")}):
			posted = frappe.db.get_value(
				"Delivery Note", delivery, ["posting_date", "customer"], as_dict=True
			)
			rows += [
				row
				for row in voucher_rows(
					"Delivery Note", delivery, doc.company, posted.posting_date, posted.customer
				)
				if row.row_name in delivered
			]
		return with_codes(
			rows, doc.customer, {name: row.get("customer_item_code") for name, row in delivered.items()}
		)
	rows = voucher_rows(doc.doctype, doc.name, doc.company, doc.posting_date, doc.customer)
	return with_codes(rows, doc.customer, {row.name: row.get("customer_item_code") for row in doc.items})


def voucher_rows(voucher_type, name, company, posting_date, customer) -> list[frappe._dict]:
	filters = {"company": company, "from_date": posting_date, "to_date": posting_date, "party": customer}
	return [row for row in movements(voucher_type, filters) if row.voucher_no == name]


def with_codes(rows, customer, on_document: dict) -> list[frappe._dict]:
	fallback = charge_codes(customer, [row.item_code for row in rows])
	identifiers = default_identifiers({row.item_code for row in rows})
	sterilisation = dict(
		frappe.get_all(
			"Batch",
			filters={"name": ("in", list({row.batch for row in rows if row.batch}) or [""])},
			fields=["name", "md_sterilisation_batch"],
			as_list=True,
		)
	)
	for row in rows:
		di = identifiers.get(row.item_code) or frappe._dict()
		row.di = di.name
		row.nhsa_code = di.nhsa_code
		row.udi = udi_text(row.item_code, row.batch, row.serial_no) if di.name else None
		row.udi_parts = udi_parts(row.udi)
		row.sterilisation_batch = sterilisation.get(row.batch)
		row.charge_code = on_document.get(row.row_name) or fallback.get(row.item_code)
		row.qty = abs(row.qty or 0)
	return rows


def udi_parts(udi: str | None) -> list[str]:
	"""The UDI's element strings (GS1), data units (MA) or fields (AHM): a printed cell wraps between them only."""
	if not udi:
		return []
	if udi.startswith("("):
		return re.findall(r"\(\d+\)[^(]*", udi)
	if udi.startswith("MA."):
		units = udi.split(".")
		return [".".join(units[:3]), *(f".{unit}" for unit in units[3:])]
	return udi.split()


def default_identifiers(item_codes) -> dict[str, frappe._dict]:
	codes = [code for code in item_codes if code]
	if not codes:
		return {}
	defaults = dict(
		frappe.get_all(
			"Item", filters={"name": ("in", codes)}, fields=["name", "md_default_di"], as_list=True
		)
	)
	found = {
		di.name: di
		for di in frappe.get_all(
			"UDI Device Identifier",
			filters={"name": ("in", [di for di in defaults.values() if di] or [""])},
			fields=["name", "nhsa_code"],
		)
	}
	return {code: found[di] for code, di in defaults.items() if di in found}
