"""Texts the app writes into records (a batch status's reason, the reason of a trail entry it makes itself, a
party's review remark) store the facts, not one reader's language: each is one of the messages below, written in
English whoever triggers it, and read in the reader's language wherever it is shown (`translated` on the server,
the same messages through the boot in the desk). A stored text that is none of these messages (a reason someone
typed) reads as it was written. Journal remarks and account names are ERPNext's and are read by ERPNext's own
views: they are written in the site's language (`in_site_language`).
"""

import re
from contextlib import contextmanager
from dataclasses import dataclass, field

import frappe
from frappe import _, _lt
from frappe.utils import formatdate, getdate

DATE = "date"
"""A fact that is a date: stored as yyyy-mm-dd, read in the reader's date format."""
VALUE = ""
"""A fact that is a stored value (a status): read in its plain translation."""
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Message:
	source: object  # frappe._lt(...): the English text, found by the translation tools
	facts: dict[int, str] = field(
		default_factory=dict
	)  # fact index -> DATE, VALUE or the context it reads in

	@property
	def english(self) -> str:
		return self.source.msg

	def text(self, *facts) -> str:
		"""The text to store: the English message with its facts (dates as yyyy-mm-dd)."""
		return self.english.format(
			*(str(getdate(fact)) if self.facts.get(i) == DATE else fact for i, fact in enumerate(facts))
		)

	@property
	def pattern(self) -> re.Pattern:
		parts = re.split(r"\{\d+\}", self.english)
		return re.compile("(.*?)".join(map(re.escape, parts)), re.S)


NEW_BATCH = Message(_lt("New batch"))
QUALITY_INSPECTION_ACCEPTED = Message(_lt("Quality Inspection {0} accepted"))
QUALITY_INSPECTION_REJECTED = Message(_lt("Quality Inspection {0} rejected"))
TEMPERATURE_EXCURSION = Message(_lt("Temperature excursion in {0}: {1} readings outside {2} – {3} °C"))
RECALLED = Message(_lt("Recall {0} ({1}): {2}"), {1: "Device Recall"})
RECALL_CLOSED = Message(_lt("Recall closed out: {0}"))
RECALL_NOTIFICATION_OVERDUE = Message(_lt("Notification deadline passed (daily check)"))
RECALL_ACTUAL_COST = Message(_lt("Actual cost of its Recall Cost Entries"))
EXPIRED = Message(_lt("Expired (daily expiry check)"))
EXPIRED_ON = Message(_lt("Expired on {0} (daily expiry check)"), {0: DATE})
EXPIRY_WINDOW = Message(_lt("Entered the {0}-day expiry window (daily expiry check)"))
CERTIFICATE_STATUS = Message(_lt("Status follows the certificate's dates (daily check)"))
LICENCE_STATUS = Message(_lt("Status follows the licence's dates (daily check)"))
FIRST_BUSINESS_REVIEW = Message(_lt("First-business review: {0}"), {0: VALUE})
FIRST_BUSINESS_AGAIN = Message(_lt("Review again: whether it is one of the group's own companies changed"))
TWO_INVOICE_AGAIN = Message(_lt("Review again: whether it buys under the two-invoice rule changed"))
OBSERVE_ENDED = Message(_lt("Observe period ended"))
PROVINCE_AGAIN = Message(_lt("Review again: an address changed whether it buys under the two-invoice rule"))
ADVERSE_EVENT_OVERDUE = Message(_lt("Reporting deadline passed (daily check)"))
RECALL_ACCOUNTS = Message(_lt("Recall cost accounts created for {0}"))
FINANCE_ACCOUNTS = Message(_lt("Write-off and quality cost accounts created for {0}"))
COMPLAINT_CLOCK = Message(_lt("The deadline of Adverse Event Report {0}"))
COMPLAINT_REPORT_AMENDED = Message(_lt("Adverse Event Report {0} cancelled and amended as {1}"))
SUPPLIER_AUDIT_RESULT = Message(_lt("Supplier Audit {0}: {1}"), {1: "Supplier Audit"})
SELF_INSPECTION_RECOLLECTED = Message(_lt("Facts of the year collected again"))
NONCONFORMANCE_HOLD = Message(_lt("Nonconformance {0}: held until its disposition"))
NONCONFORMANCE_DISPOSITION = Message(_lt("Nonconformance {0}: {1}"), {1: "Device Nonconformance"})
BATCH_RECORD_RELEASE = Message(_lt("Released by its batch record {0}"))
CAPA_OPENED = Message(_lt("Taken up by CAPA {0}"))

MESSAGES = tuple(value for value in list(globals().values()) if isinstance(value, Message))

FIELDS = {
	"Batch": ("md_status_reason",),
	"Batch Status Change": ("reason",),
	"Audit Trail Entry": ("reason",),
	"Customer": ("md_first_business_remarks",),
	"Supplier": ("md_first_business_remarks",),
	"Approved Supplier": ("decision_reason",),
}
"""The fields that hold stored texts: the desk reads them through `translated` too."""


def translated(text: str | None, lang: str | None = None) -> str:
	"""A stored text in the reader's language (`lang`, else the current one)."""
	if not text:
		return text or ""
	for message in MESSAGES:
		match = message.pattern.fullmatch(text)
		if match:
			facts = [read_fact(message, i, fact, lang) for i, fact in enumerate(match.groups())]
			return _(message.english, lang).format(*facts)
	return text


def read_fact(message: Message, index: int, fact: str, lang: str | None) -> str:
	kind = message.facts.get(index)
	if kind is None:
		return fact
	if kind == DATE:
		return formatdate(fact) if ISO_DATE.fullmatch(fact) else fact
	return _(fact, lang, kind or None)


def for_desk() -> dict:
	return {
		"messages": [{"message": message.english, "facts": message.facts} for message in MESSAGES],
		"fields": {doctype: list(fields) for doctype, fields in FIELDS.items()},
	}


def site_language() -> str:
	return frappe.db.get_single_value("System Settings", "language") or "en"


@contextmanager
def in_language(lang: str):
	"""Text made inside (`_()`, formatted values) is in `lang`."""
	before = frappe.local.lang
	frappe.local.lang = lang
	try:
		yield
	finally:
		frappe.local.lang = before


def in_site_language():
	"""Text made inside is in the site's language, whoever triggers it (journal remarks, account names)."""
	return in_language(site_language())
