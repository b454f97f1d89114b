"""Entry points for temperature readings: a data logger's CSV file and the REST API."""

import frappe
from frappe import _

from medical_devices.gsp.logger_csv import LoggerCSVError, parse_logger_csv

MAX_READINGS = 50000


@frappe.whitelist(methods=["POST"])
def read_logger_csv(file_url: str) -> list[dict]:
	"""Readings from an uploaded logger CSV, for the Temperature Log form's Import button."""
	file = frappe.get_doc("File", {"file_url": file_url})
	file.check_permission("read")
	return [reading_row(r) for r in parse_readings(file.get_content())]


@frappe.whitelist(methods=["POST"])
def record_temperature_readings(
	reference_type: str,
	reference_name: str,
	readings: str | list | None = None,
	csv_content: str | None = None,
	logger_id: str | None = None,
	submit: int | bool = 1,
) -> dict:
	"""POST /api/method/medical_devices.gsp.cold_chain.record_temperature_readings

	`readings` is a list of {"reading_time", "temperature", "humidity"}; or send a logger's CSV text as
	`csv_content`. Returns the new log's name and whether it found an excursion.
	"""
	frappe.has_permission("Temperature Log", "create", throw=True)
	if csv_content:
		rows = [reading_row(r) for r in parse_readings(csv_content)]
		source = "CSV Import"
	else:
		rows = frappe.parse_json(readings) if isinstance(readings, str) else (readings or [])
		source = "API"
	if len(rows) > MAX_READINGS:
		frappe.throw(_("At most {0} readings per log; split the period.").format(MAX_READINGS))
	log = frappe.get_doc(
		{
			"doctype": "Temperature Log",
			"reference_type": reference_type,
			"reference_name": reference_name,
			"logger_id": logger_id,
			"source": source,
			"readings": [
				{
					"reading_time": r.get("reading_time"),
					"temperature": r.get("temperature"),
					"humidity": r.get("humidity"),
				}
				for r in rows
			],
		}
	)
	log.insert()
	if frappe.utils.cint(submit):
		log.submit()
	return {"name": log.name, "has_excursion": log.has_excursion, "excursion_count": log.excursion_count}


def parse_readings(content):
	try:
		return parse_logger_csv(content)
	except LoggerCSVError as error:
		frappe.throw(error.translated(_), title=_("Unreadable Logger File"))


def reading_row(reading) -> dict:
	return {
		"reading_time": reading.reading_time.strftime("%Y-%m-%d %H:%M:%S"),
		"temperature": reading.temperature,
		"humidity": reading.humidity,
	}
