"""Working-capital ratios. Pure Python."""


def days_outstanding(average_balance: float, flow: float, days: int) -> float | None:
	"""Balance / flow x days, or None when nothing flowed (the ratio means nothing then)."""
	if flow <= 0 or days <= 0:
		return None
	return round(average_balance / flow * days, 1)


def cash_conversion_cycle(dio: float | None, dso: float | None, dpo: float | None) -> float | None:
	if dio is None or dso is None or dpo is None:
		return None
	return round(dio + dso - dpo, 1)
