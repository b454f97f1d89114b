"""Cold-chain evidence: temperature readings for a warehouse, a shipment or a batch.

The allowed range comes from the storage condition of the devices concerned; readings outside it are an
excursion. Submitting a log with an excursion puts the affected released batches in Quarantine (setting).
"""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt, get_datetime

from medical_devices import inputs, stored_texts
from medical_devices.devices import device_items
from medical_devices.gsp import rules
from medical_devices.gsp.batch_status import set_batch_status
from medical_devices.gsp.stock import batch_balances
from medical_devices.medical_devices.doctype.medical_device_settings.medical_device_settings import (
	get_settings,
)


class TemperatureLog(Document):
	def validate(self):
		if not self.readings:
			frappe.throw(_("Add at least one reading."), title=_("No Readings"))
		self.set_company()
		self.set_allowed_range()
		self.evaluate_readings()

	def set_company(self):
		if self.company:
			return
		if self.reference_type == "Warehouse":
			self.company = frappe.db.get_value("Warehouse", self.reference_name, "company")
		elif self.reference_type == "Delivery Note":
			self.company = frappe.db.get_value("Delivery Note", self.reference_name, "company")

	def set_allowed_range(self):
		low, high, basis = allowed_range(self.reference_type, self.reference_name)
		if low is None and high is None:
			frappe.throw(
				_(
					"{0} {1} has no storage temperature range: set it on the device item (or the warehouse)."
				).format(_(self.reference_type), frappe.bold(self.reference_name)),
				title=_("No Allowed Range"),
			)
		self.allowed_min, self.allowed_max, self.range_basis = low, high, basis

	def evaluate_readings(self):
		for row in self.readings:
			if inputs.missing(row.temperature) or inputs.missing(row.reading_time):
				inputs.refuse(_("Row #{0}").format(row.idx), _("a reading needs its time and temperature"))
			inputs.date_time(row.reading_time, _("Row #{0}: {1}").format(row.idx, _("Reading Time")))
		self.readings.sort(key=lambda row: get_datetime(row.reading_time))
		excursions = []
		for idx, row in enumerate(self.readings, start=1):
			row.idx = idx
			row.is_excursion = int(
				rules.range_violation(flt(row.temperature), self.allowed_min, self.allowed_max)
			)
			if row.is_excursion:
				excursions.append(row)
		temperatures = [flt(row.temperature) for row in self.readings]
		self.lowest_reading, self.highest_reading = min(temperatures), max(temperatures)
		self.period_start, self.period_end = self.readings[0].reading_time, self.readings[-1].reading_time
		self.has_excursion = int(bool(excursions))
		self.excursion_count = len(excursions)
		self.first_excursion_at = excursions[0].reading_time if excursions else None

	def on_submit(self):
		if not self.has_excursion:
			return
		quarantined = []
		if get_settings().quarantine_on_excursion:
			quarantined = quarantine_affected_batches(self)
			if quarantined:
				self.db_set("quarantined_batches", "\n".join(quarantined))
		notify_excursion(self, quarantined)

	def on_trash(self):
		frappe.throw(_("Temperature records are kept; cancel and amend a wrong log instead."))


def device_ranges(item_codes) -> dict[str, tuple[float | None, float | None]]:
	ranges = {}
	fields = ["md_requires_cold_chain", "md_storage_temperature_min", "md_storage_temperature_max"]
	for name, item in device_items(item_codes, fields).items():
		low, high = item.md_storage_temperature_min, item.md_storage_temperature_max
		if item.md_requires_cold_chain or low or high:
			ranges[name] = (low, high)
	return ranges


