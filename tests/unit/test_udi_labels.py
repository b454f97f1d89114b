import datetime

from barcode.charsets import code128

from medical_devices.udi import parse_udi
from medical_devices.udi.labels import gs1_128, gs1_128_svg, gs1_udi_elements, human_readable

D = datetime.date
START = {103: "A", 104: "B", 105: "C"}


def decode_code128(bits: str) -> tuple[str, bool]:
	"""Read the modules python-barcode drew back into text (FNC1 as GS); also whether the checksum holds."""
	assert bits.endswith(code128.STOP + "11")
	bits = bits[: -len(code128.STOP) - 2]
	values = [code128.CODES.index(bits[i : i + 11]) for i in range(0, len(bits), 11)]
	*data, checksum = values
	valid = (data[0] + sum(i * v for i, v in enumerate(data[1:], start=1))) % 103 == checksum
	charset, text = START[data[0]], ""
	for value in data[1:]:
		if value == 102:
			text += "\x1d"
		elif charset == "C" and value < 100:
			text += f"{value:02d}"
		elif value in (99, 100, 101) and not (charset == "B" and value < 96):
			charset = {99: "C", 100: "B", 101: "A"}[value]
		elif charset == "B":
			text += chr(value + 32)
		else:
			text += chr(value + 32) if value < 64 else chr(value - 64)
	return text, valid


def test_label_elements_and_human_readable_text():
	elements = gs1_udi_elements("06901234567892", "B77", D(2028, 6, 30), D(2026, 1, 15), "X9")
	assert human_readable(elements) == "(01)06901234567892(11)260115(17)280630(10)B77(21)X9"


def test_gs1_128_symbol_carries_the_udi_with_fnc1_separators():
	for lot in ("B77", "L1234567", "7", "AB-12/3"):
		elements = gs1_udi_elements("06901234567892", lot, D(2028, 6, 30), serial="X9")
		text, checksum_ok = decode_code128(gs1_128(elements).build()[0])
		assert checksum_ok
		assert text.startswith("\x1d")  # FNC1 in first position: GS1-128, not plain Code 128
		udi = parse_udi(text)
		assert (udi.di, udi.lot, udi.serial, udi.expiry) == ("06901234567892", lot, "X9", D(2028, 6, 30))


def test_svg_is_inline_markup_with_bars():
	svg = gs1_128_svg(gs1_udi_elements("06901234567892", "B77", D(2028, 6, 30)))
	assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
	assert svg.count("<rect") > 30
