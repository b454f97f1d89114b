import datetime
import re
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from medical_devices.udi import UDI, UDIError, parse_udi
from tests.unit.udi_codes import (
	GS,
	gs1_element_string,
	gs1_hri,
	gtin14,
	hibcc_concatenated,
	hibcc_primary_and_secondary,
	yymmdd,
)

D = datetime.date


# The public examples of the issue.
def test_public_gs1_example():
	udi = parse_udi("(01)06901234567892(17)280630(10)B77(21)X9")
	assert (udi.issuer, udi.di, udi.lot, udi.serial, udi.expiry) == (
		"GS1",
		"06901234567892",
		"B77",
		"X9",
		D(2028, 6, 30),
	)


def test_public_hibcc_example():
	udi = parse_udi("+A123BJC5D6E71G")
	assert (udi.issuer, udi.di) == ("HIBCC", "A123BJC5D6E71")
	assert udi.elements == {"lic": "A123", "pcn": "BJC5D6E7", "unit_of_measure": "1"}


def test_public_wrong_gtin_check_digit():
	with pytest.raises(UDIError, match="check digit"):
		parse_udi("0106901234567893")


def test_parser_imports_without_frappe():
	code = (
		"import sys, medical_devices.udi as u; u.parse_udi('+A123BJC5D6E71G'); print('frappe' in sys.modules)"
	)
	result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
	assert result.stdout.strip() == "False"


# GS1
RAW = "0106901234567892172806301" + "0B77" + GS + "21X9"


@pytest.mark.parametrize(
	"scan",
	[
		RAW,
		"]d2" + RAW,
		"]D2" + RAW,
		"]C1" + RAW,
		"]c1" + RAW,
		"]Q3" + RAW,
		"]q3" + RAW,
		"]e0" + RAW,
		GS + RAW,
		RAW + "\r\n",
		RAW + "\n",
		RAW.replace(GS, "<GS>"),
		"(01) 06901234567892 (17) 280630 (10) B77 (21) X9",
		"https://id.gs1.org/01/06901234567892/10/B77/21/X9?17=280630",
	],
)
def test_gs1_forms_scanners_send(scan):
	udi = parse_udi(scan)
	assert (udi.issuer, udi.di, udi.lot, udi.serial, udi.expiry) == (
		"GS1",
		"06901234567892",
		"B77",
		"X9",
		D(2028, 6, 30),
	)


def test_gs1_custom_keyboard_wedge_separator():
	udi = parse_udi(RAW.replace(GS, "~"), gs_standins=("~",))
	assert (udi.lot, udi.serial) == ("B77", "X9")


def test_gs1_day_00_is_the_last_day_of_the_month():
	assert parse_udi("(01)06901234567892(17)280600").expiry == D(2028, 6, 30)
	assert parse_udi("(01)06901234567892(17)280200").expiry == D(2028, 2, 29)
	assert parse_udi("(01)06901234567892(11)270200").production_date == D(2027, 2, 28)


def test_gs1_quantity_and_all_elements_are_kept():
	udi = parse_udi("(01)06901234567892(30)12(10)L1")
	assert udi.quantity == 12
	assert udi.elements == {"01": "06901234567892", "30": "12", "10": "L1"}


@pytest.mark.parametrize(
	("scan", "message"),
	[
		("(01)06901234567892(17)281301", r"\(17\)"),
		("01069012345678921728133110X", r"\(17\)"),
		("0106901234567892" + "2312", "“2312”"),
		("(01)0690123456789", r"\(01\)"),
		("(10)B77", "no device identifier"),
		("01069012345678921", "cut short"),
		("https://example.com/foo", "Digital Link"),
		("https://id.gs1.org/01/06901234567893", "check digit"),
		("6901234567892", "application identifier"),
	],
)
def test_gs1_errors_name_the_problem(scan, message):
	with pytest.raises(UDIError, match=message):
		parse_udi(scan)


# HIBCC
def test_hibcc_concatenated_with_lot_expiry_and_serial():
	udi = parse_udi(
		hibcc_concatenated("A123", "BJC5D6E7", "1", lot="L77", expiry=D(2028, 6, 30), serial="SN5")
	)
	assert (udi.di, udi.lot, udi.expiry, udi.serial) == ("A123BJC5D6E71", "L77", D(2028, 6, 30), "SN5")


def test_hibcc_secondary_alone_carries_its_link_character():
	primary, secondary = hibcc_primary_and_secondary("A123", "BJC5D6E7", "1", "L77", D(2028, 6, 30))
	udi = parse_udi(secondary)
	assert (udi.di, udi.lot, udi.expiry) == (None, "L77", D(2028, 6, 30))
	assert udi.elements["link"] == primary[-1]


