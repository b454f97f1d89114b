"""The 13-week cash forecast's arithmetic: payment schedules part-paid, flows put into weeks, running balances."""

import datetime

from medical_devices.md_finance.cash_flows import (
	bucket_flows,
	running_balances,
	spread_outstanding,
	week_start,
	week_starts,
)

D = datetime.date


def test_weeks_start_on_monday():
	assert week_start(D(2026, 11, 28)) == D(2026, 11, 23)  # a Saturday
	assert week_start(D(2026, 11, 23)) == D(2026, 11, 23)
	starts = week_starts(D(2026, 11, 23))
	assert len(starts) == 13 and starts[-1] == D(2027, 2, 15)


def test_payments_settle_the_earliest_instalments_first():
	schedule = [(D(2026, 12, 30), 500.0), (D(2026, 12, 10), 500.0)]
	assert spread_outstanding(schedule, 1000) == [(D(2026, 12, 10), 500), (D(2026, 12, 30), 500)]
	assert spread_outstanding(schedule, 700) == [(D(2026, 12, 10), 200), (D(2026, 12, 30), 500)]
	assert spread_outstanding(schedule, 300) == [(D(2026, 12, 30), 300)]
	assert spread_outstanding(schedule, 0) == []


def test_a_credit_note_is_due_at_once_and_rounding_goes_to_the_last_instalment():
	assert spread_outstanding([(D(2026, 12, 1), -80.0)], -80) == [(D(2026, 12, 1), -80)]
	left = spread_outstanding([(D(2026, 12, 1), 33.33), (D(2026, 12, 8), 33.33)], 66.67)
	assert left[0] == (D(2026, 12, 1), 33.33) and round(left[1][1], 2) == 33.34


def test_overdue_flows_fall_in_the_first_week_and_late_ones_drop_out():
	starts = week_starts(D(2026, 11, 23), 2)
	flows = [
		(D(2026, 11, 1), "receipts", 100.0),  # overdue
		(D(2026, 11, 23), "receipts", 50.0),
		(D(2026, 12, 6), "payments", -30.0),  # the Sunday of week 2
		(D(2026, 12, 7), "payments", -999.0),  # after the horizon
	]
	weeks, overdue = bucket_flows(flows, starts)
	assert weeks == [{"receipts": 150.0}, {"payments": -30.0}]
	assert overdue == {"receipts": 100.0}


def test_running_balances_carry_each_closing_into_the_next_week():
	assert running_balances(1000, [200, -500, 0]) == [(1000, 1200), (1200, 700), (700, 700)]
