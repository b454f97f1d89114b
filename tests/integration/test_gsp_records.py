"""GSP records (进货查验记录, 销售记录, 出库复核记录) from the demo's receipts and deliveries: the statutory fields
per batch, licences valid on the day, links back to the documents, and the Chinese PDF against reviewed text."""

import os

import frappe

from medical_devices.demo import (
	BATCHES,
	COMPANY,
	CONSIGNMENT_BATCH,
	CUSTOMERS,
	DELIVERIES,
	LOANER_BATCHES,
	QUARANTINED_BATCH,
	USAGE,
	create_demo_data,
)
from medical_devices.nmpa.gsp_record_print import record_pdf, record_table
from medical_devices.nmpa.gsp_records import outbound_review_record, purchase_record, sales_record
from tests.outputs import compact, matches_golden, pdf_lines

PRINTED = frappe.utils.get_datetime("2026-11-28 09:30:00")


def demo_filters(**extra):
	return frappe._dict({"company": COMPANY, "from_date": "2000-01-01", "to_date": "2100-12-31", **extra})


def by_batch(rows):
	return {row.batch_id: row for row in rows}


def test_purchase_record_has_the_article_32_fields_for_every_batch_received():
	create_demo_data()
	columns, rows = purchase_record(demo_filters())
	received = {
		batch_id: qty for batch_id, _item, _days, _supplier, qty, _rate in [*BATCHES, QUARANTINED_BATCH]
	}
	consigned_batch, _item, _days, consigned_qty, _rate = CONSIGNMENT_BATCH
	received[consigned_batch] = consigned_qty  # received at our warehouse before it went to the hospitals
	received.update({batch_id: qty for batch_id, _item, _days, _supplier, qty, *_rest in LOANER_BATCHES})
	assert {row.batch_id: row.qty for row in rows} == received
	stent = by_batch(rows)["ZJ2025D15"]
	assert stent.voucher_type == "Purchase Receipt" and frappe.db.exists("Purchase Receipt", stent.voucher_no)
	assert stent.party == "深圳迈瑞生物医疗电子股份有限公司"
	assert stent.md_model == "3.0mm×18mm"
	assert stent.registrant == "深圳迈瑞生物医疗电子股份有限公司"
	assert stent.manufacturer_licence == "粤食药监械生产许20010001号"
	assert stent.expiry_date == frappe.db.get_value("Batch", {"batch_id": "ZJ2025D15"}, "expiry_date")
	assert stent.acceptance == "Released"  # the incoming inspection's decision; the batch is recalled since
	assert by_batch(rows)[QUARANTINED_BATCH[0]].acceptance == "Quarantine"
	# the certificate valid on the purchase date: the stent's old one expired before it, its renewal was in force
	assert stent.certificate_number == "国械注准20253130888"
	fieldnames = [c["fieldname"] for c in columns]
	for required in (
		"posting_date",
		"party",
		"party_address",
		"supplier_contact",
		"product_name",
		"md_model",
		"registration_certificate",
		"registrant",
		"manufacturer_licence",
		"batch_id",
		"expiry_date",
		"qty",
	):
		assert required in fieldnames, required


def test_sales_record_names_the_buyer_and_its_licence_valid_on_the_sales_date():
	create_demo_data()
	_columns, rows = sales_record(demo_filters())
	sold = {}
	for _customer, batch_id, qty, _rate in DELIVERIES:
		sold[batch_id] = sold.get(batch_id, 0) + qty
	# consignment is sold when the hospital reports it used: one invoice row per batch, none on replenishment
	consigned_batch = CONSIGNMENT_BATCH[0]
	sold[consigned_batch] = len(USAGE["rows"])
	demo_items = {item_code for _batch, item_code, *_rest in BATCHES}
	recorded = {}
	for row in rows:
		if row.item_code in demo_items:
			recorded[row.batch_id] = recorded.get(row.batch_id, 0) + row.qty
	assert recorded == sold
	used = [row for row in rows if row.batch_id == consigned_batch]
	assert {(row.party, row.voucher_type, row.rate_per_stock_unit) for row in used} == {
		(CUSTOMERS[0], "Sales Invoice", USAGE["rate"])
	}
	assert len(used) == 1  # one invoice row per batch, its units the report's
	stent = by_batch(rows)["ZJ2025D15"]
	assert (stent.party, stent.rate_per_stock_unit, stent.amount) == (
		"复旦大学附属华山医院",
		9800.0,
		6 * 9800.0,
	)
	assert stent.buyer_licence == "PDY00000131010617A1002"
	masks = by_batch(rows)["KZ20241101"]
	# both of the distributor's licences were valid on the sales date (its Class III licence expired since)
	assert masks.buyer_licence == "浙杭食药监械经营备20190088号; 浙杭食药监械经营许20190045号"
	only_one = sales_record(demo_filters(party="复旦大学附属华山医院"))[1]
	assert {row.party for row in only_one} == {"复旦大学附属华山医院"}


def test_outbound_review_record_shows_who_confirmed_dispatch_and_the_batch_status_then():
	from medical_devices.audit.trail import flush

	create_demo_data()
	flush()  # the audit entries a commit appends: who submitted the dispatch, and when
	_columns, rows = outbound_review_record(demo_filters(item_code="MD-III-IVD"))
	[ivd] = rows
	assert ivd.batch_id == "IVD2025C03" and ivd.qty == 200
	# released when it left; it went back to quarantine after the excursion reported later
	assert ivd.status_at_dispatch == "Released"
	assert frappe.db.get_value("Batch", {"batch_id": "IVD2025C03"}, "md_batch_status") == "Quarantine"
	assert ivd.reviewer == frappe.db.get_value(
		"Audit Trail Entry",
		{"ref_doctype": "Delivery Note", "ref_name": ivd.voucher_no, "action": "Submit"},
		"user",
	)


def pdf_text(pdf: bytes) -> str:
	return compact("".join(pdf_lines(pdf)))


def test_the_sales_record_prints_as_a_chinese_pdf_matching_the_reviewed_record():
	create_demo_data()
	filters = demo_filters(item_code="MD-III-STENT", party="复旦大学附属华山医院")
	columns, rows = record_table("GSP Sales Record", filters)
	[row] = rows
	# the demo's dates move with the day it runs: the reviewed record names them by role
	values = dict(zip([c["fieldname"] for c in columns], row, strict=True))
	placeholders = {
		values["posting_date"]: "<SALES DATE>",
		values["manufacturing_date"]: "<MANUFACTURING DATE>",
		values["expiry_date"]: "<EXPIRY DATE>",
		values["voucher_no"]: "<DELIVERY NOTE>",
	}
	reviewed = "\n".join(
		["\t".join(c["label"] for c in columns), "\t".join(placeholders.get(v, v) for v in row)]
	)
	matches_golden("gsp_sales_record_stent.tsv", reviewed + "\n")
	assert "购货单位许可证/备案编号" in reviewed and "销售日期" in reviewed

	pdf = record_pdf("GSP Sales Record", filters, PRINTED)
	assert pdf.startswith(b"%PDF")
	artifacts = os.environ.get("MD_ARTIFACTS")
	if artifacts:
		with open(os.path.join(artifacts, "gsp_sales_record.pdf"), "wb") as handle:
			handle.write(pdf)
	text = pdf_text(pdf)
	assert compact("销售记录") in text and compact(f"公司: {COMPANY}") in text
	for cell in [c["label"] for c in columns] + row:  # every header and every value made it onto the page
		assert compact(cell) in text, cell
