"""One device record that serves three regulators' UDI databases (NMPA UDID, FDA GUDID, EU EUDAMED).

Pure Python: `medical_devices.nmpa.device_master` fills `DeviceRecord`s from the UDI Device Identifier, Item and
Registration Certificate; `udid`, `gudid` and `eudamed` check and write them in each regulator's shape. A check
returns `Problem`s instead of raising, so that one pass lists everything wrong with a catalogue.
"""

import datetime
import re
from dataclasses import dataclass, field

from medical_devices.udi.parser import UDIError, check_di
from medical_devices.udi.parser.model import _

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# C + 6-digit category + 3-digit generic name + 5-digit feature + 5-digit manufacturer
NHSA_CODE = re.compile(r"^C\d{19}$")
MR_SAFETY = ("MR Safe", "MR Conditional", "MR Unsafe", "Not Evaluated", "No MR Labelling")


@dataclass(frozen=True)
class Package:
	di: str
	level: str  # "Inner Pack", "Case", "Pallet"
	quantity: float  # units of the next-lower level in one package
	contains_di: str
	uom: str | None = None


@dataclass(frozen=True)
class StorageCondition:
	condition: str  # "Temperature", "Humidity", or free text from the label
	low: float | None = None
	high: float | None = None
	unit: str | None = None


@dataclass(frozen=True)
class ClinicalSize:
	size_type: str
	value: float | None
	unit: str | None
	text: str | None = None


@dataclass
class DeviceRecord:
	"""A device as its minimum sales unit's DI (the primary DI), with everything a UDI database asks about it."""

	primary_di: str
	issuing_agency: str
	item_code: str
	device_class: str | None = None
	generic_name: str | None = None
	trade_name: str | None = None
	model: str | None = None
	description: str | None = None
	catalogue_number: str | None = None
	device_type: str | None = None  # "Medical Device" | "In Vitro Diagnostic Reagent"
	product_category: str | None = None  # "Consumable" | "Equipment"
	classification_code: str | None = None
	is_kit: bool = False
	use_units: int = 1
	unit_of_use_di: str | None = None
	publish_date: datetime.date | None = None
	published: bool = False
	carriers: tuple[str, ...] = ()  # "1D Barcode", "2D Barcode", "RFID"
	registration_di: str | None = None
	direct_marking: bool = False
	direct_marking_di: str | None = None
	registrant_name: str | None = None
	registrant_name_en: str | None = None
	registrant_credit_code: str | None = None
	registrant_address: str | None = None
	certificate_numbers: tuple[str, ...] = ()
	nhsa_code: str | None = None
	mr_safety: str | None = None
	single_use: bool = False
	max_reuses: int | None = None
	sterile: bool = False
	sterilise_before_use: bool = False
	sterilisation_method: str | None = None
	contains_latex: bool = False
	info_url: str | None = None
	withdrawal_date: datetime.date | None = None
	pi_batch: bool = False
	pi_serial: bool = False
	pi_manufacturing_date: bool = False
	pi_expiry_date: bool = False
	storage_note: str | None = None
	special_size_note: str | None = None
	packages: list[Package] = field(default_factory=list)
	storage: list[StorageCondition] = field(default_factory=list)
	clinical_sizes: list[ClinicalSize] = field(default_factory=list)
	contact_phone: str | None = None
	contact_email: str | None = None
	contact_fax: str | None = None
	# FDA GUDID and EU EUDAMED
	duns_number: str | None = None
	gmdn_code: str | None = None
	fda_product_code: str | None = None
	basic_udi_di: str | None = None
	srn: str | None = None
	emdn_code: str | None = None
	eu_risk_class: str | None = None


@dataclass(frozen=True)
class Problem:
	"""What is wrong with one field of one device. `template` is untranslated; `params` fill it."""

	di: str
	field: str  # the DeviceRecord attribute, so the desk can name the field to fix
	template: str
	params: tuple[tuple[str, str], ...] = ()

	def message(self, translate=lambda text: text) -> str:
		params = dict(self.params)
		if "field" in params:  # a label from LABELS, translated like the template
			params["field"] = translate(params["field"])
		return translate(self.template).format(**params)


def problem(record: DeviceRecord, attribute: str, template: str, **params) -> Problem:
	return Problem(record.primary_di, attribute, template, tuple((k, str(v)) for k, v in params.items()))


