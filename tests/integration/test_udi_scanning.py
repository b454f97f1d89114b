"""A scanned UDI fills stock document rows: item via the DI at any package level, batch, serial; bad scans
change nothing. The documents are then submitted and the stock ledger checked."""

import io
import re

import pytest

import frappe
from frappe.utils import add_days, getdate, today

from tests.factories import (
	company_stores,
	ensure_device_identifier,
	ensure_item,
	ensure_party,
	ensure_uom,
	qualify_party,
	register_item,
	release,
)

GS = "\x1d"
UNIT_DI = "06901234888881"
CASE_DI = "16901234888888"
SERIAL_DI = "06901234888874"
CASE_UOM = "_Test MD Case"


def scan(text):
	"""What the desk's barcode scanner calls: ERPNext's method name, resolved through our override."""
	method = frappe.get_hooks("override_whitelisted_methods")["erpnext.stock.utils.scan_barcode"][-1]
	return frappe.get_attr(method)(text, {"company": context().company})


def gs1(di, lot=None, expiry=None, serial=None, production=None):
	text = "01" + di
	if expiry:
		text += "17" + getdate(expiry).strftime("%y%m%d")
	if production:
		text += "11" + getdate(production).strftime("%y%m%d")
	if lot:
		text += "10" + lot + (GS if serial else "")
	if serial:
		text += "21" + serial
	return text


@pytest.fixture(scope="module", autouse=True)
def context_records(frappe_site):
	"""Device items, their DIs and parties, made once and committed for the module (rows are _Test MD ...)."""
	ensure_uom(CASE_UOM)
	ensure_item(
		"_Test MD Scan Batch",
		has_expiry_date=1,
		valuation_rate=10,
		uoms=[{"uom": "Nos", "conversion_factor": 1}, {"uom": CASE_UOM, "conversion_factor": 10}],
	)
	ensure_item("_Test MD Scan Serial", has_batch_no=0, has_serial_no=1, valuation_rate=10)
	for di, item, level, base, uom in (
		(CASE_DI, "_Test MD Scan Batch", "Case", 10, CASE_UOM),
		(UNIT_DI, "_Test MD Scan Batch", "Minimum Sales Unit", 1, None),
		(SERIAL_DI, "_Test MD Scan Serial", "Minimum Sales Unit", 1, None),
	):
		ensure_device_identifier(di, item, level, base, uom=uom)
	for doctype in ("Supplier", "Customer"):
		qualify_party(doctype, ensure_party(doctype, "_Test MD Scan Party"))
	for code in ("_Test MD Scan Batch", "_Test MD Scan Serial"):
		register_item(code, "Class II")
	frappe.db.commit()  # nosemgrep: shared by the tests of this module, each of which rolls back its own work
	yield


def context():
	"""The test company and its Stores warehouse, where this module's documents are made."""
	found = company_stores()
	return frappe._dict(company=found.company, warehouse=found.stores)


def row_from_scan(text, **extra):
	data = scan(text)
	row = {"item_code": data["item_code"], "qty": 1, "use_serial_batch_fields": 1, **extra}
	for key in ("batch_no", "serial_no", "uom"):
		if data.get(key):
			row[key] = data[key]
	return row


def make(doctype, rows, **fields):
	doc = frappe.get_doc({"doctype": doctype, "company": context().company, **fields})
	for row in rows:
		doc.append("items", row)
	doc.insert()
	doc.submit()
	return doc


def receive(text, qty=1):
	"""Receive the scanned goods and release their batch, as QA would after incoming inspection (GSP)."""
	row = row_from_scan(text, qty=qty, rate=10, warehouse=context().warehouse)
	receipt = make(
		"Purchase Receipt", [row], supplier="_Test MD Scan Party", set_warehouse=context().warehouse
	)
	if receipt.items[0].batch_no:
		release(receipt.items[0].batch_no)
	return receipt


def ledger_qty(voucher):
	return frappe.db.sql(
		"select sum(actual_qty) from `tabStock Ledger Entry` where voucher_no=%s and is_cancelled=0",
		voucher.name,
	)[0][0]


def batch_of(lot):
	return frappe.db.get_value(
		"Batch", {"batch_id": lot}, ["name", "item", "expiry_date", "manufacturing_date"], as_dict=True
	)


