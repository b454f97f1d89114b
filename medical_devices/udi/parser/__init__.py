"""`parse_udi`: one entry point for every UDI a device carries (GS1, HIBCC, MA, AHM). Imports without Frappe."""

from medical_devices.udi.parser.ahm import looks_like_ahm, parse_ahm
from medical_devices.udi.parser.gs1 import looks_like_gs1, parse_gs1
from medical_devices.udi.parser.hibcc import looks_like_hibcc, parse_hibcc
from medical_devices.udi.parser.identifiers import check_di
from medical_devices.udi.parser.ma import looks_like_ma, parse_ma
from medical_devices.udi.parser.model import UDI, UDIError, _
from medical_devices.udi.parser.normalize import DEFAULT_GS_STANDINS, GS1_SYMBOLOGIES, clean_scan

__all__ = ["DEFAULT_GS_STANDINS", "UDI", "UDIError", "check_di", "parse_udi"]


def parse_udi(text: str, *, gs_standins=DEFAULT_GS_STANDINS) -> UDI:
	"""Parse scanner text into a UDI, or raise UDIError with a message a warehouse worker understands.

	`gs_standins`: texts a keyboard-wedge scanner sends instead of the GS separator.
	"""
	code, symbology = clean_scan(text, gs_standins)
	if symbology in GS1_SYMBOLOGIES:
		return parse_gs1(code)
	if looks_like_hibcc(code):
		return parse_hibcc(code)
	if looks_like_ma(code):
		return parse_ma(code)
	if looks_like_ahm(code):
		return parse_ahm(code)
	if looks_like_gs1(code):
		return parse_gs1(code)
	raise UDIError(
		_("This is not a UDI: no GS1, HIBCC, MA or AHM code starts like “{start}”."), start=code[:6]
	)
