"""GS1 UDI labels: the element string, its human-readable text and a GS1-128 symbol as inline SVG.

The pure functions need no Frappe; `udi_label` (a Jinja method for print formats) reads the site.
"""

import datetime
import io

from barcode.codex import Gs1_128
from barcode.writer import SVGWriter

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


def gs1_128(elements: list[tuple[str, str]]) -> Gs1_128:
	return Gs1_128(element_string(elements), writer=SVGWriter())


def gs1_128_svg(elements: list[tuple[str, str]], module_height: float = 12.0) -> str:
	output = io.BytesIO()
	gs1_128(elements).write(
		output, options={"write_text": False, "module_height": module_height, "quiet_zone": 4}
	)
	svg = output.getvalue().decode()
	return svg[svg.index("<svg") :]  # inline in HTML: no XML declaration or doctype


def udi_label(item_code: str, batch: str | None = None, serial: str | None = None) -> dict:
	"""Jinja method for print formats: {"hri", "svg"} of the item's default GS1 DI with this batch or serial,
	or {"error"} saying why no label can be printed."""
	import frappe
	from frappe import _
	from frappe.utils import getdate

	di = frappe.db.get_value("Item", item_code, "md_default_di")
	if not di or frappe.db.get_value("UDI Device Identifier", di, "issuing_agency") != "GS1":
		return {"error": _("Item {0} has no default GS1 device identifier.").format(item_code)}
	lot = expiry = production = None
	if batch:
		row = frappe.db.get_value(
			"Batch", batch, ["batch_id", "expiry_date", "manufacturing_date"], as_dict=True
		)
		lot = row.batch_id
		expiry = getdate(row.expiry_date) if row.expiry_date else None
		production = getdate(row.manufacturing_date) if row.manufacturing_date else None
	elements = gs1_udi_elements(di, lot, expiry, production, serial)
	return {"hri": human_readable(elements), "svg": gs1_128_svg(elements)}