def test_scan_fills_item_and_creates_the_batch_with_its_dates():
	expiry, production = add_days(today(), 400), add_days(today(), -20)
	data = scan("]d2" + gs1(UNIT_DI, "LOT-A1", expiry, production=production) + "\r\n")
	batch = batch_of("LOT-A1")
	assert (data["item_code"], data["batch_no"], data["has_batch_no"]) == (
		"_Test MD Scan Batch",
		batch.name,
		1,
	)
	assert (batch.item, batch.expiry_date, batch.manufacturing_date) == (
		"_Test MD Scan Batch",
		getdate(expiry),
		getdate(production),
	)
	assert scan(gs1(UNIT_DI, "LOT-A1", expiry))["batch_no"] == batch.name  # found, not created twice
	assert frappe.db.count("Batch", {"batch_id": "LOT-A1"}) == 1


def test_case_level_scan_counts_the_case_in_base_units():
	receipt = receive(gs1(CASE_DI, "LOT-C1", add_days(today(), 300)))
	row = receipt.items[0]
	assert (row.uom, row.conversion_factor, row.stock_qty) == (CASE_UOM, 10, 10)
	assert ledger_qty(receipt) == 10


def test_contradicting_expiry_changes_nothing():
	scan(gs1(UNIT_DI, "LOT-E1", add_days(today(), 200)))
	before = batch_of("LOT-E1")
	assert before.manufacturing_date is None  # the label stated none, so none is recorded
	with pytest.raises(frappe.ValidationError, match="contradicts batch"):
		scan(gs1(UNIT_DI, "LOT-E1", add_days(today(), 201)))
	assert batch_of("LOT-E1") == before


def test_unknown_di_changes_nothing():
	batches = frappe.db.count("Batch")
	with pytest.raises(frappe.ValidationError, match="not registered"):
		scan(gs1("06901234777772", "LOT-U1", add_days(today(), 100)))
	assert frappe.db.count("Batch") == batches


def test_broken_udi_gets_the_parsers_message_and_plain_barcodes_still_work():
	with pytest.raises(frappe.ValidationError, match="check digit"):
		scan("0106901234888883" + "10X")
	item = frappe.get_doc("Item", "_Test MD Scan Serial")
	item.append("barcodes", {"barcode": "4006381333931", "barcode_type": "EAN"})
	item.md_reason = "Retail barcode added"
	item.save()
	assert scan("4006381333931")["item_code"] == "_Test MD Scan Serial"
	assert scan("no such barcode") == {}


def test_serial_scan_and_a_serial_already_delivered():
	receipt = receive(gs1(SERIAL_DI, serial="SN-0001"))
	assert frappe.db.get_value("Serial No", "SN-0001", ["item_code", "status"]) == (
		"_Test MD Scan Serial",
		"Active",
	)
	assert ledger_qty(receipt) == 1
	make(
		"Delivery Note",
		[row_from_scan(gs1(SERIAL_DI, serial="SN-0001"), rate=20, warehouse=context().warehouse)],
		customer="_Test MD Scan Party",
	)
	assert frappe.db.get_value("Serial No", "SN-0001", "status") == "Delivered"
	with pytest.raises(frappe.ValidationError, match="already been delivered"):
		scan(gs1(SERIAL_DI, serial="SN-0001"))


@pytest.mark.parametrize(
	"doctype", ["Delivery Note", "Sales Invoice", "Stock Entry", "Stock Reconciliation", "Purchase Invoice"]
)
def test_scans_go_through_every_stock_document(doctype):
	code = gs1(UNIT_DI, "LOT-D-" + doctype[:5].upper(), add_days(today(), 500))
	receive(code, qty=5)
	warehouse, batch = context().warehouse, scan(code)["batch_no"]
	if doctype == "Delivery Note":
		doc = make(
			doctype, [row_from_scan(code, rate=20, warehouse=warehouse)], customer="_Test MD Scan Party"
		)
		assert ledger_qty(doc) == -1
	elif doctype == "Sales Invoice":
		doc = make(
			doctype,
			[row_from_scan(code, rate=20, warehouse=warehouse)],
			customer="_Test MD Scan Party",
			update_stock=1,
			due_date=add_days(today(), 30),
		)
		assert ledger_qty(doc) == -1
	elif doctype == "Stock Entry":
		doc = make(
			doctype,
			[row_from_scan(code, s_warehouse=warehouse, basic_rate=10)],
			stock_entry_type="Material Issue",
		)
		assert ledger_qty(doc) == -1
	elif doctype == "Stock Reconciliation":
		doc = make(
			doctype,
			[row_from_scan(code, qty=3, valuation_rate=10, warehouse=warehouse)],
			purpose="Stock Reconciliation",
		)
		assert ledger_qty(doc) == -2
	else:
		doc = make(
			doctype,
			[row_from_scan(code, rate=10, warehouse=warehouse)],
			supplier="_Test MD Scan Party",
			update_stock=1,
			set_warehouse=warehouse,
		)
		assert ledger_qty(doc) == 1
	bundle_batches = frappe.get_all(
		"Serial and Batch Entry", filters={"parent": doc.items[0].serial_and_batch_bundle}, pluck="batch_no"
	)
	assert bundle_batches == [batch]


