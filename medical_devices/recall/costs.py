"""Recall cost categories and the allocation of recall costs to the recalled batches (pure Python).

Recall costs have no regulatory form: the categories are the app's own, chosen so that
finance can answer "what did this recall cost, for what, and for which product and batch".
"""

from collections import defaultdict

LOGISTICS = "Logistics"
REPLACEMENT = "Replacement Product"
DESTRUCTION = "Destruction"
LABOUR = "Labour"
COMPENSATION = "Customer Compensation"
NOTIFICATION = "Notification"
REGULATOR_FEES = "Regulator and Testing Fees"

COST_CATEGORIES = (
	LOGISTICS,
	REPLACEMENT,
	DESTRUCTION,
	LABOUR,
	COMPENSATION,
	NOTIFICATION,
	REGULATOR_FEES,
)

# Accounts a company needs besides one expense account per category, when it books provisions.
PROVISION_LIABILITY = "Provision Liability"
PROVISION_EXPENSE = "Provision Expense"
ACCOUNT_PURPOSES = (*COST_CATEGORIES, PROVISION_LIABILITY, PROVISION_EXPENSE)

ACTUAL_COST = "Actual Cost"
PROVISION = "Provision"
PROVISION_RELEASE = "Provision Release"
ENTRY_TYPES = (ACTUAL_COST, PROVISION, PROVISION_RELEASE)

UNALLOCATED = ""


def round_money(value: float) -> float:
	return round(float(value or 0) + 0.0, 2)


def provision_to_release(actual_total: float, open_provision: float) -> float:
	"""Actual costs consume the recall's open provision, never more than is left of it."""
	return round_money(max(0.0, min(float(actual_total or 0), float(open_provision or 0))))


def allocate_costs(costs: list[dict], recalled_qty: dict[tuple[str, str], float]) -> list[dict]:
	"""Spread each cost over the recalled batches by recalled quantity.

	`costs`: dicts with category, amount and optional item_code and batch. `recalled_qty`: (item_code, batch)
	-> quantity recalled (shipped plus still in stock). A cost naming a batch stays on it; one naming only an
	item is spread over that item's batches; any other over all batches. With nothing to spread over, the cost
	stays unallocated (batch ""). Amounts are rounded to cents and each cost's shares add up to it exactly.
	"""
	allocated: dict[tuple[str, str, str], dict] = defaultdict(lambda: {"amount": 0.0, "qty": 0.0})
	for cost in costs:
		amount = round_money(cost["amount"])
		targets = _targets(cost, recalled_qty)
		total_qty = sum(qty for _key, qty in targets)
		shares = []
		if total_qty > 0:
			for key, qty in targets:
				shares.append((key, qty, round_money(amount * qty / total_qty)))
			remainder = round_money(amount - sum(share for _key, _qty, share in shares))
			if remainder:
				key, qty, share = shares[-1]
				shares[-1] = (key, qty, round_money(share + remainder))
		else:
			shares.append(
				((cost.get("item_code") or UNALLOCATED, cost.get("batch") or UNALLOCATED), 0.0, amount)
			)
		for (item_code, batch), qty, share in shares:
			row = allocated[(cost["category"], item_code, batch)]
			row["amount"] = round_money(row["amount"] + share)
			row["qty"] = qty
	return [
		{"category": category, "item_code": item_code, "batch": batch, **values}
		for (category, item_code, batch), values in allocated.items()
	]


def _targets(cost: dict, recalled_qty: dict[tuple[str, str], float]) -> list[tuple[tuple[str, str], float]]:
	if cost.get("batch"):
		key = next((key for key in recalled_qty if key[1] == cost["batch"]), None)
		item_code = key[0] if key else cost.get("item_code") or UNALLOCATED
		return [((item_code, cost["batch"]), recalled_qty.get(key, 0.0) or 1.0)]
	return sorted(
		(key, qty)
		for key, qty in recalled_qty.items()
		if qty > 0 and (not cost.get("item_code") or key[0] == cost["item_code"])
	)
