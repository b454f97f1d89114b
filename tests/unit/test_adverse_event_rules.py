"""Adverse-event reporting deadlines on edge dates: weekends count, month and leap-year ends, hours for groups."""

import datetime as dt

import pytest

from medical_devices.nmpa.adverse_event_rules import (
	DEATH,
	OTHER,
	SERIOUS_INJURY,
	is_overdue,
	reporting_deadlines,
)


def due(aware_at, severity, **kwargs):
	return [(d.what, d.due) for d in reporting_deadlines(aware_at, severity, **kwargs)]


@pytest.mark.parametrize(
	"aware_at, severity, expected_day",
	[
		(dt.datetime(2026, 11, 27, 16, 0), DEATH, dt.date(2026, 12, 4)),  # Friday: weekends are calendar days
		(dt.datetime(2026, 11, 28, 0, 5), DEATH, dt.date(2026, 12, 5)),  # Saturday, just after midnight
		(dt.datetime(2028, 2, 25, 9, 0), DEATH, dt.date(2028, 3, 3)),  # across 29 February of a leap year
		(dt.datetime(2027, 2, 25, 9, 0), DEATH, dt.date(2027, 3, 4)),  # and of a common year
		(dt.datetime(2026, 12, 20, 9, 0), SERIOUS_INJURY, dt.date(2027, 1, 9)),  # 20 days across the new year
		(
			dt.datetime(2026, 9, 30, 23, 59),
			SERIOUS_INJURY,
			dt.date(2026, 10, 20),
		),  # National Day week counts too
	],
)
def test_days_run_from_the_awareness_date_to_the_end_of_the_last_day(aware_at, severity, expected_day):
	assert due(aware_at, severity) == [("report", dt.datetime.combine(expected_day, dt.time(23, 59, 59)))]


def test_overseas_serious_events_have_30_days_whatever_the_severity():
	aware = dt.datetime(2026, 1, 31, 10, 0)
	assert due(aware, DEATH, overseas=True) == due(aware, SERIOUS_INJURY, overseas=True)
	assert due(aware, DEATH, overseas=True)[0][1] == dt.datetime(2026, 3, 2, 23, 59, 59)


def test_group_events_run_in_hours_and_come_first():
	aware = dt.datetime(2026, 11, 28, 18, 30)
	assert due(aware, DEATH, group=True) == [
		("group notice", dt.datetime(2026, 11, 29, 6, 30)),
		("group cases", dt.datetime(2026, 11, 29, 18, 30)),
		("report", dt.datetime(2026, 12, 5, 23, 59, 59)),
	]


def test_an_event_that_is_neither_serious_nor_a_death_sets_no_statutory_deadline():
	assert due(dt.datetime(2026, 11, 28, 9, 0), OTHER) == []
	with pytest.raises(ValueError):
		reporting_deadlines(dt.datetime(2026, 11, 28), "Mild")


def test_overdue_when_reported_late_or_still_unreported_after_the_deadline():
	[deadline] = reporting_deadlines(dt.datetime(2026, 11, 27, 16, 0), DEATH)
	last_second = dt.datetime(2026, 12, 4, 23, 59, 59)
	assert not is_overdue(deadline, last_second, now=dt.datetime(2026, 12, 10))
	assert is_overdue(deadline, dt.datetime(2026, 12, 5, 0, 0), now=dt.datetime(2026, 12, 10))
	assert not is_overdue(deadline, None, now=last_second)
	assert is_overdue(deadline, None, now=dt.datetime(2026, 12, 5, 0, 0, 1))
