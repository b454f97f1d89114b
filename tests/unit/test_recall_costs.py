"""Recall cost allocation to batches and the provision arithmetic, without a site."""

import pytest

from medical_devices.recall.costs import (
	COST_CATEGORIES,
	LOGISTICS,
	REPLACEMENT,
	allocate_costs,
	provision_to_release,
)

RECALLED = {("COMP", "LOT-A"): 30.0, ("FIN", "LOT-F"): 11.0, ("FIN", "LOT-G"): 0.0}


def by_batch(rows):
	return {(row["category"], row["batch"]): row["amount"] for row in rows}


def test_a_cost_without_batch_is_spread_by_recalled_quantity_and_adds_up_exactly():
	rows = allocate_costs([{"category": LOGISTICS, "amount": 300}], RECALLED)
	assert by_batch(rows) == {(LOGISTICS, "LOT-A"): 219.51, (LOGISTICS, "LOT-F"): 80.49}
	assert round(sum(row["amount"] for row in rows), 2) == 300


def test_a_cost_naming_a_batch_stays_on_it_and_one_naming_an_item_stays_on_its_batches():
	rows = allocate_costs(
		[
			{"category": LOGISTICS, "amount": 100, "batch": "LOT-F", "item_code": "FIN"},
			{"category": REPLACEMENT, "amount": 50, "item_code": "FIN"},
		],
		RECALLED,
	)
	assert by_batch(rows) == {(LOGISTICS, "LOT-F"): 100, (REPLACEMENT, "LOT-F"): 50}
	assert {row["item_code"] for row in rows} == {"FIN"}


def test_costs_of_one_category_on_one_batch_are_summed():
	rows = allocate_costs(
		[
			{"category": LOGISTICS, "amount": 10.005, "batch": "LOT-A"},
			{"category": LOGISTICS, "amount": 5, "batch": "LOT-A"},
		],
		RECALLED,
	)
	assert by_batch(rows) == {(LOGISTICS, "LOT-A"): 15.01}


def test_with_nothing_recalled_a_cost_stays_unallocated():
	rows = allocate_costs([{"category": LOGISTICS, "amount": 42}], {})
	assert rows == [{"category": LOGISTICS, "item_code": "", "batch": "", "amount": 42.0, "qty": 0.0}]


def test_thirds_round_to_cents_without_losing_a_cent():
	rows = allocate_costs(
		[{"category": LOGISTICS, "amount": 100}], {("X", "A"): 1, ("X", "B"): 1, ("X", "C"): 1}
	)
	assert sorted(row["amount"] for row in rows) == [33.33, 33.33, 33.34]


@pytest.mark.parametrize(
	"actual, open_provision, released",
	[(650, 1000, 650), (1200, 1000, 1000), (100, 0, 0), (100, -5, 0), (0.004, 10, 0)],
)
def test_actual_costs_release_at_most_the_open_provision(actual, open_provision, released):
	assert provision_to_release(actual, open_provision) == released


def test_seven_categories():
	assert len(COST_CATEGORIES) == 7 and len(set(COST_CATEGORIES)) == 7
