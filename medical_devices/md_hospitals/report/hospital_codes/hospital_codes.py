"""Hospital Codes: what a hospital received (delivery notes, or invoices that moved stock), one row per batch or
serial number, with its three codes (UDI, the hospital's charge code, the NHSA code), the registration certificate,
the expiry and the sterilisation batch: the export (Excel or CSV, from the report's menu) a hospital's SPD system
imports at receipt (medical_devices/md_hospitals/three_codes.py)."""

import frappe
from frappe import _

from medical_devices import inputs
from medical_devices.md_hospitals.three_codes import with_codes
from medical_devices.nmpa.gsp_records import movements

VOUCHER_TYPES = ("Delivery Note", "Sales Invoice")


def execute(filters=None):
	filters = frappe._dict(filters or {})
	customer = inputs.text(filters.customer, _("Hospital"), required=False)
	voucher_type = inputs.choice(filters.voucher_type or VOUCHER_TYPES[0], _("Document Type"), VOUCHER_TYPES)
	if not customer:
		return columns(voucher_type), []  # the export is one hospital's
	query = {
		"company": filters.company,
		"party": customer,
		"from_date": inputs.date(filters.from_date, _("From Date"), required=False),
		"to_date": inputs.date(filters.to_date, _("To Date"), required=False),
	}
	rows = [
		row
		for row in movements(voucher_type, query, returns=False)
		if not filters.voucher_no or row.voucher_no == filters.voucher_no
	]
	on_document = {
		name: code
		for name, code in frappe.get_all(
			f"{voucher_type} Item",
			filters={"name": ("in", [row.row_name for row in rows] or [""])},
			fields=["name", "customer_item_code"],
			as_list=True,
		)
	}
	return columns(voucher_type), with_codes(rows, customer, on_document)


def columns(voucher_type: str) -> list[dict]:
	def column(fieldname, label, fieldtype="Data", width=120, **extra):
		return {"fieldname": fieldname, "label": label, "fieldtype": fieldtype, "width": width, **extra}

	return [
		column("voucher_no", _(voucher_type), "Link", 150, options=voucher_type),
		column("posting_date", _("Date"), "Date", 100),
		column("item_code", _("Item"), "Link", 140, options="Item"),
		column("item_name", _("Product Name"), width=160),
		column("md_model", _("Specification / Model")),
		column("certificate_number", _("Registration / Filing Number"), width=170),
		column("di", _("UDI-DI"), width=150),
		column("udi", _("UDI (DI and PI)"), width=280),
		column("batch_id", _("Batch ID"), width=110),
		column("serial_no", _("Serial No"), width=110),
		column("manufacturing_date", _("Manufacturing Date"), "Date", 100),
		column("expiry_date", _("Expiry Date"), "Date", 100),
		column("sterilisation_batch", _("Sterilisation Batch"), width=120),
		column("nhsa_code", _("NHSA Consumables Code"), width=190),
		column("charge_code", _("Hospital Charge Code"), width=140),
		column("qty", _("Quantity"), "Float", 80),
		column("stock_uom", _("UOM"), width=70),
		column("rate_per_stock_unit", _("Rate"), "Currency", 100, options="currency"),
		column("amount", _("Amount"), "Currency", 110, options="currency"),
	]