# Field labels in the records' own words; the desk translates them like any other label.
LABELS = {
	"primary_di": _("Primary DI"),
	"issuing_agency": _("Issuing Agency"),
	"generic_name": _("Generic Name"),
	"trade_name": _("Trade Name"),
	"model": _("Specification / Model"),
	"description": _("Description"),
	"catalogue_number": _("Catalogue Number"),
	"device_type": _("Device Type"),
	"product_category": _("Product Category"),
	"classification_code": _("Classification Code"),
	"use_units": _("Use Units per Sales Unit"),
	"unit_of_use_di": _("Unit-of-Use DI"),
	"publish_date": _("DI Publish Date"),
	"carriers": _("UDI Carrier"),
	"direct_marking_di": _("Direct Marking DI"),
	"registrant_name": _("Registrant / Filer"),
	"registrant_credit_code": _("Registrant Unified Social Credit Code"),
	"certificate_numbers": _("Registration / Filing Number"),
	"nhsa_code": _("NHSA Consumables Code"),
	"mr_safety": _("MR Safety"),
	"max_reuses": _("Maximum Number of Reuses"),
	"sterilisation_method": _("Sterilisation Method"),
	"production_identifier": _("Production Identifier (PI) Carried"),
	"storage": _("Storage Condition"),
	"packages": _("Package Level"),
	"duns_number": _("Registrant DUNS Number"),
	"gmdn_code": _("GMDN Code"),
	"fda_product_code": _("FDA Product Code"),
	"basic_udi_di": _("Basic UDI-DI"),
	"srn": _("Registrant SRN (EU)"),
	"emdn_code": _("EMDN Code"),
	"eu_risk_class": _("EU Risk Class"),
}


def is_valid_credit_code(code: str) -> bool:
	"""统一社会信用代码 (GB 32100-2015): 18 characters, the last a check character over the first 17."""
	code = (code or "").strip().upper()
	if len(code) != 18 or any(char not in USCC_CHARSET for char in code):
		return False
	total = sum(USCC_CHARSET.index(char) * weight for char, weight in zip(code, USCC_WEIGHTS, strict=False))
	return USCC_CHARSET[(31 - total % 31) % 31] == code[-1]


def check_required(record: DeviceRecord, attributes) -> list[Problem]:
	return [
		problem(record, attribute, _("{field} is missing."), field=LABELS[attribute])
		for attribute in attributes
		if getattr(record, attribute) in (None, "", (), [])
	]


def check_identifier(record: DeviceRecord, attribute: str, agencies: tuple[str, ...], regulator: str):
	"""The DI in `attribute` must be well formed for its agency, and the agency one this regulator accepts."""
	value = getattr(record, attribute)
	if not value:
		return []
	if record.issuing_agency not in agencies:
		return [
			problem(
				record,
				"issuing_agency",
				_("{regulator} does not accept {agency} codes; it accepts {agencies}."),
				regulator=regulator,
				agency=record.issuing_agency,
				agencies=", ".join(agencies),
			)
		]
	try:
		check_di(value, record.issuing_agency)
	except UDIError as error:
		return [problem(record, attribute, error.template, **error.params)]
	return []


def check_common(record: DeviceRecord) -> list[Problem]:
	"""Rules every regulator shares: production identifiers, reuse, sterilisation, storage, packaging."""
	problems = []
	if not any((record.pi_batch, record.pi_serial, record.pi_manufacturing_date, record.pi_expiry_date)):
		problems.append(
			problem(
				record,
				"production_identifier",
				_(
					"Say which production identifiers the UDI carries (batch, serial, manufacturing or expiry date)."
				),
			)
		)
	if record.single_use and record.max_reuses:
		problems.append(
			problem(
				record,
				"max_reuses",
				_("A single-use device cannot have a maximum number of reuses ({reuses})."),
				reuses=record.max_reuses,
			)
		)
	if record.sterilise_before_use and not record.sterilisation_method:
		problems.append(
			problem(
				record,
				"sterilisation_method",
				_("The device must be sterilised before use: name the method."),
			)
		)
	if record.mr_safety and record.mr_safety not in MR_SAFETY:
		problems.append(
			problem(
				record, "mr_safety", _("MR safety “{value}” is not a known value."), value=record.mr_safety
			)
		)
	for condition in record.storage:
		if condition.low is not None and condition.high is not None and condition.low > condition.high:
			problems.append(
				problem(
					record,
					"storage",
					_("Storage {condition}: the lowest value {low} is above the highest {high}."),
					condition=condition.condition,
					low=condition.low,
					high=condition.high,
				)
			)
	for package in record.packages:
		if package.quantity <= 0 or package.quantity != int(package.quantity):
			problems.append(
				problem(
					record,
					"packages",
					_("Package {di} must hold a whole number of {contains}, not {quantity}."),
					di=package.di,
					contains=package.contains_di,
					quantity=package.quantity,
				)
			)
	return problems


def yes_no(value: bool, yes: str, no: str) -> str:
	return yes if value else no


def number(value) -> str:
	"""Numbers as people write them: 8 rather than 8.0."""
	if value is None:
		return ""
	return str(int(value)) if float(value) == int(value) else str(value)


def field_sheets(records, key: str, device_sheet: str, device_fields, lists) -> dict:
	"""A workbook's sheets: one row per device, then one sheet per list (packages, storage...) keyed by `key`.

	`device_fields` and each list's fields are (column, value function) pairs; `lists` maps a sheet title to
	(fields, the function giving a record's rows)."""
	sheets = {
		device_sheet: (
			[column for column, _value in device_fields],
			[[value(record) for _column, value in device_fields] for record in records],
		)
	}
	for title, (fields, rows_of) in lists.items():
		sheets[title] = (
			[key] + [column for column, _value in fields],
			[
				[record.primary_di] + [value(row) for _column, value in fields]
				for record in records
				for row in rows_of(record)
			],
		)
	return sheets
