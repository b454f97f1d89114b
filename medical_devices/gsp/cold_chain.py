"""Entry points for temperature readings: a data logger's CSV file and the REST API."""

import frappe
from frappe import _

from medical_devices import inputs
from medical_devices.gsp.logger_csv import LoggerCSVError, parse_logger_csv

MAX_READINGS = 50000


REFERENCE_TYPES = ("Warehouse", "Delivery Note", "Batch")
MAX_CSV_LENGTH = 20 * 1024 * 1024


@frappe.whitelist(methods=["POST"])
@inputs.endpoint
def read_logger_csv(file_url: str) -> list[dict]:
	"""Readings from an uploaded logger CSV, for the Temperature Log form's Import button."""
	file_url = inputs.text(file_url, _("File"), max_length=1000)
	name = frappe.db.get_value("File", {"file_url": file_url})
	if not name:
		frappe.throw(_("File {0} not found").format(frappe.bold(file_url)), frappe.DoesNotExistError)
	file = frappe.get_doc("File", name)
	file.check_permission("read")
	return [reading_row(r) for r in parse_readings(file.get_content())]


@frappe.whitelist(methods=["POST"])
def record_temperature_readings(
	reference_type: str | None = None,
	reference_name: str | None = None,
	readings: str | list | None = None,
	csv_content: str | None = None,
	logger_id: str | None = None,
	submit: int | bool | str | None = 1,
) -> dict:
	"""POST /api/method/medical_devices.gsp.cold_chain.record_temperature_readings

	`readings` is a list of {"reading_time", "temperature", "humidity"}; or send a logger's CSV text as
	`csv_content`. Returns the new log's name and whether it found an excursion.
	"""
	reference_type = inputs.choice(reference_type, _("Reference Type"), REFERENCE_TYPES)
	reference_name = inputs.docname(reference_type, reference_name, _("Reference Name"))
	logger_id = inputs.text(logger_id, _("Logger ID"), required=False)
	submit = inputs.flag(submit, _("Submit"), default=1)
	frappe.has_permission("Temperature Log", "create", throw=True)
	frappe.has_permission(reference_type, "read", reference_name, throw=True)
	if not inputs.missing(csv_content):
		csv_content = inputs.text(csv_content, _("CSV Content"), max_length=MAX_CSV_LENGTH)
		rows = [reading_row(r) for r in parse_readings(csv_content)]
		source = "CSV Import"
	else:
		rows = inputs.json_list(readings, _("Temperature Readings"), max_items=MAX_READINGS)
		source = "API"
	if not rows:
		frappe.throw(_("Add at least one reading."), inputs.InvalidInputError, title=_("No Readings"))
	log = frappe.get_doc(
		{
			"doctype": "Temperature Log",
			"reference_type": reference_type,
			"reference_name": reference_name,
			"logger_id": logger_id,
			"source": source,
			"readings": [reading_values(index, row) for index, row in enumerate(rows, start=1)],
		}
	)
	log.insert()
	if submit:
		log.submit()
	return {"name": log.name, "has_excursion": log.has_excursion, "excursion_count": log.excursion_count}


def reading_values(index: int, row) -> dict:
	label = _("Reading {0}").format(index)
	if not isinstance(row, dict):
		inputs.refuse(label, _("must be an object with reading_time, temperature and humidity"))
	return {
		"reading_time": inputs.date_time(row.get("reading_time"), _("{0}: time").format(label)),
		"temperature": inputs.number(row.get("temperature"), _("{0}: temperature").format(label)),
		"humidity": inputs.number(row.get("humidity"), _("{0}: humidity").format(label), required=False),
	}


def parse_readings(content):
	try:
		return parse_logger_csv(content)
	except LoggerCSVError as error:
		frappe.throw(error.translated(_), inputs.InvalidInputError, title=_("Unreadable Logger File"))


def reading_row(reading) -> dict:
	return {
		"reading_time": reading.reading_time.strftime("%Y-%m-%d %H:%M:%S"),
		"temperature": reading.temperature,
		"humidity": reading.humidity,
	}
