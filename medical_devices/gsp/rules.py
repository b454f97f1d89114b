"""GSP rules as plain functions of plain values: no Frappe, unit-tested on their own.

The Frappe layer (stock_guard, batch_status, expiry_alerts) gathers the values and turns the codes these
functions return into translated messages.
"""

import datetime

QUARANTINE = "Quarantine"
RELEASED = "Released"
BLOCKED = "Blocked"
RECALLED = "Recalled"
EXPIRED = "Expired"
BATCH_STATUSES = (QUARANTINE, RELEASED, BLOCKED, RECALLED, EXPIRED)

# Quarantine -> Released -> Blocked / Recalled / Expired. A blocked batch may be released again after an
# investigation; recalled and expired batches never come back into circulation.
ALLOWED_TRANSITIONS = {
	QUARANTINE: {RELEASED, BLOCKED, RECALLED, EXPIRED},
	RELEASED: {QUARANTINE, BLOCKED, RECALLED, EXPIRED},
	BLOCKED: {RELEASED, QUARANTINE, RECALLED, EXPIRED},
	RECALLED: {EXPIRED},
	EXPIRED: set(),
}

# What quality staff set by hand (Release / Block / Quarantine); a recall and the expiry job set the others.
MANUAL_STATUSES = (RELEASED, BLOCKED, QUARANTINE)
# Indicator colours of each status, on the form and in the list alike: only a released batch may leave stock.
STATUS_COLOURS = {RELEASED: "green", QUARANTINE: "orange", BLOCKED: "red", RECALLED: "red", EXPIRED: "red"}


def manual_transitions() -> dict[str, list[str]]:
	"""Status -> the statuses quality staff may set from it by hand, in button order."""
	return {
		status: [target for target in MANUAL_STATUSES if target in ALLOWED_TRANSITIONS[status]]
		for status in BATCH_STATUSES
	}


# Why a batch may not leave stock (codes, translated by the caller).
NOT_RELEASED = "not_released"
EXPIRED_ON_POSTING = "expired"
SHELF_LIFE_TOO_SHORT = "shelf_life"


def can_transition(old: str | None, new: str) -> bool:
	if new not in BATCH_STATUSES:
		return False
	if not old:
		return True
	return new in ALLOWED_TRANSITIONS.get(old, set())


NO_STATUS = "No Status"


def effective_status(status: str | None) -> str:
	"""A device batch without a status was never released: the batches that existed before the app was installed
	were given their status then (Released), and every batch made since starts with one."""
	return status or NO_STATUS


def remaining_shelf_life(expiry_date: datetime.date | None, on_date: datetime.date) -> int | None:
	if not expiry_date:
		return None
	return (expiry_date - on_date).days


def outward_block_reason(
	status: str | None,
	expiry_date: datetime.date | None,
	posting_date: datetime.date,
	min_shelf_life_days: int = 0,
	allow_unreleased: bool = False,
	allow_expired: bool = False,
) -> str | None:
	"""The first reason why this batch may not leave stock on `posting_date`, or None if it may."""
	if expiry_date and expiry_date < posting_date and not allow_expired:
		return EXPIRED_ON_POSTING
	if effective_status(status) != RELEASED and not allow_unreleased:
		return NOT_RELEASED
	if min_shelf_life_days and expiry_date:
		if remaining_shelf_life(expiry_date, posting_date) < min_shelf_life_days:
			return SHELF_LIFE_TOO_SHORT
	return None


def required_shelf_life(customer_days: int | None, item_days: int | None, default_days: int | None) -> int:
	"""A customer's own requirement overrides the item's, which overrides the company-wide default."""
	for days in (customer_days, item_days, default_days):
		if days:
			return int(days)
	return 0


def parse_day_windows(text: str | None) -> tuple[int, ...]:
	"""'180, 90,30' -> (180, 90, 30): positive whole days, largest first, no duplicates."""
	if not text:
		return ()
	days = set()
	for part in str(text).replace("，", ",").replace(";", ",").split(","):
		part = part.strip()
		if not part:
			continue
		if not part.isdigit() or int(part) <= 0:
			raise ValueError(part)
		days.add(int(part))
	return tuple(sorted(days, reverse=True))


def alert_window(days_left: int, windows: tuple[int, ...]) -> int | None:
	"""The narrowest window the batch has entered: with (180, 90, 30), 45 days left -> 90; expired -> 0."""
	if days_left < 0:
		return 0
	inside = [w for w in windows if days_left <= w]
	return min(inside) if inside else None


def expiry_bucket(days_left: int | None, windows: tuple[int, ...]) -> str:
	"""A stable label for reports: 'Expired', '0-30', '31-90', '91-180', '> 180' or 'No Expiry'."""
	if days_left is None:
		return "No Expiry"
	if days_left < 0:
		return "Expired"
	lower = 0
	for window in sorted(windows):
		if days_left <= window:
			return f"{lower}-{window}"
		lower = window + 1
	return f"> {max(windows)}" if windows else "Valid"


def range_violation(value: float, low: float | None, high: float | None) -> bool:
	if low is not None and value < low:
		return True
	return high is not None and value > high


