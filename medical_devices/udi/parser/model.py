"""The parsed UDI and its error. Pure Python: no Frappe import anywhere in this package."""

import datetime
from dataclasses import dataclass, field

ISSUERS = ("GS1", "HIBCC", "MA", "AHM")


def _(message: str) -> str:
	"""Marks a message for translation; Frappe translates it where it is shown (see UDIError.translated)."""
	return message


class UDIError(ValueError):
	"""A code that is not a valid UDI. `template` is the untranslated message, `params` fill its placeholders."""

	def __init__(self, template: str, **params):
		self.template = template
		self.params = params
		super().__init__(template.format(**params))

	def translated(self, translate) -> str:
		"""The message in the user's language, given a translate function such as `frappe._`."""
		return translate(self.template).format(**self.params)


@dataclass(frozen=True)
class UDI:
	issuer: str
	di: str | None
	lot: str | None = None
	serial: str | None = None
	expiry: datetime.date | None = None
	production_date: datetime.date | None = None
	# Every data element as the code carried it (GS1: AI -> value; HIBCC, MA, AHM: their own keys).
	elements: dict[str, str] = field(default_factory=dict)
	quantity: int | None = None

	@property
	def has_production_identifier(self) -> bool:
		return any((self.lot, self.serial, self.expiry, self.production_date))


def yymmdd_or_yyyymmdd(value: str) -> datetime.date | None:
	"""A date written as YYMMDD (this century) or YYYYMMDD, or None when it is no real date."""
	if not value.isdigit() or len(value) not in (6, 8):
		return None
	year = int(value[:-4]) + (2000 if len(value) == 6 else 0)
	try:
		return datetime.date(year, int(value[-4:-2]), int(value[-2:]))
	except ValueError:
		return None
