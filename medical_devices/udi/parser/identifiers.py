"""Is a device identifier (the DI alone, without production data) well formed for its issuing agency?"""

import re

from medical_devices.udi.parser.hibcc import PRIMARY
from medical_devices.udi.parser.model import UDIError, _

MA_DI = re.compile(r"^MA\.\d{3}\.[0-9A-Z]+\.[0-9A-Za-z]+\.[0-9A-Za-z]+$")
AHM_DI = re.compile(r"^MF[0-9A-Z]{1,13}$")


def gtin_check_digit(payload: str) -> str:
	total = sum(
		int(digit) * (3 if position % 2 == 0 else 1) for position, digit in enumerate(reversed(payload))
	)
	return str((10 - total % 10) % 10)


def check_di(di: str, issuer: str) -> str:
	"""Return the DI in its canonical form, or raise UDIError saying what is wrong with it."""
	di = (di or "").strip()
	if issuer == "GS1":
		if not (di.isdigit() and len(di) in (8, 12, 13, 14)):
			raise UDIError(_("A GS1 DI is a GTIN of 8, 12, 13 or 14 digits."))
		di = di.zfill(14)
		if gtin_check_digit(di[:-1]) != di[-1]:
			raise UDIError(
				_(
					"The GTIN {gtin} has a wrong check digit: the code is misprinted or misread, scan it again."
				),
				gtin=di,
			)
		return di
	if issuer == "HIBCC":
		if not PRIMARY.match(di.upper()):
			raise UDIError(
				_(
					"The HIBCC primary code must be a 4-character labeler code, a product code and a unit digit."
				)
			)
		return di.upper()
	if issuer == "MA":
		if not MA_DI.match(di):
			raise UDIError(
				_(
					"An MA code starts with MA, the country, the industry, the enterprise and the product code."
				)
			)
		return di
	if issuer == "AHM":
		if not AHM_DI.match(di):
			raise UDIError(_("An AHM code starts with MF and at most 13 letters or digits."))
		return di
	raise UDIError(_("Unknown issuing agency {issuer}: use GS1, MA, AHM or HIBCC."), issuer=issuer)