def allowed_range(reference_type: str, reference_name: str):
	"""(min, max, where it came from)."""
	if reference_type == "Warehouse":
		low, high = frappe.db.get_value(
			"Warehouse", reference_name, ["md_temperature_min", "md_temperature_max"]
		)
		if low or high:
			return low, high, _("Warehouse {0}").format(reference_name)
		items = stocked_items(reference_name)
	elif reference_type == "Batch":
		items = [frappe.db.get_value("Batch", reference_name, "item")]
	else:
		items = frappe.get_all(
			"Delivery Note Item", filters={"parent": reference_name}, pluck="item_code", distinct=True
		)
	ranges = device_ranges(items)
	if not ranges:
		return None, None, None
	low, high = rules.tightest_range(list(ranges.values()))
	basis = ", ".join(f"{item} ({fmt(r[0])} – {fmt(r[1])} °C)" for item, r in sorted(ranges.items()))
	return low, high, basis


def fmt(value) -> str:
	return "-" if value is None else f"{flt(value):g}"


def stocked_items(warehouse: str) -> list[str]:
	return frappe.get_all("Bin", filters={"warehouse": warehouse, "actual_qty": (">", 0)}, pluck="item_code")


def affected_batches(log) -> dict[str, str]:
	"""{batch name: item} of device batches whose own storage range the log's readings broke."""
	if log.reference_type == "Batch":
		candidates = {log.reference_name: frappe.db.get_value("Batch", log.reference_name, "item")}
	elif log.reference_type == "Delivery Note":
		candidates = voucher_batches("Delivery Note", log.reference_name)
	else:
		candidates = warehouse_batches(log.reference_name)
	ranges = device_ranges(set(candidates.values()))
	temperatures = [flt(row.temperature) for row in log.readings]
	broken = set()
	for item, (low, high) in ranges.items():
		if any(rules.range_violation(t, low, high) for t in temperatures):
			broken.add(item)
	return {batch: item for batch, item in candidates.items() if item in broken}


def voucher_batches(voucher_type: str, voucher_no: str) -> dict[str, str]:
	entry = frappe.qb.DocType("Serial and Batch Entry")
	bundle = frappe.qb.DocType("Serial and Batch Bundle")
	rows = (
		frappe.qb.from_(entry)
		.join(bundle)
		.on(bundle.name == entry.parent)
		.select(entry.batch_no, bundle.item_code)
		.distinct()
		.where(bundle.voucher_type == voucher_type)
		.where(bundle.voucher_no == voucher_no)
		.where(bundle.is_cancelled == 0)
		.where(entry.batch_no.isnotnull())
		.run(as_dict=True)
	)
	return {row.batch_no: row.item_code for row in rows}


def warehouse_batches(warehouse: str) -> dict[str, str]:
	return {row["batch"]: row["item_code"] for row in batch_balances(warehouse=warehouse)}


def quarantine_affected_batches(log) -> list[str]:
	reason = stored_texts.TEMPERATURE_EXCURSION.text(
		log.name, log.excursion_count, fmt(log.allowed_min), fmt(log.allowed_max)
	)
	quarantined = []
	for batch in sorted(affected_batches(log)):
		if frappe.db.get_value("Batch", batch, "md_batch_status") not in (rules.RELEASED, None, ""):
			continue
		set_batch_status(batch, rules.QUARANTINE, reason, "Temperature Log", log.name, check_role=False)
		quarantined.append(frappe.db.get_value("Batch", batch, "batch_id"))
	return quarantined


def notify_excursion(log, quarantined: list[str]):
	from medical_devices.gsp.alerts import send_alert

	subject = _("Temperature excursion: {0} {1}, {2} readings out of range").format(
		_(log.reference_type), log.reference_name, log.excursion_count
	)
	body = _("Lowest {0} °C, highest {1} °C, allowed {2} – {3} °C.").format(
		fmt(log.lowest_reading), fmt(log.highest_reading), fmt(log.allowed_min), fmt(log.allowed_max)
	)
	if quarantined:
		body += "<br>" + _("Put in Quarantine: {0}").format(", ".join(quarantined))
	send_alert(subject, body, document_type="Temperature Log", document_name=log.name)
