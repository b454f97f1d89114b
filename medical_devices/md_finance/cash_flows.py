"""The arithmetic of a 13-week cash forecast, in pure Python: weeks, what is left to pay of a payment schedule,
flows put into weeks, and running balances."""

import datetime

WEEKS = 13


def week_start(day: datetime.date) -> datetime.date:
	"""The Monday of the week `day` falls in."""
	return day - datetime.timedelta(days=day.weekday())


def week_starts(start: datetime.date, weeks: int = WEEKS) -> list[datetime.date]:
	return [start + datetime.timedelta(weeks=index) for index in range(weeks)]


def spread_outstanding(
	schedule: list[tuple[datetime.date, float]], outstanding: float
) -> list[tuple[datetime.date, float]]:
	"""What is still due on each date of a payment schedule when `outstanding` is left of its total.

	Money already paid (or, for an order, already invoiced) settles the earliest instalments first, as ERPNext
	allocates payments to payment terms. A negative outstanding (a credit note) is due on the first date.
	"""
	schedule = sorted(schedule)
	if not schedule:
		return []
	if outstanding <= 0:
		return [(schedule[0][0], outstanding)] if outstanding else []
	settled = max(sum(amount for _due, amount in schedule) - outstanding, 0.0)
	left = []
	for due, amount in schedule:
		used = min(amount, settled)
		settled -= used
		if amount - used > 1e-9:
			left.append((due, amount - used))
	remainder = outstanding - sum(amount for _due, amount in left)
	if (
		abs(remainder) > 1e-9
	):  # the schedule and the invoice disagree (rounding): the last date takes the rest
		due, amount = left[-1] if left else schedule[-1]
		left = [*left[:-1], (due, amount + remainder)] if left else [(due, remainder)]
	return left


def bucket_flows(
	flows: list[tuple[datetime.date, str, float]], starts: list[datetime.date]
) -> tuple[list[dict[str, float]], dict[str, float]]:
	"""Sum each kind of flow per week. Flows dated before the first week (overdue) count in the first week, and are
	also returned apart; flows after the last week are left out."""
	weeks = [{} for _start in starts]
	overdue: dict[str, float] = {}
	end = starts[-1] + datetime.timedelta(days=7)
	for day, kind, amount in flows:
		if day >= end:
			continue
		if day < starts[0]:
			index = 0
			overdue[kind] = overdue.get(kind, 0.0) + amount
		else:
			index = (day - starts[0]).days // 7
		weeks[index][kind] = weeks[index].get(kind, 0.0) + amount
	return weeks, overdue


def running_balances(opening: float, nets: list[float]) -> list[tuple[float, float]]:
	"""(opening, closing) of each week."""
	balances = []
	for net in nets:
		closing = opening + net
		balances.append((opening, closing))
		opening = closing
	return balances
