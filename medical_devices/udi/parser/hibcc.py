"""HIBCC (ANSI/HIBC 2.5) Supplier Labeling Standard: primary, secondary and concatenated codes, mod-43 checked."""

import calendar
import datetime
import re

from medical_devices.udi.parser.model import UDI, UDIError, _

MOD43_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%"
MOD43_VALUE = {char: value for value, char in enumerate(MOD43_CHARS)}
PRIMARY = re.compile(r"^([A-Z][A-Z0-9]{3})([A-Z0-9]{1,18})([0-9])$")
SUPPLEMENTAL_DATE = re.compile(r"^(1[46])D(\d{8})$")
# Expiry formats after "$$" (or "$$+"): the flag digit, then the date digits.
DATE_FORMATS = {
	"2": ("MMDDYY", 6),
	"3": ("YYMMDD", 6),
	"4": ("YYMMDDHH", 8),
	"5": ("YYJJJ", 5),
	"6": ("YYJJJHH", 7),
}
LOT_LIMIT = 18


def mod43(data: str) -> str:
	return MOD43_CHARS[sum(MOD43_VALUE[char] for char in data) % 43]


def looks_like_hibcc(code: str) -> bool:
	return code.startswith("+") or code.startswith("*+")


def parse_hibcc(code: str) -> UDI:
	if code.startswith("*") and code.endswith("*") and len(code) > 2:
		code = code[1:-1]  # human-readable form printed between asterisks
	code = code.upper()
	if len(code) < 3:
		raise UDIError(_("The HIBCC code is too short: scan it again."))
	for char in code:
		if char not in MOD43_VALUE:
			raise UDIError(_("The HIBCC code contains “{char}”, which HIBCC does not allow."), char=char)
	body, check = code[:-1], code[-1]
	if mod43(body) != check:
		raise UDIError(
			_("The HIBCC check character is wrong (expected {expected}): the code is misprinted or misread."),
			expected=mod43(body),
		)
	data = body[1:]
	if data.startswith("$") or data[:1].isdigit():
		# A secondary code on its own: its last character links it to the primary code's check character.
		if len(data) < 2:
			raise UDIError(_("The HIBCC secondary code is too short: scan it again."))
		fields = parse_secondary(data[:-1])
		fields["elements"]["link"] = data[-1]
		return UDI(issuer="HIBCC", di=None, **fields)
	primary, _slash, secondary = data.partition("/")
	match = PRIMARY.match(primary)
	if not match:
		raise UDIError(
			_("The HIBCC primary code must be a 4-character labeler code, a product code and a unit digit.")
		)
	lic, pcn, unit = match.groups()
	fields = parse_secondary(secondary) if secondary else {"elements": {}}
	fields["elements"].update({"lic": lic, "pcn": pcn, "unit_of_measure": unit})
	return UDI(issuer="HIBCC", di=primary, **fields)


def parse_secondary(data: str) -> dict:
	"""Lot or serial, expiry, quantity and supplemental data of a secondary code (no flag, link or check)."""
	elements: dict[str, str] = {}
	fields: dict = {"elements": elements}
	if data.startswith("$$+"):
		key, rest = "serial", read_date_and_quantity(data[3:], fields)
	elif data.startswith("$$"):
		key, rest = "lot", read_date_and_quantity(data[2:], fields)
	elif data.startswith("$+"):
		key, rest = "serial", data[2:]
	elif data.startswith("$"):
		key, rest = "lot", data[1:]
	elif re.match(r"^\d{5}", data):
		fields["expiry"] = julian_date(data[:2], data[2:5])  # the legacy format: YYJJJ then the lot
		elements["expiry"] = data[:5]
		key, rest = "lot", data[5:]
	else:
		raise UDIError(
			_("The HIBCC secondary data starts with “{start}”, which is no known format."), start=data[:3]
		)
	value, *supplements = rest.split("/")
	if len(value) > LOT_LIMIT:
		raise UDIError(_("The HIBCC lot or serial number is longer than 18 characters."))
	if value:
		fields[key] = value
		elements[key] = value
	for supplement in supplements:
		read_supplement(supplement, fields)
	return fields


def read_date_and_quantity(data: str, fields: dict) -> str:
	elements = fields["elements"]
	if data[:1] == "8":
		quantity, data = data[1:3], data[3:]
	elif data[:1] == "9":
		quantity, data = data[1:6], data[6:]
	else:
		quantity = None
	if quantity is not None:
		if not quantity.isdigit():
			raise UDIError(_("The HIBCC quantity must be digits."))
		fields["quantity"] = int(quantity)
		elements["quantity"] = quantity
	flag = data[:1]
	if flag in ("0", "1"):
		fields["expiry"] = hibcc_date("MMYY", data[:4])
		elements["expiry"] = data[:4]
		return data[4:]
	if flag == "7":
		return data[1:]
	if flag not in DATE_FORMATS:
		raise UDIError(_("The HIBCC expiry date format “{flag}” is unknown."), flag=flag or "?")
	pattern, length = DATE_FORMATS[flag]
	digits = data[1 : 1 + length]
	fields["expiry"] = hibcc_date(pattern, digits)
	elements["expiry"] = digits
	return data[1 + length :]


def read_supplement(supplement: str, fields: dict):
	elements = fields["elements"]
	if supplement.startswith("S") and "serial" not in fields:
		fields["serial"] = elements["serial"] = supplement[1:]
		return
	match = SUPPLEMENTAL_DATE.match(supplement)
	if not match:
		raise UDIError(_("The HIBCC supplemental data “/{data}” is unknown."), data=supplement[:5])
	kind, digits = match.groups()
	date = hibcc_date("YYYYMMDD", digits)
	if kind == "14":
		fields["expiry"], elements["expiry"] = date, digits
	else:
		fields["production_date"], elements["production_date"] = date, digits


def hibcc_date(pattern: str, digits: str) -> datetime.date:
	if not digits.isdigit() or len(digits) != len(pattern):
		raise UDIError(
			_("The HIBCC date “{digits}” does not match the format {pattern}."),
			digits=digits,
			pattern=pattern,
		)
	try:
		if pattern == "MMYY":
			year, month = 2000 + int(digits[2:]), int(digits[:2])
			return datetime.date(year, month, calendar.monthrange(year, month)[1])
		if pattern == "MMDDYY":
			return datetime.date(2000 + int(digits[4:6]), int(digits[:2]), int(digits[2:4]))
		if pattern in ("YYMMDD", "YYMMDDHH"):
			return datetime.date(2000 + int(digits[:2]), int(digits[2:4]), int(digits[4:6]))
		if pattern in ("YYJJJ", "YYJJJHH"):
			return julian_date(digits[:2], digits[2:5])
		return datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
	except ValueError:
		raise UDIError(_("The HIBCC date “{digits}” is not a real date."), digits=digits) from None


def julian_date(year: str, day: str) -> datetime.date:
	start = datetime.date(2000 + int(year), 1, 1)
	days = int(day)
	if not 1 <= days <= (366 if calendar.isleap(start.year) else 365):
		raise UDIError(_("The HIBCC date “{digits}” is not a real date."), digits=year + day)
	return start + datetime.timedelta(days=days - 1)
