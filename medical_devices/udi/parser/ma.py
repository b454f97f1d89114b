"""MA (IDcode) codes issued by ZIIOT: `MA.156.M0.<enterprise>.<product>` followed by dotted data units."""

import datetime
import re

from medical_devices.udi.parser.model import UDI, UDIError, _, yymmdd_or_yyyymmdd

DI_PARTS = 5
SEGMENT = re.compile(r"^[0-9A-Za-z]+$")
# Data unit tag -> element name. `.E` is the expiry (失效期); `.V` (有效期) serves when `.E` is absent.
DATA_UNITS = {
	"S": "serial",
	"L": "lot",
	"M": "production_date",
	"P": "production_date",  # older codes
	"E": "expiry",
	"V": "valid_until",
	"D": "sterilisation_lot",
	"C": "check",
}
DATE_UNITS = {"production_date", "expiry", "valid_until"}


def looks_like_ma(code: str) -> bool:
	return code[:3].upper() == "MA."


def parse_ma(code: str) -> UDI:
	parts = code.split(".")
	if len(parts) < DI_PARTS or not all(SEGMENT.match(part) for part in parts[1:DI_PARTS]):
		raise UDIError(
			_("An MA code starts with MA, the country, the industry, the enterprise and the product code.")
		)
	parts[0] = "MA"
	di = ".".join(parts[:DI_PARTS])
	elements: dict[str, str] = {}
	dates: dict[str, datetime.date] = {}
	for unit in parts[DI_PARTS:]:
		if not unit:
			raise UDIError(_("The MA code has an empty data unit (two dots in a row)."))
		name = DATA_UNITS.get(unit[0].upper())
		if not name:
			raise UDIError(_("The MA data unit “.{unit}” is unknown."), unit=unit[:4])
		if name in elements:
			raise UDIError(_("The MA data unit “.{tag}” appears twice."), tag=unit[0])
		value = unit[1:]
		if not value:
			raise UDIError(_("The MA data unit “.{tag}” has no value."), tag=unit[0])
		elements[name] = value
		if name in DATE_UNITS:
			dates[name] = ma_date(value)
	return UDI(
		issuer="MA",
		di=di,
		lot=elements.get("lot"),
		serial=elements.get("serial"),
		expiry=dates.get("expiry") or dates.get("valid_until"),
		production_date=dates.get("production_date"),
		elements=elements,
	)


def ma_date(value: str) -> datetime.date:
	if date := yymmdd_or_yyyymmdd(value):
		return date
	raise UDIError(_("The date “{value}” in the MA code is not a date (YYMMDD or YYYYMMDD)."), value=value)
