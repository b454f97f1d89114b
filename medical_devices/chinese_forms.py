"""How Chinese forms write amounts, quantities and dates: 人民币玖佰陆拾元整 (the capitals of the People's Bank of
China's rules for filling in bills and settlement documents), 40 units (not 40.000) and 2026年11月29日 for formal
letters. Plain functions, also offered
to print formats (hooks `jinja`)."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
UNITS = ("", "拾", "佰", "仟")
SECTIONS = ("", "万", "亿", "万亿")
CURRENCY_NAMES = {"CNY": "人民币", "RMB": "人民币"}


def amount_in_capitals(amount, currency: str | None = "CNY") -> str:
	"""An amount in Chinese capitals: 960 -> 人民币玖佰陆拾元整, 1409.5 -> 人民币壹仟肆佰零玖元伍角整,
	325.04 -> 人民币叁佰贰拾伍元零肆分. Whole yuan and whole jiao end in 整; fen never do."""
	cents = int((Decimal(str(amount or 0)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
	sign = "负" if cents < 0 else ""
	cents = abs(cents)
	yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
	prefix = CURRENCY_NAMES.get((currency or "").upper(), "")
	if not cents:
		return f"{prefix}零元整"
	text = f"{integer_in_capitals(yuan)}元" if yuan else ""
	if jiao:
		text += DIGITS[jiao] + "角"
	elif fen and yuan:
		text += "零"
	if fen:
		text += DIGITS[fen] + "分"
	else:
		text += "整"
	return prefix + sign + text


def integer_in_capitals(number: int) -> str:
	if not number:
		return DIGITS[0]
	groups = []
	while number:
		groups.append(number % 10000)
		number //= 10000
	if len(groups) > len(SECTIONS):
		raise ValueError("amount too large")
	text, zero_between = "", False
	for position in reversed(range(len(groups))):
		group = groups[position]
		if not group:
			zero_between = bool(text)
			continue
		if text and (zero_between or group < 1000):
			text += DIGITS[0]
		text += group_in_capitals(group) + SECTIONS[position]
		zero_between = False
	return text


def group_in_capitals(group: int) -> str:
	"""1..9999 with 仟佰拾; zeros inside read as one 零, trailing zeros as nothing (1009 壹仟零玖, 1900 壹仟玖佰)."""
	text, pending_zero = "", False
	for power in (3, 2, 1, 0):
		digit = group // 10**power % 10
		if not digit:
			pending_zero = bool(text)
			continue
		if pending_zero:
			text += DIGITS[0]
			pending_zero = False
		text += DIGITS[digit] + UNITS[power]
	return text


def formal_date(value) -> str:
	"""2026年11月29日, as formal letters date themselves."""
	if not value:
		return ""
	if isinstance(value, str):
		value = datetime.date.fromisoformat(value[:10])
	return f"{value.year}年{value.month}月{value.day}日"


def printed_date(value):
	"""A date in a form's table or box: in the site's date format (as on the desk), never broken over two lines."""
	from markupsafe import Markup

	from frappe.utils import formatdate

	if not value:
		return ""
	return Markup('<span class="md-nowrap">{}</span>').format(formatdate(value))


def quantity(value) -> str:
	"""A quantity as a form prints it: whole units without decimals (40, not 40.000 or 6.0), a fraction with the
	decimals it has (2.5), thousands separated (1,000,000, never 1e+06)."""
	number = Decimal(str(value or 0)).normalize()
	if number == number.to_integral_value():
		return f"{int(number):,}"
	return f"{number:,f}"
