"""Working-capital ratios: days outstanding and the cash conversion cycle, including the periods where they mean
nothing (no sales, no cost of goods sold)."""

from medical_devices.md_finance.ratios import cash_conversion_cycle, days_outstanding


def test_days_outstanding_is_balance_over_flow_times_days():
	assert days_outstanding(50_000, 365_000, 365) == 50.0
	assert days_outstanding(12_345, 100_000, 90) == 11.1  # rounded to a tenth of a day
	assert days_outstanding(0, 100_000, 365) == 0.0


def test_no_flow_means_no_ratio_rather_than_infinity():
	assert days_outstanding(50_000, 0, 365) is None
	assert days_outstanding(50_000, -10, 365) is None  # a period of net returns
	assert days_outstanding(50_000, 100, 0) is None


def test_cash_conversion_cycle_adds_stock_and_receivable_days_and_subtracts_payable_days():
	assert cash_conversion_cycle(60.0, 45.5, 30.0) == 75.5
	assert cash_conversion_cycle(10.0, 5.0, 40.0) == -25.0  # suppliers finance the business
	assert cash_conversion_cycle(None, 45.5, 30.0) is None
