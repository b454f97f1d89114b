"""Builders of valid UDI codes from their parts, for round-trip and property tests."""

import datetime

from medical_devices.udi.parser.hibcc import mod43
from medical_devices.udi.parser.identifiers import gtin_check_digit

GS = "\x1d"


def gtin14(payload13: str) -> str:
	return payload13 + gtin_check_digit(payload13)


def yymmdd(date: datetime.date) -> str:
	return date.strftime("%y%m%d")


def gs1_element_string(gtin, lot=None, serial=None, expiry=None, production=None, order=None):
	fixed = [("01", gtin)]
	if expiry:
		fixed.append(("17", yymmdd(expiry)))
	if production:
		fixed.append(("11", yymmdd(production)))
	variable = [(ai, value) for ai, value in (("10", lot), ("21", serial)) if value]
	parts = fixed + variable
	if order:
		parts = [parts[i] for i in order(len(parts))]
	text = ""
	for index, (ai, value) in enumerate(parts):
		text += ai + value
		if ai in ("10", "21") and index < len(parts) - 1:
			text += GS
	return text


def gs1_hri(gtin, lot=None, serial=None, expiry=None, production=None):
	text = f"(01){gtin}"
	if expiry:
		text += f"(17){yymmdd(expiry)}"
	if production:
		text += f"(11){yymmdd(production)}"
	if lot:
		text += f"(10){lot}"
	if serial:
		text += f"(21){serial}"
	return text


def hibcc_concatenated(lic, pcn, unit, lot=None, expiry=None, serial=None):
	text = f"+{lic}{pcn}{unit}"
	if lot is not None or expiry or serial:
		secondary = f"$$3{yymmdd(expiry)}{lot or ''}" if expiry else f"${lot or ''}"
		if serial:
			secondary += f"/S{serial}"
		text += "/" + secondary
	return text + mod43(text)


def hibcc_primary_and_secondary(lic, pcn, unit, lot, expiry):
	primary = f"+{lic}{pcn}{unit}"
	primary += mod43(primary)
	secondary = f"+$$3{yymmdd(expiry)}{lot}{primary[-1]}"
	return primary, secondary + mod43(secondary)
