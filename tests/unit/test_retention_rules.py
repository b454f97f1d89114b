"""Retention periods of regulated records: device expiry + 2 years, at least 5 years, implants permanently."""

import datetime as dt

from medical_devices.nmpa.retention_rules import is_retained, retain_until

RECEIVED = dt.date(2026, 3, 10)


def test_a_record_is_kept_at_least_five_years():
	assert retain_until(RECEIVED, []) == dt.date(2031, 3, 10)
	assert retain_until(RECEIVED, [None]) == dt.date(2031, 3, 10)  # no expiry: the minimum applies
	assert retain_until(RECEIVED, [dt.date(2027, 1, 31)]) == dt.date(2031, 3, 10)  # expiry + 2 y is earlier


def test_long_lived_devices_are_kept_two_years_past_the_latest_expiry():
	until = retain_until(RECEIVED, [dt.date(2029, 6, 30), dt.date(2030, 12, 31), None])
	assert until == dt.date(2032, 12, 31)


def test_implants_are_kept_permanently():
	assert retain_until(RECEIVED, [dt.date(2027, 1, 1)], implant=True) is None
	assert is_retained(None, dt.date(2200, 1, 1))


def test_the_last_day_is_still_inside_and_leap_days_fall_back_to_28_february():
	until = retain_until(dt.date(2028, 2, 29), [])
	assert until == dt.date(2033, 2, 28)
	assert is_retained(until, dt.date(2033, 2, 28))
	assert not is_retained(until, dt.date(2033, 3, 1))
