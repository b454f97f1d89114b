"""Readings from a temperature data logger's CSV export (pure Python, no Frappe).

Loggers differ: comma, semicolon or tab separated; a byte-order mark; English or Chinese headers; the date and
time in one column or two; °C with a comma as decimal mark. A row that cannot be read is an error naming its
line, never silently skipped.
"""

import csv
import dataclasses
import datetime
import io
import math

TIME_HEADERS = (
	"timestamp",
	"datetime",
	"date time",
	"date/time",
	"time",
	"reading time",
	"时间",
	"记录时间",
	"日期时间",
	"采集时间",
)
DATE_HEADERS = ("date", "日期")
TEMPERATURE_HEADERS = (
	"temperature",
	"temp",
	"temperature (°c)",
	"temperature(°c)",
	"temp (°c)",
	"°c",
	"温度",
	"温度(°c)",
	"温度(℃)",
	"温度℃",
)
HUMIDITY_HEADERS = ("humidity", "rh", "humidity (%)", "rh (%)", "%rh", "湿度", "湿度(%)", "湿度%rh")
DATETIME_FORMATS = (
	"%Y-%m-%d %H:%M:%S",
	"%Y-%m-%d %H:%M",
	"%Y/%m/%d %H:%M:%S",
	"%Y/%m/%d %H:%M",
	"%Y-%m-%dT%H:%M:%S",
	"%Y-%m-%dT%H:%M",
	"%d.%m.%Y %H:%M:%S",
	"%d.%m.%Y %H:%M",
	"%Y年%m月%d日 %H:%M:%S",
	"%Y年%m月%d日 %H:%M",
)


def _(message: str) -> str:
	"""Marks a message for translation; Frappe translates it where it is shown (LoggerCSVError.translated)."""
	return message


class LoggerCSVError(ValueError):
	"""A message for people; `template` is untranslated, `params` fill its placeholders."""

	def __init__(self, template: str, **params):
		self.template = template
		self.params = params
		super().__init__(template.format(**params))

	def translated(self, translate) -> str:
		params = {
			k: v.translated(translate) if isinstance(v, LoggerCSVError) else v for k, v in self.params.items()
		}
		return translate(self.template).format(**params)


@dataclasses.dataclass(frozen=True)
class Reading:
	reading_time: datetime.datetime
	temperature: float
	humidity: float | None = None


def parse_logger_csv(content: str | bytes) -> list[Reading]:
	if isinstance(content, bytes):
		content = decode(content)
	content = content.lstrip("\ufeff")
	lines = [line for line in content.splitlines() if line.strip()]
	if not lines:
		raise LoggerCSVError(_("The file is empty."))
	dialect = sniff_delimiter(lines[0])
	try:
		rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=dialect))
	except csv.Error as error:  # a field longer than the csv module's limit, a stray NUL
		raise LoggerCSVError(
			_("The file is not a readable CSV table ({problem})."), problem=str(error)
		) from None
	header_index, columns = find_header(rows)
	readings = []
	for offset, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
		if not any(cell.strip() for cell in row):
			continue
		try:
			readings.append(read_row(row, columns))
		except LoggerCSVError as error:
			raise LoggerCSVError(_("Line {line}: {problem}"), line=offset, problem=error) from None
		except IndexError:
			raise LoggerCSVError(_("Line {line}: a column is missing."), line=offset) from None
	if not readings:
		raise LoggerCSVError(_("The file has a header but no readings."))
	return sorted(readings, key=lambda r: r.reading_time)


def decode(raw: bytes) -> str:
	for encoding in ("utf-8-sig", "gb18030"):
		try:
			return raw.decode(encoding)
		except UnicodeDecodeError:
			continue
	raise LoggerCSVError(_("The file is neither UTF-8 nor GB18030 text."))


def sniff_delimiter(header_line: str) -> str:
	counts = {sep: header_line.count(sep) for sep in (",", ";", "\t")}
	return max(counts, key=counts.get) if any(counts.values()) else ","


def normalise_header(cell: str) -> str:
	return " ".join(cell.strip().lower().replace("℃", "°c").split())


def find_header(rows: list[list[str]]) -> tuple[int, dict[str, int]]:
	"""Loggers often print a preamble (device, serial) before the table: look in the first 20 lines."""
	for index, row in enumerate(rows[:20]):
		names = [normalise_header(cell) for cell in row]
		columns = {}
		for position, name in enumerate(names):
			if name in TEMPERATURE_HEADERS or name.startswith(("temperature", "温度")):
				columns.setdefault("temperature", position)
			elif name in HUMIDITY_HEADERS or name.startswith(("humidity", "湿度")):
				columns.setdefault("humidity", position)
			elif name in TIME_HEADERS:
				columns.setdefault("time", position)
			elif name in DATE_HEADERS:
				columns.setdefault("date", position)
		if "temperature" in columns and ("time" in columns or "date" in columns):
			return index, columns
	raise LoggerCSVError(_("No header with a time and a temperature column was found."))


def read_row(row: list[str], columns: dict[str, int]) -> Reading:
	if "date" in columns and "time" in columns:
		stamp = f"{row[columns['date']].strip()} {row[columns['time']].strip()}"
	else:
		stamp = row[columns.get("time", columns.get("date"))].strip()
	return Reading(
		reading_time=parse_datetime(stamp),
		temperature=parse_number(row[columns["temperature"]], "temperature"),
		humidity=parse_number(row[columns["humidity"]], "humidity", optional=True)
		if "humidity" in columns
		else None,
	)


def parse_datetime(text: str) -> datetime.datetime:
	for pattern in DATETIME_FORMATS:
		try:
			return datetime.datetime.strptime(text, pattern)
		except ValueError:
			continue
	raise LoggerCSVError(_("'{text}' is not a date and time such as 2026-11-28 08:30"), text=shorten(text))


def parse_number(text: str, what: str, optional: bool = False) -> float | None:
	cleaned = text.strip().replace("°C", "").replace("℃", "").replace("%", "").strip()
	if not cleaned and optional:
		return None
	cleaned = cleaned.replace(",", ".") if cleaned.count(",") == 1 and "." not in cleaned else cleaned
	try:
		value = float(cleaned)
	except ValueError:
		value = math.nan
	if not math.isfinite(value):
		message = (
			_("'{text}' is not a temperature") if what == "temperature" else _("'{text}' is not a humidity")
		)
		raise LoggerCSVError(message, text=shorten(text)) from None
	return value


def shorten(text: str) -> str:
	return text if len(text) <= 40 else text[:40] + "…"
