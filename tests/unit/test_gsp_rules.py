"""GSP rules as pure functions: batch status transitions, outward checks, shelf life, windows, licences."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medical_devices.gsp import rules

D = datetime.date(2026, 11, 28)


def days(n):
	return D + datetime.timedelta(days=n)


@pytest.mark.parametrize(
	("old", "new", "allowed"),
	[
		(None, "Quarantine", True),
		("Quarantine", "Released", True),
		("Released", "Blocked", True),
		("Blocked", "Released", True),
		("Released", "Recalled", True),
		("Recalled", "Released", False),
		("Expired", "Released", False),
		("Recalled", "Expired", True),
		("Released", "Shipped", False),
	],
)
def test_transitions(old, new, allowed):
	assert rules.can_transition(old, new) is allowed


def test_outward_block_reasons_in_order_of_severity():
	assert rules.outward_block_reason("Released", days(10), D) is None
	assert rules.outward_block_reason(None, days(10), D) == rules.NOT_RELEASED  # no status: never released
	assert rules.outward_block_reason("Quarantine", days(10), D) == rules.NOT_RELEASED
	assert rules.outward_block_reason("Quarantine", days(-1), D) == rules.EXPIRED_ON_POSTING
	assert rules.outward_block_reason("Released", D, D) is None  # expires today: still in date
	assert (
		rules.outward_block_reason("Released", days(10), D, min_shelf_life_days=11)
		== rules.SHELF_LIFE_TOO_SHORT
	)
	assert rules.outward_block_reason("Released", days(11), D, min_shelf_life_days=11) is None
	assert (
		rules.outward_block_reason("Blocked", days(-5), D, allow_unreleased=True, allow_expired=True) is None
	)
	assert rules.outward_block_reason("Released", None, D, min_shelf_life_days=100) is None


@given(st.integers(-400, 400), st.integers(0, 400), st.sampled_from(rules.BATCH_STATUSES))
def test_a_released_in_date_batch_with_enough_life_always_passes(offset, min_days, status):
	reason = rules.outward_block_reason(status, days(offset), D, min_shelf_life_days=min_days)
	passes = status == "Released" and offset >= 0 and (not min_days or offset >= min_days)
	assert (reason is None) is passes


def test_required_shelf_life_customer_beats_item_beats_default():
	assert rules.required_shelf_life(60, 180, 30) == 60
	assert rules.required_shelf_life(0, 180, 30) == 180
	assert rules.required_shelf_life(None, 0, 30) == 30
	assert rules.required_shelf_life(None, None, None) == 0


def test_day_windows_and_alert_window():
	assert rules.parse_day_windows("30, 180,90，90") == (180, 90, 30)
	assert rules.parse_day_windows("") == ()
	with pytest.raises(ValueError):
		rules.parse_day_windows("90, soon")
	with pytest.raises(ValueError):
		rules.parse_day_windows("0")
	windows = (180, 90, 30)
	assert rules.alert_window(45, windows) == 90
	assert rules.alert_window(30, windows) == 30
	assert rules.alert_window(181, windows) is None
	assert rules.alert_window(-1, windows) == 0


def test_expiry_buckets():
	windows = (180, 90, 30)
	assert rules.expiry_bucket(None, windows) == "No Expiry"
	assert rules.expiry_bucket(-1, windows) == "Expired"
	assert rules.expiry_bucket(0, windows) == "0-30"
	assert rules.expiry_bucket(31, windows) == "31-90"
	assert rules.expiry_bucket(180, windows) == "91-180"
	assert rules.expiry_bucket(181, windows) == "> 180"


def test_temperature_ranges():
	assert rules.range_violation(8.1, 2, 8) and rules.range_violation(1.9, 2, 8)
	assert not rules.range_violation(8, 2, 8) and not rules.range_violation(50, None, None)
	assert rules.tightest_range([(2, 8), (0, 6), (None, 25)]) == (2, 6)


def licence(kind, valid_from=-100, valid_to=100, **fields):
	return {
		"name": kind,
		"licence_type": kind,
		"certificate_number": kind,
		"valid_from": days(valid_from),
		"valid_to": days(valid_to) if valid_to is not None else None,
		"disabled": 0,
		**fields,
	}


def test_licence_problems():
	accepted = rules.DEVICE_LICENCES["Customer"]["Class III"]
	assert rules.licence_problem([], accepted, D, "Class III") == (rules.LICENCE_MISSING, None)
	ok = licence(rules.DISTRIBUTION_LICENCE, covers_class_iii=1)
	assert rules.licence_problem([ok], accepted, D, "Class III") is None
	old = licence(rules.DISTRIBUTION_LICENCE, -2000, -1, covers_class_iii=1)
	assert rules.licence_problem([old], accepted, D, "Class III")[0] == rules.LICENCE_EXPIRED
	future = licence(rules.DISTRIBUTION_LICENCE, 5, 1800, covers_class_iii=1)
	assert rules.licence_problem([future], accepted, D, "Class III")[0] == rules.LICENCE_NOT_YET_VALID
	wrong_class = licence(rules.MANUFACTURING_LICENCE, covers_class_ii=1)
	assert rules.licence_problem([wrong_class], accepted, D, "Class III")[0] == rules.CLASS_NOT_COVERED
	scoped = licence(rules.DISTRIBUTION_LICENCE, covers_class_iii=1, scope_codes="06, 07")
	assert rules.licence_problem([scoped], accepted, D, "Class III", "14-01")[0] == rules.SCOPE_NOT_COVERED
	assert rules.licence_problem([scoped], accepted, D, "Class III", "07-03") is None
	revoked = {**ok, "disabled": 1}
	assert rules.licence_problem([revoked], accepted, D, "Class III")[0] == rules.LICENCE_MISSING
	# an expired licence next to a valid one does not matter
	assert rules.licence_problem([old, ok], accepted, D, "Class III") is None
	business = licence(rules.BUSINESS_LICENCE, valid_to=None)
	assert rules.licence_problem([business], rules.IDENTITY_LICENCES, D) is None


def test_scope_codes():
	assert rules.parse_scope_codes("06，07、14;6815\n22") == ("06", "07", "14", "6815", "22")
	assert rules.scope_covers((), "14-01")
	assert rules.scope_covers(("14",), "14-01-02")
	assert rules.scope_covers(("6815",), "6815")
	assert not rules.scope_covers(("14",), "140")
	assert rules.scope_covers(("14",), None)
