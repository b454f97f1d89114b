"""FDA's Global UDI Database (GUDID): checks and the data-element sheets of a device record.

Column names are the GUDID data elements (21 CFR 830.310; GUDID Data Elements Reference Table), for
bulk preparation or a GUDID submission tool; the HL7 SPL message itself is the submitter's. Pure Python.
"""

import re

from medical_devices.nmpa.device_data import (
	DeviceRecord,
	Problem,
	check_common,
	check_identifier,
	check_required,
	field_sheets,
	number,
	problem,
	yes_no,
)
from medical_devices.udi.parser.model import _

REGULATOR = "FDA GUDID"
AGENCIES = ("GS1", "HIBCC", "ICCBBA")
DUNS = re.compile(r"^\d{9}$")
FDA_PRODUCT_CODE = re.compile(r"^[A-Z]{3}$")
MRI_SAFETY = {
	"MR Safe": "MR Safe",
	"MR Conditional": "MR Conditional",
	"MR Unsafe": "MR Unsafe",
	"Not Evaluated": "Labeling does not contain MRI Safety Information",
	"No MR Labelling": "Labeling does not contain MRI Safety Information",
}
PACKAGE_TYPES = {"Inner Pack": "Pack", "Case": "Case", "Pallet": "Pallet"}


def tf(value: bool) -> str:
	return yes_no(value, "true", "false")


def distribution_status(record: DeviceRecord) -> str:
	return "Not in Commercial Distribution" if record.withdrawal_date else "In Commercial Distribution"


DEVICE_FIELDS = (
	("Primary DI Number", lambda r: r.primary_di),
	("Issuing Agency", lambda r: r.issuing_agency),
	("Device Count", lambda r: str(r.use_units)),
	("Unit of Use DI Number", lambda r: r.unit_of_use_di or ""),
	("Labeler DUNS Number", lambda r: r.duns_number or ""),
	("Company Name", lambda r: r.registrant_name_en or r.registrant_name or ""),
	("Brand Name", lambda r: r.trade_name or ""),
	("Version or Model", lambda r: r.model or ""),
	("Catalog Number", lambda r: r.catalogue_number or ""),
	("Device Description", lambda r: r.description or ""),
	("DM DI Different from Primary DI", lambda r: tf(bool(r.direct_marking_di))),
	("DM DI Number", lambda r: r.direct_marking_di or ""),
	("Device Subject to Direct Marking", lambda r: tf(r.direct_marking)),
	("Device Publish Date", lambda r: r.publish_date.isoformat() if r.publish_date else ""),
	("Commercial Distribution Status", distribution_status),
	(
		"Commercial Distribution End Date",
		lambda r: r.withdrawal_date.isoformat() if r.withdrawal_date else "",
	),
	("Kit", lambda r: tf(r.is_kit)),
	("For Single-Use", lambda r: tf(r.single_use)),
	("Lot or Batch Number", lambda r: tf(r.pi_batch)),
	("Serial Number", lambda r: tf(r.pi_serial)),
	("Manufacturing Date", lambda r: tf(r.pi_manufacturing_date)),
	("Expiration Date", lambda r: tf(r.pi_expiry_date)),
	("MRI Safety Status", lambda r: MRI_SAFETY.get(r.mr_safety, "")),
	(
		"Device required to be labeled as containing natural rubber latex or dry natural rubber",
		lambda r: tf(r.contains_latex),
	),
	("Device Packaged as Sterile", lambda r: tf(r.sterile)),
	("Requires Sterilization Prior to Use", lambda r: tf(r.sterilise_before_use)),
	("Sterilization Method", lambda r: r.sterilisation_method or ""),
	("GMDN PT Code", lambda r: r.gmdn_code or ""),
	("FDA Product Code", lambda r: r.fda_product_code or ""),
	("FDA Premarket Submission Number", lambda r: ""),
	("Storage and Handling Note", lambda r: r.storage_note or ""),
	("Special Size Text", lambda r: r.special_size_note or ""),
	("Support Contact Phone", lambda r: r.contact_phone or ""),
	("Support Contact Email", lambda r: r.contact_email or ""),
)
PACKAGE_FIELDS = (
	("Package DI Number", lambda p: p.di),
	("Quantity per Package", lambda p: number(p.quantity)),
	("Contains DI Package", lambda p: p.contains_di),
	("Package Type", lambda p: PACKAGE_TYPES.get(p.level, p.level)),
)
STORAGE_FIELDS = (
	("Storage and Handling Type", lambda s: f"Handling Environment {s.condition}"),
	("Storage and Handling Low Value", lambda s: number(s.low)),
	("Storage and Handling High Value", lambda s: number(s.high)),
	(
		"Storage and Handling Unit of Measure",
		lambda s: {"℃": "Degrees Celsius", "%": "Percent"}.get(s.unit, s.unit or ""),
	),
)
CLINICAL_FIELDS = (
	("Size Type", lambda c: c.size_type),
	("Size Value", lambda c: number(c.value)),
	("Size Unit of Measure", lambda c: c.unit or ""),
	("Size Text", lambda c: c.text or ""),
)
REQUIRED = (
	"primary_di",
	"duns_number",
	"trade_name",
	"model",
	"description",
	"gmdn_code",
	"publish_date",
	"mr_safety",
)


def check(record: DeviceRecord) -> list[Problem]:
	from medical_devices.nmpa.udid import check_file_characters

	problems = check_required(record, REQUIRED) + check_file_characters(record)
	problems += check_identifier(record, "primary_di", AGENCIES, REGULATOR)
	if record.duns_number and not DUNS.match(record.duns_number):
		problems.append(
			problem(
				record, "duns_number", _("DUNS number {value} must be 9 digits."), value=record.duns_number
			)
		)
	if record.fda_product_code and not FDA_PRODUCT_CODE.match(record.fda_product_code):
		problems.append(
			problem(
				record,
				"fda_product_code",
				_("FDA product code {value} must be three capital letters."),
				value=record.fda_product_code,
			)
		)
	if record.gmdn_code and not record.gmdn_code.isdigit():
		problems.append(
			problem(record, "gmdn_code", _("GMDN code {value} must be digits only."), value=record.gmdn_code)
		)
	return problems + check_common(record)


def to_sheets(records: list[DeviceRecord]) -> dict[str, tuple[list[str], list[list[str]]]]:
	return field_sheets(
		records,
		"Primary DI Number",
		"Device",
		DEVICE_FIELDS,
		{
			"Package": (PACKAGE_FIELDS, lambda r: r.packages),
			"Storage and Handling": (STORAGE_FIELDS, lambda r: r.storage),
			"Clinically Relevant Size": (CLINICAL_FIELDS, lambda r: r.clinical_sizes),
		},
	)
