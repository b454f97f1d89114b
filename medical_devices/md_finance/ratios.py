"""Working-capital ratios, and their series month by month. Pure Python."""

import calendar
import datetime

BALANCES = ("stock", "receivable", "payable")


def days_outstanding(average_balance: float, flow: float, days: int) -> float | None:
	"""Balance / flow x days, or None when nothing flowed (the ratio means nothing then)."""
	if flow <= 0 or days <= 0:
		return None
	return round(average_balance / flow * days, 1)


def cash_conversion_cycle(dio: float | None, dso: float | None, dpo: float | None) -> float | None:
	if dio is None or dso is None or dpo is None:
		return None
	return round(dio + dso - dpo, 1)


def last_months(to_date, count: int = 12) -> list[tuple[datetime.date, datetime.date]]:
	"""(first day, last day) of the `count` months ending with the month of `to_date`, oldest first; the last
	month ends on `to_date`."""
	months = []
	year, month = to_date.year, to_date.month
	for _index in range(count):
		first = datetime.date(year, month, 1)
		last = datetime.date(year, month, calendar.monthrange(year, month)[1])
		months.append((first, min(last, to_date)))
		year, month = (year - 1, 12) if month == 1 else (year, month - 1)
	return months[::-1]


def working_capital_series(opening: dict, movements: dict, months) -> list[dict]:
	"""Per month: DIO, DSO, DPO and cash conversion cycle from balances and movements (debit - credit).

	`opening`: category -> balance before the first month; `movements`: (month's first day, category) -> movement.
	Balances are averaged over the month's opening and closing, as `kpis.company_kpis` does for any period.
	"""
	balance = {category: float(opening.get(category) or 0) for category in BALANCES}
	series = []
	for first, last in months:
		start = dict(balance)
		for category in BALANCES:
			balance[category] += float(movements.get((first, category)) or 0)
		average = {category: (start[category] + balance[category]) / 2 for category in BALANCES}
		days = (last - first).days + 1
		revenue = -float(movements.get((first, "income")) or 0)
		cogs = float(movements.get((first, "cogs")) or 0)
		dio = days_outstanding(average["stock"], cogs, days)
		dso = days_outstanding(average["receivable"], revenue, days)
		dpo = days_outstanding(-average["payable"], cogs, days)
		series.append(
			{
				"month": first,
				"dio": dio,
				"dso": dso,
				"dpo": dpo,
				"cash_conversion_cycle": cash_conversion_cycle(dio, dso, dpo),
			}
		)
	return series