def tightest_range(ranges: list[tuple[float | None, float | None]]) -> tuple[float | None, float | None]:
	"""The range every listed storage condition allows: the highest minimum and the lowest maximum."""
	lows = [low for low, _high in ranges if low is not None]
	highs = [high for _low, high in ranges if high is not None]
	return (max(lows) if lows else None, min(highs) if highs else None)


# --- qualification: which licence a party needs for which device class (China, Decree 54) ------------------

BUSINESS_LICENCE = "Business Licence"
MANUFACTURING_LICENCE = "Manufacturing Licence"
MANUFACTURING_FILING = "Manufacturing Filing"
DISTRIBUTION_LICENCE = "Distribution Licence"
CLASS_II_FILING = "Class II Distribution Filing"
PRACTICE_LICENCE = "Medical Institution Practice Licence"

# Every trading partner proves it exists: a business licence, or a hospital's practice licence.
IDENTITY_LICENCES = (BUSINESS_LICENCE, PRACTICE_LICENCE)

# Class I distribution needs no licence (Decree 54 Art. 4); Class II a filing; Class III a licence. Sellers may
# also be the manufacturer; buyers may be hospitals using the devices.
DEVICE_LICENCES = {
	"Supplier": {
		"Class II": (MANUFACTURING_LICENCE, DISTRIBUTION_LICENCE, CLASS_II_FILING),
		"Class III": (MANUFACTURING_LICENCE, DISTRIBUTION_LICENCE),
	},
	"Customer": {
		"Class II": (DISTRIBUTION_LICENCE, CLASS_II_FILING, PRACTICE_LICENCE, MANUFACTURING_LICENCE),
		"Class III": (DISTRIBUTION_LICENCE, PRACTICE_LICENCE, MANUFACTURING_LICENCE),
	},
}

# A hospital's practice licence and a business licence name no device classes.
UNSCOPED_LICENCES = (BUSINESS_LICENCE, PRACTICE_LICENCE)

CLASS_FLAGS = {"Class I": "covers_class_i", "Class II": "covers_class_ii", "Class III": "covers_class_iii"}

# What is wrong with a party's licences (codes, translated by the caller).
LICENCE_MISSING = "missing"
LICENCE_EXPIRED = "expired"
LICENCE_NOT_YET_VALID = "not_yet_valid"
CLASS_NOT_COVERED = "class_not_covered"
SCOPE_NOT_COVERED = "scope_not_covered"


def parse_scope_codes(text: str | None) -> tuple[str, ...]:
	if not text:
		return ()
	for separator in ("，", "、", ";", "\n", " "):
		text = text.replace(separator, ",")
	return tuple(code.strip() for code in text.split(",") if code.strip())


def scope_covers(scope_codes: tuple[str, ...], classification_code: str | None) -> bool:
	"""An empty scope covers everything; '14' covers '14-01'; '6815' covers '6815'; '14-01' covers '14-01-02'."""
	if not scope_codes or not classification_code:
		return True
	code = classification_code.strip()
	return any(
		code == scope or code.startswith(scope + "-") or code.startswith(scope + ".") for scope in scope_codes
	)


def valid_on(certificate: dict, on_date: datetime.date) -> bool:
	if certificate.get("disabled"):
		return False
	if certificate["valid_from"] and on_date < certificate["valid_from"]:
		return False
	return not (certificate.get("valid_to") and on_date > certificate["valid_to"])


def licence_problem(
	certificates: list[dict],
	accepted_types: tuple[str, ...],
	on_date: datetime.date,
	device_class: str | None = None,
	classification_code: str | None = None,
) -> tuple[str, dict | None] | None:
	"""None when one certificate of an accepted type is valid on `on_date` and covers the class and category.

	Otherwise the most telling problem and the certificate it is about: an expired licence beats one that
	covers the wrong class, which beats no licence at all.
	"""
	candidates = [c for c in certificates if c["licence_type"] in accepted_types and not c.get("disabled")]
	if not candidates:
		return LICENCE_MISSING, None

	def covers_class(c):
		if not device_class or c["licence_type"] in UNSCOPED_LICENCES:
			return True
		return bool(c.get(CLASS_FLAGS.get(device_class, ""), 0))

	def covers_scope(c):
		return scope_covers(parse_scope_codes(c.get("scope_codes")), classification_code)

	fitting = [c for c in candidates if covers_class(c) and covers_scope(c)]
	if any(valid_on(c, on_date) for c in fitting):
		return None
	if fitting:
		latest = max(fitting, key=lambda c: c.get("valid_to") or datetime.date.max)
		if latest["valid_from"] and on_date < latest["valid_from"]:
			return LICENCE_NOT_YET_VALID, latest
		return LICENCE_EXPIRED, latest
	in_date = [c for c in candidates if valid_on(c, on_date)]
	if in_date and not any(covers_class(c) for c in in_date):
		return CLASS_NOT_COVERED, in_date[0]
	if in_date:
		return SCOPE_NOT_COVERED, in_date[0]
	return LICENCE_EXPIRED, max(candidates, key=lambda c: c.get("valid_to") or datetime.date.max)