def test_pick_list_row_from_a_scan():
	code = gs1(UNIT_DI, "LOT-PICK", add_days(today(), 500))
	receive(code, qty=4)
	data = scan(code)
	pick = frappe.get_doc(
		{
			"doctype": "Pick List",
			"company": context().company,
			"purpose": "Material Transfer",
			"locations": [
				{
					"item_code": data["item_code"],
					"qty": 2,
					"stock_qty": 2,
					"warehouse": context().warehouse,
					"batch_no": data["batch_no"],
					"use_serial_batch_fields": 1,
					"conversion_factor": 1,
				}
			],
		}
	)
	pick.flags.ignore_mandatory = True
	pick.insert()
	assert (pick.locations[0].item_code, pick.locations[0].batch_no) == (
		"_Test MD Scan Batch",
		data["batch_no"],
	)


def test_udi_labels_print_for_a_batch_and_a_delivery_note():
	frappe.db.set_value("Item", "_Test MD Scan Batch", "md_default_di", UNIT_DI)
	expiry = getdate(add_days(today(), 600))
	code = gs1(UNIT_DI, "LOT-LBL", expiry)
	receive(code, qty=2)
	batch = scan(code)["batch_no"]
	hri = f"(01){UNIT_DI}(17){expiry:%y%m%d}(10)LOT-LBL"  # no (11): the scan carried no production date

	html = render("Batch", batch, "UDI Batch Label")
	assert hri in text_of(html) and "<svg" in html

	note = make(
		"Delivery Note",
		[row_from_scan(code, qty=2, rate=20, warehouse=context().warehouse)],
		customer="_Test MD Scan Party",
	)
	html = render("Delivery Note", note.name, "UDI Delivery Labels")
	assert hri in text_of(html) and html.count("<svg") == 2  # one label: its GS1 DataMatrix and its GS1-128

	frappe.db.set_value("Item", "_Test MD Scan Batch", "md_default_di", None)
	assert "no default GS1, MA or AHM device identifier" in render("Batch", batch, "UDI Batch Label")


def test_a_60_by_40_label_prints_on_its_own_stock_and_its_datamatrix_scans():
	"""The label as the PDF engine lays it out: one 60 x 40 mm page per batch, and the DataMatrix on it, rasterised
	by the same engine (wkhtmltoimage), reads back with a barcode reader as the batch's UDI."""
	import subprocess
	import tempfile
	from pathlib import Path

	import zxingcpp
	from PIL import Image
	from pypdf import PdfReader

	from frappe.utils.pdf import get_pdf

	from medical_devices.udi import parse_udi
	from tests.frappe_site import log_dir

	frappe.db.set_value("Item", "_Test MD Scan Batch", "md_default_di", UNIT_DI)
	expiry = getdate(add_days(today(), 500))
	code = gs1(UNIT_DI, "LOT-60X40", expiry)
	receive(code, qty=1)
	batch = scan(code)["batch_no"]
	html = f"""<html><head><meta charset="utf-8"></head><body><div class="print-format">
		{render("Batch", batch, "UDI Label 60 x 40 mm")}</div></body></html>"""

	pdf = get_pdf(html)
	(log_dir() / "UDI Label 60 x 40 mm.pdf").write_bytes(pdf)
	pages = PdfReader(io.BytesIO(pdf)).pages
	width, height = float(pages[0].mediabox.width), float(pages[0].mediabox.height)
	assert len(pages) == 1 and abs(width - 60 / 25.4 * 72) < 2 and abs(height - 40 / 25.4 * 72) < 2

	with tempfile.TemporaryDirectory() as folder:
		source, image = Path(folder) / "label.html", Path(folder) / "label.png"
		# four times the size, as a 384 dpi printer would draw it (this wkhtmltoimage ignores --zoom)
		source.write_text(html.replace("<body>", '<body style="zoom: 4">'), encoding="utf-8")
		subprocess.run(
			["wkhtmltoimage", "--quiet", "--width", "1000", str(source), str(image)],
			check=True,
			timeout=60,
		)
		(log_dir() / "udi-label-60x40.png").write_bytes(image.read_bytes())
		found = zxingcpp.read_barcodes(Image.open(image), formats=zxingcpp.BarcodeFormat.DataMatrix)
	assert len(found) == 1 and found[0].content_type == zxingcpp.ContentType.GS1
	udi = parse_udi(found[0].bytes.decode())
	assert (udi.di, udi.lot, udi.expiry) == (UNIT_DI, "LOT-60X40", expiry)


