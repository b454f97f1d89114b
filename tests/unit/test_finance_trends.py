"""Monthly working-capital days from opening balances and monthly GL movements (pure Python)."""

import datetime

from medical_devices.md_finance.ratios import last_months, working_capital_series


def test_last_months_end_with_the_given_day_and_step_over_the_year_end():
	months = last_months(datetime.date(2026, 2, 10), count=3)
	assert months == [
		(datetime.date(2025, 12, 1), datetime.date(2025, 12, 31)),
		(datetime.date(2026, 1, 1), datetime.date(2026, 1, 31)),
		(datetime.date(2026, 2, 1), datetime.date(2026, 2, 10)),
	]
	assert len(last_months(datetime.date(2024, 3, 31))) == 12
	assert last_months(datetime.date(2024, 3, 31))[-2] == (
		datetime.date(2024, 2, 1),
		datetime.date(2024, 2, 29),
	)


def test_working_capital_series_averages_each_months_opening_and_closing_balance():
	jan, feb = datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)
	months = [(jan, datetime.date(2026, 1, 31)), (feb, datetime.date(2026, 2, 28))]
	opening = {"stock": 1000, "receivable": 500, "payable": -300}  # payables are credit balances
	movements = {
		(jan, "stock"): 200,  # stock 1000 -> 1200, average 1100
		(jan, "receivable"): 100,  # 500 -> 600, average 550
		(jan, "payable"): -100,  # 300 -> 400 owed, average 350
		(jan, "income"): -3100,  # revenue 3100
		(jan, "cogs"): 1550,
		(feb, "cogs"): 0,  # sold nothing: no ratio
	}
	jan_days, feb_days = working_capital_series(opening, movements, months)
	assert jan_days["dio"] == round(1100 / 1550 * 31, 1)
	assert jan_days["dso"] == round(550 / 3100 * 31, 1)
	assert jan_days["dpo"] == round(350 / 1550 * 31, 1)
	assert jan_days["cash_conversion_cycle"] == round(jan_days["dio"] + jan_days["dso"] - jan_days["dpo"], 1)
	assert (feb_days["dio"], feb_days["dso"], feb_days["cash_conversion_cycle"]) == (None, None, None)
