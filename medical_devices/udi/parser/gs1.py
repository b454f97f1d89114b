"""GS1 element strings, their human-readable form and GS1 Digital Link URIs, read by biip."""

import re

from biip import ParseConfig, ParseError
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from biip.gs1_messages import GS1Message

from medical_devices.udi.parser.model import UDI, UDIError, _
from medical_devices.udi.parser.normalize import GS

CONFIG = ParseConfig(separator_chars=(GS,))
UNKNOWN_AI = re.compile(r"Application Identifier from '(\d{0,4})")
FAILED_AI = re.compile(r"GS1 AI \((\d{2,4})\)")
QUANTITY_AIS = ("30", "37")


def looks_like_gs1(code: str) -> bool:
	return code[0].isdigit() or code[0] == "(" or code.lower().startswith(("http://", "https://"))


def parse_gs1(code: str) -> UDI:
	message = read_message(code)
	elements: dict[str, str] = {}
	dates = {}
	for element in message.element_strings:
		ai = element.ai.ai
		if ai in elements:
			raise UDIError(_("GS1 element ({ai}) appears twice in the code."), ai=ai)
		elements[ai] = element.value
		if element.gtin_error:
			raise UDIError(
				_(
					"The GTIN {gtin} has a wrong check digit: the code is misprinted or misread, scan it again."
				),
				gtin=element.value,
			)
		if element.date:
			dates[ai] = element.date
	if "01" not in elements:
		raise UDIError(_("This GS1 code has no device identifier (GTIN, AI 01), so it is not a UDI."))
	quantity = next((int(elements[ai]) for ai in QUANTITY_AIS if ai in elements), None)
	return UDI(
		issuer="GS1",
		di=elements["01"],
		lot=elements.get("10"),
		serial=elements.get("21"),
		expiry=dates.get("17"),
		production_date=dates.get("11"),
		elements=elements,
		quantity=quantity,
	)


def read_message(code: str) -> GS1Message:
	if code.lower().startswith(("http://", "https://")):
		try:
			return GS1DigitalLinkURI.parse(code, config=CONFIG).as_gs1_message()
		except ParseError:
			raise UDIError(_("This web address is not a valid GS1 Digital Link.")) from None
	try:
		if code.startswith("("):
			return GS1Message.parse_hri(code, config=CONFIG)
		return GS1Message.parse(code, config=CONFIG)
	except ParseError as error:
		raise explain(str(error)) from None


def explain(biip_message: str) -> UDIError:
	"""biip's English message turned into one that names the element and can be translated."""
	if match := UNKNOWN_AI.search(biip_message):
		start = match.group(1)
		if len(start) < 2:  # an AI has at least two digits: the code ends early
			return UDIError(_("The GS1 code is cut short: scan it again."))
		return UDIError(
			_("Unknown GS1 application identifier at “{start}”: the code is damaged or not a GS1 code."),
			start=start,
		)
	if match := FAILED_AI.search(biip_message):
		return UDIError(
			_("GS1 element ({ai}) is malformed: wrong length, characters or date."), ai=match.group(1)
		)
	return UDIError(_("This GS1 code cannot be read: {detail}"), detail=biip_message)