def test_all_labels_of_a_receipt_print_at_once_one_page_per_batch():
	from pypdf import PdfReader

	from frappe.utils.pdf import get_pdf

	frappe.db.set_value("Item", "_Test MD Scan Batch", "md_default_di", UNIT_DI)
	expiry = getdate(add_days(today(), 450))
	codes = [gs1(UNIT_DI, lot, expiry) for lot in ("LOT-RCV-1", "LOT-RCV-2")]
	rows = [row_from_scan(code, qty=1, rate=10, warehouse=context().warehouse) for code in codes]
	receipt = make(
		"Purchase Receipt", rows, supplier="_Test MD Scan Party", set_warehouse=context().warehouse
	)
	html = render("Purchase Receipt", receipt.name, "UDI Receipt Labels")
	for lot in ("LOT-RCV-1", "LOT-RCV-2"):
		assert f"(01){UNIT_DI}(17){expiry:%y%m%d}(10){lot}" in text_of(html)
	assert html.count("<svg") == 2
	pdf = get_pdf(f'<html><body><div class="print-format">{html}</div></body></html>')
	pages = PdfReader(io.BytesIO(pdf)).pages
	assert len(pages) == 2 and {round(float(page.mediabox.height)) for page in pages} == {113}


def text_of(html: str) -> str:
	"""The printed text (the human-readable UDI wraps between its element strings: <wbr>, spans)."""
	return re.sub(r"<[^>]+>", "", html)


def render(doctype, name, print_format):
	"""The print format as the print view renders it (frappe.get_print also writes a committed access log)."""
	from frappe.www.printview import get_rendered_template

	return get_rendered_template(
		frappe.get_doc(doctype, name), print_format=frappe.get_doc("Print Format", print_format)
	)


def test_keyboard_wedge_stand_in_from_the_settings():
	code = gs1(UNIT_DI, "LOT-W1", add_days(today(), 300)).replace("10LOT-W1", "10LOT-W1" + GS + "21X")
	wedge = code.replace(GS, "|")
	with pytest.raises(frappe.ValidationError):
		scan(wedge)  # "|" is no separator yet: the lot would swallow the serial and fail
	frappe.db.set_single_value("Medical Device Settings", "scanner_gs_standins", "|")
	assert frappe.db.get_value("Batch", scan(wedge)["batch_no"], "batch_id") == "LOT-W1"


def test_items_coded_in_the_ma_and_ahm_formats_get_their_own_labels():
	"""A device whose default DI is an MA (IDcode) or AHM code prints a label with its own symbol (QR code or
	DataMatrix) and text, on the batch label and on the 60 x 40 mm label stock."""
	from tests.factories import new_batch

	for agency, di, symbol_text in (
		("MA", "MA.156.M0.100001.7MDLBL", "MA.156.M0.100001.7MDLBL"),
		("AHM", "MF7MDLBL0001", "MF7MDLBL0001"),
	):
		item = ensure_item(f"_Test MD Label {agency}")
		ensure_device_identifier(di, item, issuing_agency=agency)
		frappe.db.set_value("Item", item, "md_default_di", di)
		batch = new_batch(item, f"LBL{agency}")
		for print_format in ("UDI Batch Label", "UDI Label 60 x 40 mm"):
			html = render("Batch", batch.name, print_format)
			text = text_of(html)
			assert symbol_text in text.replace("\n", "") or all(
				part in text for part in symbol_text.split(".")
			), (agency, print_format)
			assert batch.batch_id in text and "<svg" in html, (agency, print_format)
			assert "no default GS1, MA or AHM" not in text
