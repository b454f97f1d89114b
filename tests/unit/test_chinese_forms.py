import datetime

import pytest

from medical_devices.chinese_forms import amount_in_capitals, formal_date


@pytest.mark.parametrize(
	"amount,text",
	[
		(960, "人民币玖佰陆拾元整"),
		(0, "人民币零元整"),
		(10, "人民币壹拾元整"),
		(1680.32, "人民币壹仟陆佰捌拾元叁角贰分"),
		(1409.50, "人民币壹仟肆佰零玖元伍角整"),
		(6007.14, "人民币陆仟零柒元壹角肆分"),
		(325.04, "人民币叁佰贰拾伍元零肆分"),
		(107000.53, "人民币壹拾万柒仟元伍角叁分"),
		(100000007, "人民币壹亿零柒元整"),
		(10010, "人民币壹万零壹拾元整"),
		(1090, "人民币壹仟零玖拾元整"),
		(0.05, "人民币伍分"),
		(0.5, "人民币伍角整"),
		(-25.1, "人民币负贰拾伍元壹角整"),
		("1999.995", "人民币贰仟元整"),  # rounded half up to the fen
		(120000000000, "人民币壹仟贰佰亿元整"),
	],
)
def test_amounts_in_chinese_capitals(amount, text):
	assert amount_in_capitals(amount) == text


def test_other_currencies_have_no_renminbi_prefix():
	assert amount_in_capitals(960, "USD") == "玖佰陆拾元整"


def test_a_formal_date_reads_year_month_day():
	assert formal_date(datetime.date(2026, 11, 29)) == "2026年11月29日"
	assert formal_date("2026-01-05 10:00:00") == "2026年1月5日"
	assert formal_date(None) == ""


@pytest.mark.parametrize(
	"value,text",
	[
		(40, "40"),
		(40.0, "40"),
		("40.000", "40"),
		(6.0, "6"),
		(2.5, "2.5"),
		(0, "0"),
		(None, "0"),
		(1000000.0, "1,000,000"),
		(1234.25, "1,234.25"),
	],
)
def test_quantities_print_whole_units_without_decimals(value, text):
	from medical_devices.chinese_forms import quantity

	assert quantity(value) == text
