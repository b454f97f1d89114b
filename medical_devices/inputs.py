"""What the app accepts from outside: the arguments of its endpoints and the values of its documents' fields.

Each is checked for shape and type and refused with a translated message that names it (HTTP 417, nothing
stored), never coerced: a temperature "abc" is not 0.0, "NaN" is not a number, a malformed JSON list is not an
empty one, a reading dated next year did not happen.
"""

import datetime
import functools
import inspect
import json
import math

import frappe
from frappe import _
from frappe.model.document import Document

# A clock may run a little ahead of the server's; more than this and a time "in the future" is refused.
FUTURE_TOLERANCE = datetime.timedelta(minutes=10)
STRUCTURED_FIELDTYPES = frozenset(("Table", "Table MultiSelect", "JSON"))
NUMERIC_FIELDTYPES = frozenset(("Int", "Float", "Currency", "Percent", "Check", "Rating", "Duration"))
DATE_FIELDTYPES = frozenset(("Date", "Datetime", "Time"))


class InvalidInputError(frappe.ValidationError):
	pass


def refuse(label: str, problem: str):
	frappe.throw(
		_("{0}: {1}").format(label, problem),
		InvalidInputError,
		title=_("Invalid Input"),
	)


def missing(value) -> bool:
	return value is None or (isinstance(value, str) and not value.strip())


def text(value, label: str, *, required: bool = True, max_length: int = 140) -> str | None:
	if missing(value):
		if required:
			refuse(label, _("missing"))
		return None
	if not isinstance(value, str):
		refuse(label, _("must be text"))
	if len(value) > max_length:
		refuse(label, _("at most {0} characters, this has {1}").format(max_length, len(value)))
	return value.strip()


def choice(value, label: str, options, *, required: bool = True) -> str | None:
	value = text(value, label, required=required)
	if value is not None and value not in options:
		refuse(label, _("must be one of {0}").format(", ".join(_(option) for option in options)))
	return value


def flag(value, label: str, *, default: int = 0) -> int:
	"""A yes/no argument: 1, 0, true, false (as JSON or text); anything else is refused."""
	if value is None or value == "":
		return default
	if isinstance(value, bool):
		return int(value)
	if isinstance(value, int) and value in (0, 1):
		return value
	if isinstance(value, str) and value.strip().lower() in ("0", "1", "true", "false"):
		return int(value.strip().lower() in ("1", "true"))
	refuse(label, _("must be 1 or 0"))


def number(value, label: str, *, required: bool = True) -> float | None:
	"""A finite number, given as a number or as text that is one."""
	if missing(value):
		if required:
			refuse(label, _("missing"))
		return None
	if isinstance(value, bool) or not isinstance(value, int | float | str):
		refuse(label, _("must be a number"))
	try:
		result = float(value.strip() if isinstance(value, str) else value)
	except (ValueError, OverflowError):
		refuse(label, _("{0} is not a number").format(frappe.bold(str(value)[:40])))
	if not math.isfinite(result):
		refuse(label, _("must be a finite number"))
	return result


def json_value(value, label: str):
	"""A JSON argument as sent: already decoded (a JSON request body) or as text (a form post)."""
	if not isinstance(value, str):
		return value
	try:
		return json.loads(value)
	except ValueError:
		refuse(label, _("is not valid JSON"))


def json_list(value, label: str, *, required: bool = True, max_items: int = 50000) -> list | None:
	if missing(value):
		if required:
			refuse(label, _("missing"))
		return None
	value = json_value(value, label)
	if not isinstance(value, list):
		refuse(label, _("must be a list"))
	if len(value) > max_items:
		refuse(label, _("at most {0} entries, this has {1}").format(max_items, len(value)))
	return value


def json_object(value, label: str, *, required: bool = True) -> dict | None:
	if missing(value):
		if required:
			refuse(label, _("missing"))
		return None
	value = json_value(value, label)
	if not isinstance(value, dict):
		refuse(label, _("must be an object"))
	return value


def names(value, label: str, *, max_items: int = 1000) -> list[str]:
	"""A list of document names."""
	value = json_list(value, label, max_items=max_items)
	if not value or not all(isinstance(name, str) and name and len(name) <= 140 for name in value):
		refuse(label, _("must be a list of document names"))
	return value


def date_time(
	value, label: str, *, required: bool = True, not_future: bool = True
) -> datetime.datetime | None:
	"""A point in time (ISO or Frappe's format); one later than now is refused where nothing can have happened."""
	if missing(value):
		if required:
			refuse(label, _("missing"))
		return None
	result = parse_datetime(value)
	if result is None:
		refuse(label, _("{0} is not a date and time").format(frappe.bold(str(value)[:40])))
	if not_future and result > frappe.utils.now_datetime() + FUTURE_TOLERANCE:
		refuse(label, _("{0} is in the future").format(frappe.bold(frappe.utils.format_datetime(result))))
	return result


