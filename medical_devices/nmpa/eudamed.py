"""EU EUDAMED UDI/device registration: checks and the MDR Annex VI Part B core data elements of a device record.

Column names are the Annex VI Part B elements, for bulk preparation of the UDI/Device module;
the XML of EUDAMED's machine-to-machine interface is out of scope. Pure Python.
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

REGULATOR = "EU EUDAMED"
AGENCIES = ("GS1", "HIBCC", "ICCBBA", "IFA")
SRN = re.compile(r"^[A-Z]{2}-MF-\d{9}$")
EMDN = re.compile(r"^[A-Z](\d{2}){0,3}\d{0,4}$")
EU_RISK_CLASSES = ("Class I", "Class IIa", "Class IIb", "Class III")


def yn(value: bool) -> str:
	return yes_no(value, "Yes", "No")


def market_status(record: DeviceRecord) -> str:
	return "No longer placed on the EU market" if record.withdrawal_date else "On the EU market"


DEVICE_FIELDS = (
	("UDI-DI", lambda r: r.primary_di),
	("UDI-DI Issuing Entity", lambda r: r.issuing_agency),
	("Basic UDI-DI", lambda r: r.basic_udi_di or ""),
	("Quantity of Device", lambda r: str(r.use_units)),
	("Unit of Use UDI-DI", lambda r: r.unit_of_use_di or ""),
	("Manufacturer SRN", lambda r: r.srn or ""),
	("Manufacturer Name", lambda r: r.registrant_name_en or r.registrant_name or ""),
	("Manufacturer Address", lambda r: r.registrant_address or ""),
	("Risk Class", lambda r: r.eu_risk_class or ""),
	("EMDN Code", lambda r: r.emdn_code or ""),
	("Trade Name", lambda r: r.trade_name or ""),
	("Model / Reference", lambda r: r.model or ""),
	("Catalogue Number", lambda r: r.catalogue_number or ""),
	("Additional Description", lambda r: r.description or ""),
	("Production Identifier: Lot", lambda r: yn(r.pi_batch)),
	("Production Identifier: Serial Number", lambda r: yn(r.pi_serial)),
	("Production Identifier: Manufacturing Date", lambda r: yn(r.pi_manufacturing_date)),
	("Production Identifier: Expiry Date", lambda r: yn(r.pi_expiry_date)),
	("Single Use", lambda r: yn(r.single_use)),
	("Maximum Number of Reuses", lambda r: "" if r.single_use else number(r.max_reuses)),
	("Sterile", lambda r: yn(r.sterile)),
	("Need for Sterilisation before Use", lambda r: yn(r.sterilise_before_use)),
	("Containing Latex", lambda r: yn(r.contains_latex)),
	("Direct Marking DI", lambda r: r.direct_marking_di or ""),
	("Storage and Handling Conditions", lambda r: r.storage_note or ""),
	("URL for Additional Information (eIFU)", lambda r: r.info_url or ""),
	("Device Status", market_status),
)
PACKAGE_FIELDS = (
	("Package UDI-DI", lambda p: p.di),
	("Quantity per Package", lambda p: number(p.quantity)),
	("Contained UDI-DI", lambda p: p.contains_di),
)
CLINICAL_FIELDS = (
	("Clinical Size Type", lambda c: c.size_type),
	("Value", lambda c: number(c.value)),
	("Unit", lambda c: c.unit or ""),
	("Text", lambda c: c.text or ""),
)
REQUIRED = ("primary_di", "basic_udi_di", "srn", "eu_risk_class", "emdn_code", "trade_name", "model")


def check(record: DeviceRecord) -> list[Problem]:
	from medical_devices.nmpa.udid import check_file_characters

	problems = check_required(record, REQUIRED) + check_file_characters(record)
	problems += check_identifier(record, "primary_di", AGENCIES, REGULATOR)
	if record.srn and not SRN.match(record.srn):
		problems.append(
			problem(record, "srn", _("SRN {value} must look like DE-MF-000012345."), value=record.srn)
		)
	if record.emdn_code and not EMDN.match(record.emdn_code):
		problems.append(
			problem(
				record,
				"emdn_code",
				_("EMDN code {value} must be a category letter and digits, e.g. C0104."),
				value=record.emdn_code,
			)
		)
	if record.eu_risk_class and record.eu_risk_class not in EU_RISK_CLASSES:
		problems.append(
			problem(
				record, "eu_risk_class", _("EU risk class {value} is unknown."), value=record.eu_risk_class
			)
		)
	return problems + check_common(record)


def to_sheets(records: list[DeviceRecord]) -> dict[str, tuple[list[str], list[list[str]]]]:
	return field_sheets(
		records,
		"UDI-DI",
		"UDI-DI",
		DEVICE_FIELDS,
		{
			"Package": (PACKAGE_FIELDS, lambda r: r.packages),
			"Clinical Size": (CLINICAL_FIELDS, lambda r: r.clinical_sizes),
		},
	)
