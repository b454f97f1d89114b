"""GS1 UDI labels: the element string, its human-readable text, and the symbols as inline SVG at the size they
print: GS1 DataMatrix (FNC1 first, square ECC 200, for small packs) and GS1-128.

Sizes: GS1 healthcare labels (the GS1 General Specifications' symbol specification table for healthcare items not
scanned at retail) ask for an X-dimension (module width) of at least 0.25 mm for GS1-128 and about 1.5 times that
for GS1 DataMatrix; the app prints GS1-128 at 0.25 mm with 10 mm bars and a 10X quiet zone, and DataMatrix at
0.38 mm per module with a one-module quiet zone. tests/unit/test_udi_labels.py reads each symbol back with a
barcode reader (zxing-cpp) and parses it as a UDI.

Items coded by the Chinese issuing agencies get their own labels: an MA (IDcode) code as its dotted text
(`MA.156.M0.<enterprise>.<product>.M<yymmdd>.E<yymmdd>.L<lot>.S<serial>`) in a QR code, as the agency prints it,
and an AHM code (`MF<DI>`, then tagged units separated by GS) in a DataMatrix; both without a linear symbol.

The pure functions need no Frappe; `udi_label` (a Jinja method for print formats) reads the site.
"""

import datetime
import io
import re

import zxingcpp
from barcode.codex import Gs1_128
from barcode.writer import SVGWriter

from medical_devices.udi.parser.normalize import GS

FNC1 = "\xf1"  # python-barcode's FNC1: the separator after a variable-length element that is not last


def gs1_udi_elements(
	di: str,
	lot: str | None = None,
	expiry: datetime.date | None = None,
	production_date: datetime.date | None = None,
	serial: str | None = None,
) -> list[tuple[str, str]]:
	"""The AIs of a UDI in label order: fixed-length ones first, so that only one separator is needed."""
	elements = [("01", di)]
	if production_date:
		elements.append(("11", production_date.strftime("%y%m%d")))
	if expiry:
		elements.append(("17", expiry.strftime("%y%m%d")))
	if lot:
		elements.append(("10", lot))
	if serial:
		elements.append(("21", serial))
	return elements


def element_string(elements: list[tuple[str, str]], separator: str = FNC1) -> str:
	text = ""
	for index, (ai, value) in enumerate(elements):
		text += ai + value
		if ai in ("10", "21") and index < len(elements) - 1:
			text += separator
	return text


def human_readable(elements: list[tuple[str, str]]) -> str:
	return "".join(f"({ai}){value}" for ai, value in elements)


def hri_html(elements: list[tuple[str, str]]):
	"""The human-readable text for a label's box: it wraps between element strings, never inside one."""
	return wrapping_text(f"({ai}){value}" for ai, value in elements)


def gs1_128(elements: list[tuple[str, str]]) -> Gs1_128:
	return Gs1_128(element_string(elements), writer=SVGWriter())


GS1_128_X_MM = 0.25
GS1_128_HEIGHT_MM = 10.0
DATAMATRIX_X_MM = 0.38


def gs1_128_options(module_width: float = GS1_128_X_MM, module_height: float = GS1_128_HEIGHT_MM) -> dict:
	return {
		"write_text": False,  # the human-readable text is printed by the label, inside its box
		"module_width": module_width,
		"module_height": module_height,
		"quiet_zone": 10 * module_width,
	}


def gs1_128_svg(elements: list[tuple[str, str]], module_height: float = GS1_128_HEIGHT_MM) -> str:
	output = io.BytesIO()
	gs1_128(elements).write(output, options=gs1_128_options(module_height=module_height))
	svg = output.getvalue().decode()
	return svg[svg.index("<svg") :]  # inline in HTML: no XML declaration or doctype


def gs1_datamatrix(elements: list[tuple[str, str]]):
	"""A square GS1 DataMatrix (FNC1 in first position) of the UDI."""
	return zxingcpp.create_barcode(
		human_readable(elements), zxingcpp.BarcodeFormat.DataMatrix, gs1=True, force_square=True
	)


def gs1_datamatrix_svg(elements: list[tuple[str, str]], module_mm: float = DATAMATRIX_X_MM) -> str:
	"""The symbol as inline SVG of its printed size: each module `module_mm` wide, one module of quiet zone."""
	return symbol_svg(gs1_datamatrix(elements), module_mm)


MA_QR_X_MM = 0.4
MA_TAGS = ("M", "E", "L", "S")  # production date, expiry, lot, serial
AHM_TAGS = ("MD", "ED", "BA", "SN")


def tagged_code(di, tags, separator, lot=None, expiry=None, production_date=None, serial=None) -> str:
	"""The DI followed by its data units, each behind the issuing agency's tag, in the order of `tags`."""
	values = (
		production_date and production_date.strftime("%y%m%d"),
		expiry and expiry.strftime("%y%m%d"),
		lot,
		serial,
	)
	return separator.join([di, *(tag + value for tag, value in zip(tags, values, strict=True) if value)])


def ma_code(di, lot=None, expiry=None, production_date=None, serial=None, sterilisation_lot=None) -> str:
	"""The MA code; a sterilised batch carries its sterilisation lot (灭菌批号) as the `.D` unit before the serial."""
	code = tagged_code(di, MA_TAGS, ".", lot, expiry, production_date)
	if sterilisation_lot:
		code += ".D" + sterilisation_lot
	return code + (".S" + serial if serial else "")


