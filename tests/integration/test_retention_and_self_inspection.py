"""Retention of regulated records (the refusal names the date, implants are kept permanently, a company's
transactions cannot be bulk-deleted) and the annual self-inspection report assembled from the demo's year."""

import datetime

import pytest

import frappe
from frappe.utils import add_years, format_date, getdate, today

from medical_devices.demo import COMPANY, create_demo_data
from medical_devices.nmpa.overrides.retention import refuse_deleting_retained_transactions
from medical_devices.nmpa.retention_rules import retain_until
from tests.factories import ensure_item, material_receipt, new_batch, register_item

IMPLANT = "_Test MD Retention Implant"
DEVICE = "_Test MD Retention Device"


def test_deleting_a_cancelled_device_stock_entry_is_refused_with_its_retention_date():
	code = ensure_item(DEVICE, "Class II")
	register_item(code)
	batch = new_batch(code, "RET", expiry_days=1500)
	entry = material_receipt(batch, 5)
	entry.md_reason = "Received into the wrong company"
	entry.cancel()  # ERPNext lets cancelled documents be deleted; the retention rule does not
	until = retain_until(getdate(entry.posting_date), [getdate(batch.expiry_date)])
	assert until == add_years(
		getdate(batch.expiry_date), 2
	)  # four years of shelf life + 2 beat the 5-year minimum
	with pytest.raises(frappe.PermissionError) as refused:
		frappe.delete_doc("Stock Entry", entry.name)
	assert f"must be kept until {format_date(until)}" in str(refused.value)
	assert frappe.db.exists("Stock Entry", entry.name)


def test_records_of_an_implant_are_kept_permanently():
	code = ensure_item(IMPLANT, "Class III")
	frappe.db.set_value("Item", code, "md_is_implant", 1)
	register_item(code)
	batch = new_batch(code, "IMP")
	with pytest.raises(frappe.PermissionError) as refused:
		frappe.delete_doc("Batch", batch.name)
	assert "implantable device and must be kept permanently" in str(refused.value)


def test_a_company_with_device_stock_records_cannot_have_its_transactions_deleted():
	create_demo_data()
	record = frappe.new_doc("Transaction Deletion Record")
	record.company = COMPANY
	with pytest.raises(frappe.PermissionError) as refused:
		refuse_deleting_retained_transactions(record)
	# the demo company sells a coronary stent, an implant: its records outlive every retention period
	assert "must be kept permanently" in str(refused.value)


def test_annual_self_inspection_assembles_the_year_and_needs_the_text_before_submit():
	create_demo_data()
	year = getdate(today()).year
	filters = {"company": COMPANY, "year": year, "inspection_type": "Distributor"}
	for name, docstatus in frappe.get_all(
		"Annual Self Inspection",
		filters={**filters, "docstatus": ("<", 2)},
		fields=["name", "docstatus"],
		as_list=True,
	):  # left by an earlier run on this site; reports are never deleted
		if docstatus == 1:
			frappe.get_doc("Annual Self Inspection", name).cancel()
		else:
			frappe.db.set_value("Annual Self Inspection", name, "docstatus", 2)
	report = frappe.get_doc({"doctype": "Annual Self Inspection", **filters}).insert()
	assert report.due_date == datetime.date(year + 1, 3, 31) or str(report.due_date) == f"{year + 1}-03-31"
	products = {row.item_code: row for row in report.products}
	assert {"MD-I-MASK", "MD-III-STENT"} <= set(products)
	assert products["MD-III-STENT"].certificate_number == "国械注准20253130888"
	stent_received = (
		frappe.db.sql(
			"""select sum(actual_qty) from `tabStock Ledger Entry` where company=%s and item_code='MD-III-STENT'
		and voucher_type='Purchase Receipt' and is_cancelled=0 and year(posting_date)=%s""",
			(COMPANY, year),
		)[0][0]
		or 0
	)
	assert products["MD-III-STENT"].received_qty == stent_received
	assert report.purchase_receipts >= 1 or stent_received == 0
	assert report.cold_chain_excursions == len(
		[e for e in report.events if e.event_type == "Cold-Chain Excursion"]
	)
	assert report.approved_customers >= 3 and report.approved_suppliers >= 2
	with pytest.raises(frappe.ValidationError) as missing:
		report.submit()
	assert "Basic Overview" in str(missing.value)
	report.reload()
	for fieldname in (
		"overview",
		"changes",
		"operations",
		"quality_system",
		"inspections",
		"adverse_events_and_recalls",
		"internal_audit",
	):
		report.set(fieldname, f"<p>{fieldname}: 本年度情况正常。</p>")
	report.md_reason = "Narrative written"
	report.save()  # a submit submits what was saved
	report.submit()
	assert report.docstatus == 1
	from frappe.www.printview import get_rendered_template  # frappe.get_print would commit an access log

	html = get_rendered_template(
		report, print_format=frappe.get_doc("Print Format", "Annual Self Inspection")
	)
	assert "年度自查报告" in html and "一、基本情况" in html
	with pytest.raises(frappe.ValidationError):
		frappe.get_doc(
			{
				"doctype": "Annual Self Inspection",
				"company": COMPANY,
				"year": year,
				"inspection_type": "Distributor",
			}
		).insert()
