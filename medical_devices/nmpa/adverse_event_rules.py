"""Reporting deadlines for suspected medical-device adverse events (SAMR/NHC Order 1, 2018).

Pure Python. Deadlines run in calendar days (weekends and holidays count: the rule says "days", not working days)
from the moment the reporter discovered or learned of the event: the report is due by the end of the awareness
date plus N days. Group events run in hours from the moment of awareness.
"""

import datetime
from dataclasses import dataclass

DEATH = "Death"
SERIOUS_INJURY = "Serious Injury"
OTHER = "Other"
SEVERITIES = (DEATH, SERIOUS_INJURY, OTHER)

# Art. 25: death within 7 days; serious injury, or may cause serious injury or death, within 20 days.
DAYS_BY_SEVERITY = {DEATH: 7, SERIOUS_INJURY: 20}
# Art. 27: serious events abroad of a product also marketed in China, within 30 days.
OVERSEAS_DAYS = 30
# Group events: phone or fax to the provincial MPA and health department within 12 hours, and each case as an
# individual report within 24 hours (article number unconfirmed).
GROUP_NOTICE_HOURS = 12
GROUP_CASE_HOURS = 24


@dataclass(frozen=True)
class Deadline:
	what: str  # "report", "group notice", "group cases"
	due: datetime.datetime


def end_of_day(day: datetime.date) -> datetime.datetime:
	return datetime.datetime.combine(day, datetime.time(23, 59, 59))


def reporting_deadlines(
	aware_at: datetime.datetime, severity: str, overseas: bool = False, group: bool = False
) -> list[Deadline]:
	"""The deadlines an event sets, earliest first; none for an event that is neither serious nor a death."""
	if severity not in SEVERITIES:
		raise ValueError(f"unknown severity {severity!r}")
	deadlines = []
	if group:
		deadlines.append(Deadline("group notice", aware_at + datetime.timedelta(hours=GROUP_NOTICE_HOURS)))
		deadlines.append(Deadline("group cases", aware_at + datetime.timedelta(hours=GROUP_CASE_HOURS)))
	if severity in DAYS_BY_SEVERITY:
		days = OVERSEAS_DAYS if overseas else DAYS_BY_SEVERITY[severity]
		deadlines.append(Deadline("report", end_of_day(aware_at.date() + datetime.timedelta(days=days))))
	return sorted(deadlines, key=lambda deadline: deadline.due)


def is_overdue(deadline: Deadline, reported_at: datetime.datetime | None, now: datetime.datetime) -> bool:
	"""Late when reported after the deadline, or not reported and the deadline has passed."""
	return (reported_at or now) > deadline.due