def ahm_code(di, lot=None, expiry=None, production_date=None, serial=None) -> str:
	return tagged_code(di, AHM_TAGS, GS, lot, expiry, production_date, serial)


def wrapping_text(parts, joiner: str = ""):
	"""Label text that wraps only between its parts (element strings, data units), never inside one."""
	from markupsafe import Markup

	return Markup(joiner + "<wbr>").join(Markup('<span class="md-nowrap">{}</span>').format(p) for p in parts)


def ma_symbol(code: str):
	"""The MA code in a QR code (error correction M), as IDcode labels carry it."""
	return zxingcpp.create_barcode(code, zxingcpp.BarcodeFormat.QRCode, ec_level="M")


def ahm_symbol(code: str):
	"""The AHM code in a square DataMatrix, its units separated by GS."""
	return zxingcpp.create_barcode(code, zxingcpp.BarcodeFormat.DataMatrix, force_square=True)


def symbol_svg(barcode, module_mm: float) -> str:
	"""A zxing-cpp symbol as inline SVG of its printed size: each module `module_mm` wide, with its quiet zone."""
	svg = zxingcpp.write_barcode_to_svg(barcode, scale=1, add_quiet_zones=True)
	svg = svg[svg.index("<svg") :]
	width, height = (int(value) for value in re.search(r'width="(\d+)" height="(\d+)"', svg).groups())
	return svg.replace(
		f'width="{width}" height="{height}"',
		f'width="{width * module_mm:.2f}mm" height="{height * module_mm:.2f}mm" viewBox="0 0 {width} {height}"',
		1,
	)


def ma_label(di, lot=None, expiry=None, production_date=None, serial=None, sterilisation_lot=None) -> dict:
	from markupsafe import Markup

	code = ma_code(di, lot, expiry, production_date, serial, sterilisation_lot)
	units = code.split(".")
	return {
		"hri": code,
		"hri_html": Markup(".<wbr>").join(
			Markup('<span class="md-nowrap">{}</span>').format(u) for u in units
		),
		"svg": "",
		"datamatrix": symbol_svg(ma_symbol(code), MA_QR_X_MM),
	}


def ahm_label(di, lot=None, expiry=None, production_date=None, serial=None) -> dict:
	code = ahm_code(di, lot, expiry, production_date, serial)
	return {
		"hri": code.replace(GS, " "),
		"hri_html": wrapping_text(code.split(GS), " "),
		"svg": "",
		"datamatrix": symbol_svg(ahm_symbol(code), DATAMATRIX_X_MM),
	}


def udi_label(item_code: str, batch: str | None = None, serial: str | None = None) -> dict:
	"""Jinja method for print formats: {"hri", "hri_html", "svg", "datamatrix"} of the item's default DI with this
	batch or serial (GS1, MA or AHM, each in its own symbols), or {"error"} saying why no label can be printed."""
	data = label_data(item_code, batch)
	if data.error:
		return {"error": data.error}
	if data.agency == "MA":
		label = ma_label(data.di, data.lot, data.expiry, data.production, serial, data.sterilisation)
	elif data.agency == "AHM":
		label = ahm_label(data.di, data.lot, data.expiry, data.production, serial)
	else:
		elements = gs1_udi_elements(data.di, data.lot, data.expiry, data.production, serial)
		label = {
			"hri": human_readable(elements),
			"hri_html": hri_html(elements),
			"svg": gs1_128_svg(elements),
			"datamatrix": gs1_datamatrix_svg(elements),
		}
	# printed beside the symbol: GS1 and AHM have no element for it
	return {**label, "sterilisation_batch": data.sterilisation}


def udi_text(item_code: str, batch: str | None = None, serial: str | None = None) -> str | None:
	"""The UDI of the item's default DI with this batch or serial as its label prints it in text, without drawing
	the symbols (for documents and exports); None when the item has no such DI."""
	data = label_data(item_code, batch)
	if data.error:
		return None
	if data.agency == "MA":
		return ma_code(data.di, data.lot, data.expiry, data.production, serial, data.sterilisation)
	if data.agency == "AHM":
		return ahm_code(data.di, data.lot, data.expiry, data.production, serial).replace(GS, " ")
	return human_readable(gs1_udi_elements(data.di, data.lot, data.expiry, data.production, serial))


def label_data(item_code: str, batch: str | None = None):
	"""The item's default DI and its agency, and the batch's lot, dates and sterilisation lot."""
	import frappe
	from frappe import _
	from frappe.utils import getdate

	di = frappe.db.get_value("Item", item_code, "md_default_di")
	agency = di and frappe.db.get_value("UDI Device Identifier", di, "issuing_agency")
	data = frappe._dict(
		di=di, agency=agency, lot=None, expiry=None, production=None, sterilisation=None, error=None
	)
	if agency not in ("GS1", "MA", "AHM"):
		data.error = _("Item {0} has no default GS1, MA or AHM device identifier.").format(item_code)
		return data
	if batch:
		row = frappe.db.get_value(
			"Batch",
			batch,
			["batch_id", "expiry_date", "manufacturing_date", "md_sterilisation_batch"],
			as_dict=True,
		)
		data.lot, data.sterilisation = row.batch_id, row.md_sterilisation_batch
		data.expiry = getdate(row.expiry_date) if row.expiry_date else None
		data.production = getdate(row.manufacturing_date) if row.manufacturing_date else None
	return data