def date(value, label: str, *, required: bool = True) -> datetime.date | None:
	if missing(value):
		if required:
			refuse(label, _("missing"))
		return None
	result = parse_date(value)
	if result is None:
		refuse(label, _("{0} is not a date").format(frappe.bold(str(value)[:40])))
	return result


def parse_datetime(value) -> datetime.datetime | None:
	if isinstance(value, datetime.datetime):
		return value.replace(tzinfo=None)
	if isinstance(value, datetime.date):
		return datetime.datetime.combine(value, datetime.time())
	if not isinstance(value, str) or len(value) > 40:
		return None
	try:
		return datetime.datetime.fromisoformat(value.strip().replace("Z", "+00:00")).replace(tzinfo=None)
	except ValueError:
		return None


def parse_date(value) -> datetime.date | None:
	if isinstance(value, datetime.datetime):
		return value.date()
	if isinstance(value, datetime.date):
		return value
	if not isinstance(value, str) or len(value) > 40:
		return None
	try:
		return datetime.date.fromisoformat(value.strip())
	except ValueError:
		return None


def parse_time(value) -> bool:
	if isinstance(value, datetime.time | datetime.timedelta):
		return True
	if not isinstance(value, str):
		return False
	try:
		datetime.time.fromisoformat(value.strip())
	except ValueError:
		return False
	return True


def docname(doctype: str, value, label: str) -> str:
	"""The name of an existing record of `doctype` (404 when there is none)."""
	value = text(value, label)
	if not frappe.db.exists(doctype, value):
		frappe.throw(
			_("{0} {1} not found").format(_(doctype), frappe.bold(value)),
			frappe.DoesNotExistError,
			title=_("Not Found"),
		)
	return value


# --- document values ---------------------------------------------------------------------------------------------


def check_document_values(doc, method=None):
	"""before_validate of the app's doctypes: numbers, dates and times as sent, before Frappe casts them (flt("abc")
	is 0.0, a malformed date is an exception); and no list or object where a single value belongs."""
	for row in [doc, *doc.get_all_children()]:
		for df in row.meta.fields:
			if df.fieldtype in NUMERIC_FIELDTYPES or df.fieldtype in DATE_FIELDTYPES:
				check_value(row, df)
		check_single_values(row)


def check_single_values(row):
	"""A JSON list or object sent for a field that holds one value (a text, a link) is refused, not stored as its
	repr nor passed to a query as filters."""
	for df in row.meta.fields:
		if df.fieldtype in STRUCTURED_FIELDTYPES:
			continue
		value = row.get(df.fieldname)
		if isinstance(value, dict | list | tuple | set):
			where = _("Row #{0}: {1}").format(row.idx, _(df.label)) if row.get("parentfield") else _(df.label)
			refuse(where, _("one value is expected, not a list or an object"))


class CheckedDocument(Document):
	"""A document of this app whose single-valued fields are checked before Frappe validates its links on insert
	(which runs before any hook, and would pass an object to the database as filters)."""

	def _validate_links(self):
		for row in [self, *self.get_all_children()]:
			check_single_values(row)
		super()._validate_links()


def check_value(row, df):
	value = row.get(df.fieldname)
	if missing(value):
		return
	if df.fieldtype in NUMERIC_FIELDTYPES:
		fine = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
		if isinstance(value, bool) and df.fieldtype == "Check":
			fine = True
		if isinstance(value, str):
			try:
				fine = math.isfinite(float(value))
			except ValueError:
				fine = False
	elif df.fieldtype == "Date":
		fine = parse_date(value) is not None or parse_datetime(value) is not None
	elif df.fieldtype == "Datetime":
		fine = parse_datetime(value) is not None
	else:
		fine = parse_time(value)
	if not fine:
		where = _("Row #{0}: {1}").format(row.idx, _(df.label)) if row.get("parentfield") else _(df.label)
		expected = {
			"Date": _("a date"),
			"Datetime": _("a date and time"),
			"Time": _("a time"),
		}.get(df.fieldtype, _("a number"))
		refuse(where, _("{0} is not {1}").format(frappe.bold(str(value)[:40]), expected))


def check_app_document_values(doc, method=None):
	"""The same for every doctype of this app (hooks: before_validate, before_update_after_submit)."""
	from medical_devices.audit.scope import app_modules

	if doc.meta.module in app_modules():
		check_document_values(doc)


def endpoint(fn):
	"""Below @frappe.whitelist(): an argument left out is refused with its name (HTTP 417), as any other bad
	argument, rather than failing as a Python TypeError (HTTP 500)."""
	signature = inspect.signature(fn)
	required = [
		name
		for name, parameter in signature.parameters.items()
		if parameter.default is parameter.empty
		and parameter.kind in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY)
	]

	@functools.wraps(fn)
	def checked(*args, **kwargs):
		absent = [name for name in required[len(args) :] if name not in kwargs]
		if absent:
			refuse(", ".join(absent), _("missing"))
		return fn(*args, **kwargs)

	return checked