@pytest.mark.parametrize(
	("secondary", "expected"),
	[
		("$$0628L1", {"lot": "L1", "expiry": D(2028, 6, 30)}),  # MMYY
		("$$2063028L1", {"lot": "L1", "expiry": D(2028, 6, 30)}),  # MMDDYY
		("$$3280630L1", {"lot": "L1", "expiry": D(2028, 6, 30)}),  # YYMMDD
		("$$428063012L1", {"lot": "L1", "expiry": D(2028, 6, 30)}),  # YYMMDDHH
		("$$528182L1", {"lot": "L1", "expiry": D(2028, 6, 30)}),  # YYJJJ
		("$$62818212L1", {"lot": "L1", "expiry": D(2028, 6, 30)}),  # YYJJJHH
		("$$7L1", {"lot": "L1", "expiry": None}),  # no date
		("$L1", {"lot": "L1"}),
		("$+SER9", {"serial": "SER9"}),
		("$$+3280630SER9", {"serial": "SER9", "expiry": D(2028, 6, 30)}),
		("$$812" + "3280630L1", {"lot": "L1", "quantity": 12}),
		("$$900500" + "3280630L1", {"lot": "L1", "quantity": 500}),
		("$L1/S99", {"lot": "L1", "serial": "99"}),
		("$L1/16D20260115/14D20280630", {"production_date": D(2026, 1, 15), "expiry": D(2028, 6, 30)}),
		("28182L1", {"lot": "L1", "expiry": D(2028, 6, 30)}),  # legacy YYJJJ + lot
	],
)
def test_hibcc_secondary_formats(secondary, expected):
	from medical_devices.udi.parser.hibcc import mod43

	code = "+A123BJC5D6E71/" + secondary
	udi = parse_udi(code + mod43(code))
	for key, value in expected.items():
		assert getattr(udi, key) == value, key


@pytest.mark.parametrize(
	("scan", "message"),
	[
		("+A123BJC5D6E71H", "check character"),
		("+A123BJC5D6E71g", None),  # lower case is upper-cased, then checked: valid
		("*+A123BJC5D6E71G*", None),
		("+A123BJC5D6E71_", "does not allow"),
		("+A1234", "labeler"),
		("+1234BJC5D6E71", "no known format"),
	],
)
def test_hibcc_checks(scan, message):
	if message is None:
		assert parse_udi(scan).di == "A123BJC5D6E71"
		return
	from medical_devices.udi.parser.hibcc import mod43

	if message in ("labeler", "no known format"):
		scan += mod43(scan)
	with pytest.raises(UDIError, match=message):
		parse_udi(scan)


def test_hibcc_impossible_date_is_an_error():
	from medical_devices.udi.parser.hibcc import mod43

	code = "+A123BJC5D6E71/$$3281340L1"
	with pytest.raises(UDIError, match="not a real date"):
		parse_udi(code + mod43(code))


# MA and AHM
MA_EXAMPLE = "MA.156.M0.100761.21234561.Sx00008.M220117.L20220117.D20220118.E220130.V220117.C3"


def test_ma_full_example():
	udi = parse_udi(MA_EXAMPLE)
	assert (udi.issuer, udi.di, udi.serial, udi.lot) == (
		"MA",
		"MA.156.M0.100761.21234561",
		"x00008",
		"20220117",
	)
	assert (udi.production_date, udi.expiry) == (D(2022, 1, 17), D(2022, 1, 30))
	assert udi.elements["sterilisation_lot"] == "20220118"
	assert udi.elements["check"] == "3"


def test_ma_eight_digit_dates_and_valid_until_as_expiry():
	udi = parse_udi("ma.156.M0.100761.21234561.L7.P20250101.V20270101")
	assert (udi.di, udi.production_date, udi.expiry) == (
		"MA.156.M0.100761.21234561",
		D(2025, 1, 1),
		D(2027, 1, 1),
	)


@pytest.mark.parametrize(
	("scan", "message"),
	[
		("MA.156.M0.100761", "starts with MA"),
		("MA.156.M0.100761.2123.X1", "unknown"),
		("MA.156.M0.100761.2123.L1.L2", "twice"),
		("MA.156.M0.100761.2123.E221399", "not a date"),
		("MA.156.M0.100761.2123..L1", "empty"),
	],
)
def test_ma_errors(scan, message):
	with pytest.raises(UDIError, match=message):
		parse_udi(scan)


def test_ahm_experimental_form():
	udi = parse_udi(f"MF12345678{GS}BA2024A{GS}SN0001{GS}MD240101{GS}ED20260101")
	assert (udi.issuer, udi.di, udi.lot, udi.serial) == ("AHM", "MF12345678", "2024A", "0001")
	assert (udi.production_date, udi.expiry) == (D(2024, 1, 1), D(2026, 1, 1))
	with pytest.raises(UDIError, match="unknown"):
		parse_udi(f"MF12345678{GS}ZZ1")


