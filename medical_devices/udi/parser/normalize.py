"""Scanner reality: what keyboard-wedge and 2D imagers actually send, brought to one clean form."""

import re

from medical_devices.udi.parser.model import UDIError, _

GS = "\x1d"
# Text that scanners in keyboard-wedge mode send instead of the GS control character, when set up to.
DEFAULT_GS_STANDINS = ("<GS>", "{GS}", "[GS]", "^]")
# GS1 symbology identifiers (ISO/IEC 15424): GS1 DataMatrix, GS1-128, GS1 QR Code, GS1 DataBar.
GS1_SYMBOLOGIES = {"]d2", "]c1", "]q3", "]e0"}
SYMBOLOGY_ID = re.compile(r"^\][A-Za-z][0-9A-Za-z]")


def clean_scan(text: str, gs_standins=DEFAULT_GS_STANDINS) -> tuple[str, str | None]:
	"""Return (code, symbology id lower-cased or None) with line endings, stand-ins and FNC1 sorted out."""
	if not isinstance(text, str):
		raise UDIError(_("The scanned code is not text."))
	code = text.strip("\r\n\t")  # not spaces: a space is a valid HIBCC check character
	for standin in gs_standins:
		if standin:
			code = code.replace(standin, GS)
	symbology = None
	match = SYMBOLOGY_ID.match(code)
	if match:
		symbology = match.group(0).lower()
		code = code[3:]
	code = code.lstrip(GS)  # a leading FNC1 arrives as GS from some GS1-128 scanners
	if not code:
		raise UDIError(_("The scan is empty: scan the code again."))
	if any(ord(char) < 32 and char != GS for char in code):
		raise UDIError(_("The scan contains control characters other than GS: check the scanner settings."))
	return code, symbology
