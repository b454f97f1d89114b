"""AHM codes issued by Alibaba Health: `MF<DI>` then tagged data units separated by GS.

Experimental: the issuing agency's public specification is thin; this follows the published examples
(tags BA batch, SN serial, MD manufacturing date, ED expiry, BD best-before, PL package specification).
"""

import datetime
import re

from medical_devices.udi.parser.model import UDI, UDIError, _, yymmdd_or_yyyymmdd
from medical_devices.udi.parser.normalize import GS

DI = re.compile(r"^MF[0-9A-Z]{1,13}$")
TAGS = {
	"BA": "lot",
	"SN": "serial",
	"MD": "production_date",
	"ED": "expiry",
	"BD": "best_before",
	"PL": "package",
}
DATE_TAGS = {"production_date", "expiry", "best_before"}


def looks_like_ahm(code: str) -> bool:
	return code.startswith("MF")


def parse_ahm(code: str) -> UDI:
	first, *units = code.split(GS)
	if not DI.match(first):
		raise UDIError(_("An AHM code starts with MF and at most 13 letters or digits."))
	elements: dict[str, str] = {}
	dates: dict[str, datetime.date] = {}
	for unit in units:
		name = TAGS.get(unit[:2])
		if not name or len(unit) < 3:
			raise UDIError(_("The AHM data unit “{unit}” is unknown."), unit=unit[:6])
		if name in elements:
			raise UDIError(_("The AHM data unit “{unit}” appears twice."), unit=unit[:2])
		elements[name] = unit[2:]
		if name in DATE_TAGS:
			dates[name] = ahm_date(unit[2:])
	return UDI(
		issuer="AHM",
		di=first,
		lot=elements.get("lot"),
		serial=elements.get("serial"),
		expiry=dates.get("expiry") or dates.get("best_before"),
		production_date=dates.get("production_date"),
		elements=elements,
	)


def ahm_date(value: str) -> datetime.date:
	if date := yymmdd_or_yyyymmdd(value):
		return date
	raise UDIError(_("The date “{value}” in the AHM code is not a date (YYMMDD or YYYYMMDD)."), value=value)