# Scanner reality and messages
@pytest.mark.parametrize("scan", ["", "\r\n", "   ", "]d2", "hello world", "01\x07", None, 42])
def test_junk_is_a_udi_error(scan):
	with pytest.raises(UDIError):
		parse_udi(scan)


def test_error_message_translates_with_its_parameters():
	with pytest.raises(UDIError) as caught:
		parse_udi("0106901234567893")
	zh = {caught.value.template: "GTIN {gtin} 的校验位错误"}
	assert caught.value.translated(lambda text: zh.get(text, text)) == "GTIN 06901234567893 的校验位错误"
	assert caught.value.params == {"gtin": "06901234567893"}


# Properties
NEAR_MISSES = st.sampled_from(
	["", "01", "(01)", "]d2", "]C1", "+", "*+", "MA.", "MF", "https://id.gs1.org/01/", "10", GS]
)
SCAN_TEXT = st.text(
	alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs", "Cc")), max_size=60
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=NEAR_MISSES, rest=SCAN_TEXT)
@example(prefix="+", rest="$$9")
@example(prefix="+", rest="$$+")
@example(prefix="01", rest="06901234567892" + "17")
def test_any_text_gives_a_udi_or_a_udi_error(prefix, rest):
	try:
		udi = parse_udi(prefix + rest)
	except UDIError as error:
		assert str(error)
	else:
		assert isinstance(udi, UDI) and udi.issuer in ("GS1", "HIBCC", "MA", "AHM")


LOTS = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-", min_size=1, max_size=20)
DATES = st.dates(min_value=D(2001, 1, 1), max_value=D(2049, 12, 31))
GTIN_PAYLOADS = st.text(alphabet="0123456789", min_size=13, max_size=13)


@settings(max_examples=300, deadline=None)
@given(
	payload=GTIN_PAYLOADS,
	lot=st.none() | LOTS,
	serial=st.none() | LOTS,
	expiry=st.none() | DATES,
	production=st.none() | DATES,
	reverse=st.booleans(),
)
def test_gs1_round_trip(payload, lot, serial, expiry, production, reverse):
	gtin = gtin14(payload)
	order = (lambda n: list(reversed(range(n)))) if reverse else None
	for code in (
		gs1_element_string(gtin, lot, serial, expiry, production, order),
		gs1_hri(gtin, lot, serial, expiry, production),
	):
		udi = parse_udi(code)
		assert (udi.di, udi.lot, udi.serial, udi.expiry, udi.production_date) == (
			gtin,
			lot,
			serial,
			expiry,
			production,
		)


HIBCC_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


@settings(max_examples=300, deadline=None)
@given(
	lic=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=1).flatmap(
		lambda first: st.text(alphabet=HIBCC_ALNUM, min_size=3, max_size=3).map(lambda rest: first + rest)
	),
	pcn=st.text(alphabet=HIBCC_ALNUM, min_size=1, max_size=18),
	unit=st.sampled_from("0123456789"),
	lot=st.text(alphabet=HIBCC_ALNUM, min_size=1, max_size=18),
	expiry=st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31)),
	serial=st.none() | st.text(alphabet=HIBCC_ALNUM, min_size=1, max_size=18),
)
def test_hibcc_round_trip(lic, pcn, unit, lot, expiry, serial):
	udi = parse_udi(hibcc_concatenated(lic, pcn, unit, lot=lot, expiry=expiry, serial=serial))
	assert (udi.di, udi.lot, udi.expiry, udi.serial) == (lic + pcn + unit, lot, expiry, serial)
	primary, secondary = hibcc_primary_and_secondary(lic, pcn, unit, lot, expiry)
	assert parse_udi(primary).di == lic + pcn + unit
	assert parse_udi(secondary).elements["link"] == primary[-1]


@settings(max_examples=200, deadline=None)
@given(
	enterprise=st.text(alphabet="0123456789", min_size=4, max_size=8),
	product=st.text(alphabet=HIBCC_ALNUM, min_size=4, max_size=12),
	lot=st.text(alphabet=HIBCC_ALNUM, min_size=1, max_size=20),
	serial=st.text(alphabet=HIBCC_ALNUM, min_size=1, max_size=20),
	production=DATES,
	expiry=DATES,
)
def test_ma_round_trip(enterprise, product, lot, serial, production, expiry):
	code = f"MA.156.M0.{enterprise}.{product}.S{serial}.L{lot}.M{yymmdd(production)}.E{expiry:%Y%m%d}"
	udi = parse_udi(code)
	assert (udi.di, udi.lot, udi.serial, udi.production_date, udi.expiry) == (
		f"MA.156.M0.{enterprise}.{product}",
		lot,
		serial,
		production,
		expiry,
	)


def test_messages_use_named_placeholders_only():
	from tests.messages import APP, python_messages

	for path in (APP / "udi" / "parser").glob("*.py"):
		for message in python_messages(path):
			assert not re.search(r"\{\d*\}", message), message
