"""How long a regulated record must be kept (Decree 54 Arts 32 and 38; AE Order 1).

Purchase, sales and adverse-event records are kept until two years after the device's expiry, and at least five
years; records of implantable devices are kept permanently. Pure Python.
"""

import datetime

MINIMUM_YEARS = 5
YEARS_AFTER_EXPIRY = 2


def add_years(day: datetime.date, years: int) -> datetime.date:
	try:
		return day.replace(year=day.year + years)
	except ValueError:  # 29 February in a year that has none
		return day.replace(year=day.year + years, day=28)


def retain_until(
	record_date: datetime.date, expiry_dates: list[datetime.date | None], implant: bool = False
) -> datetime.date | None:
	"""The last day the record must be kept, or None when it must be kept permanently."""
	if implant:
		return None
	until = add_years(record_date, MINIMUM_YEARS)
	expiries = [day for day in expiry_dates if day]
	if expiries:
		until = max(until, add_years(max(expiries), YEARS_AFTER_EXPIRY))
	return until


def is_retained(until: datetime.date | None, today: datetime.date) -> bool:
	return until is None or today <= until
