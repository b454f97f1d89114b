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


def read_symbols(image):
	import zxingcpp

	return zxingcpp.read_barcodes(
		image, formats=zxingcpp.BarcodeFormat.DataMatrix | zxingcpp.BarcodeFormat.Code128
	)


def test_the_datamatrix_reads_back_as_a_gs1_udi_with_fnc1_separators():
	import zxingcpp

	from medical_devices.udi.labels import gs1_datamatrix

	for lot, serial in (("B77", "X9"), ("L1234567", None), ("AB-12/3", "SN-000001")):
		elements = gs1_udi_elements("06901234567892", lot, D(2028, 6, 30), D(2026, 1, 15), serial)
		symbol = gs1_datamatrix(elements)
		(found,) = read_symbols(zxingcpp.write_barcode_to_image(symbol, scale=4))
		assert (
			found.format == zxingcpp.BarcodeFormat.DataMatrix
			and found.content_type == zxingcpp.ContentType.GS1
		)
		assert found.symbology_identifier.startswith("]d")
		udi = parse_udi(found.bytes.decode())  # the scanner's text: FNC1 separators arrive as GS
		assert (udi.di, udi.lot, udi.serial, udi.expiry, udi.production_date) == (
			"06901234567892",
			lot,
			serial,
			D(2028, 6, 30),
			D(2026, 1, 15),
		)
		shape = memoryview(zxingcpp.write_barcode_to_image(symbol, scale=1)).shape
		assert shape[0] == shape[1]  # square ECC 200, as GS1 healthcare prefers


def test_the_gs1_128_as_printed_reads_back_as_the_udi():
	import io

	import zxingcpp
	from barcode.writer import ImageWriter
	from PIL import Image

	from medical_devices.udi.labels import gs1_128_options

	elements = gs1_udi_elements("06901234567892", "L1234567", D(2028, 6, 30), serial="X9")
	png = io.BytesIO()
	symbol = gs1_128(elements)
	symbol.writer = ImageWriter()
	symbol.write(png, options={**gs1_128_options(), "dpi": 300})
	(found,) = read_symbols(Image.open(io.BytesIO(png.getvalue())))
	assert found.format == zxingcpp.BarcodeFormat.Code128 and found.symbology_identifier == "]C1"
	udi = parse_udi(found.bytes.decode())
	assert (udi.di, udi.lot, udi.serial, udi.expiry) == ("06901234567892", "L1234567", "X9", D(2028, 6, 30))


def test_symbols_print_at_gs1_healthcare_sizes_not_shrunk_to_fit():
	import re

	from medical_devices.udi.labels import DATAMATRIX_X_MM, GS1_128_X_MM, gs1_datamatrix_svg

	elements = gs1_udi_elements("06901234567892", "B77", D(2028, 6, 30))
	svg = gs1_datamatrix_svg(elements)
	width, height, modules = re.search(
		r'width="([\d.]+)mm" height="([\d.]+)mm" viewBox="0 0 (\d+) ', svg
	).groups()
	assert float(width) == float(height) == round(int(modules) * DATAMATRIX_X_MM, 2)
	assert DATAMATRIX_X_MM >= 1.5 * 0.25 and GS1_128_X_MM >= 0.25
	linear = gs1_128_svg(elements)
	assert 'height="' in linear and "mm" in re.search(r"<svg[^>]*>", linear).group(0)


def test_ma_and_ahm_labels_read_back_as_their_own_udi():
	"""Items coded by the Chinese issuing agencies: the MA code in a QR code, the AHM code in a DataMatrix, each
	read back by a barcode reader and parsed to the same DI, lot, serial and dates."""
	import zxingcpp

	from medical_devices.udi.labels import ahm_code, ahm_label, ahm_symbol, ma_code, ma_label, ma_symbol

	cases = (
		("MA", "MA.156.M0.100001.1A2B3", ma_code, ma_symbol, ma_label, zxingcpp.BarcodeFormat.QRCode),
		("AHM", "MF12345678AB", ahm_code, ahm_symbol, ahm_label, zxingcpp.BarcodeFormat.DataMatrix),
	)
	for issuer, di, code_of, symbol_of, label_of, symbology in cases:
		for lot, serial in (("LOT7", None), ("L2026A", "SN0001")):
			code = code_of(di, lot, D(2028, 7, 23), D(2026, 1, 5), serial)
			(found,) = zxingcpp.read_barcodes(zxingcpp.write_barcode_to_image(symbol_of(code), scale=4))
			assert found.format == symbology
			udi = parse_udi(found.text)
			assert (udi.issuer, udi.di, udi.lot, udi.serial, udi.expiry, udi.production_date) == (
				issuer,
				di,
				lot,
				serial,
				D(2028, 7, 23),
				D(2026, 1, 5),
			)
			label = label_of(di, lot, D(2028, 7, 23), D(2026, 1, 5), serial)
			assert label["svg"] == "" and 'mm" height="' in label["datamatrix"]
			assert lot in label["hri"] and "md-nowrap" in label["hri_html"]


def test_the_ma_code_carries_the_sterilisation_batch_before_the_serial():
	from medical_devices.udi.labels import ma_code
	from medical_devices.udi.parser import parse_udi

	code = ma_code("MA.156.M0.100761.21234561", lot="2601A", serial="0001", sterilisation_lot="EO2601")
	assert code == "MA.156.M0.100761.21234561.L2601A.DEO2601.S0001"
	udi = parse_udi(code)
	assert (udi.lot, udi.serial, udi.elements["sterilisation_lot"]) == ("2601A", "0001", "EO2601")
	assert ma_code("MA.156.M0.100761.21234561", lot="2601A") == "MA.156.M0.100761.21234561.L2601A"
