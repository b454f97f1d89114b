"""Device records for the UDI databases, read from UDI Device Identifier, Item and Registration Certificate.

One query per table for the whole catalogue (no query per device), so a catalogue of ten thousand DIs is read
in well under a second (docs/performance.md).
"""

import frappe
from frappe.utils import getdate, strip_html_tags, today

from medical_devices.nmpa.device_data import ClinicalSize, DeviceRecord, Package, StorageCondition

MINIMUM_SALES_UNIT = "Minimum Sales Unit"
ITEM_FIELDS = (
	"name",
	"item_name",
	"description",
	"md_device_class",
	"md_classification_code",
	"md_storage_condition",
	"md_storage_temperature_min",
	"md_storage_temperature_max",
	"md_generic_name",
	"md_trade_name",
	"md_model",
	"md_catalogue_number",
	"md_device_type",
	"md_product_category",
	"md_is_kit",
	"md_market_withdrawal_date",
	"md_single_use",
	"md_max_reuses",
	"md_sterile_packaging",
	"md_sterilise_before_use",
	"md_sterilisation_method",
	"md_mr_safety",
	"md_contains_latex",
	"md_info_url",
	"md_special_size_note",
	"md_gmdn_code",
	"md_fda_product_code",
	"md_basic_udi_di",
	"md_emdn_code",
	"md_eu_risk_class",
)
DI_FIELDS = (
	"name",
	"di",
	"issuing_agency",
	"item",
	"registration_certificate",
	"package_level",
	"uom",
	"base_quantity",
	"parent_di",
	"pi_has_batch",
	"pi_has_serial",
	"pi_has_manufacturing_date",
	"pi_has_expiry_date",
	"nhsa_code",
	"published_to_udid",
	"udid_publish_date",
	"carrier_1d",
	"carrier_2d",
	"carrier_rfid",
	"direct_marking",
	"direct_marking_di",
	"use_units",
	"unit_of_use_di",
	"registration_di",
)
CERTIFICATE_FIELDS = (
	"name",
	"certificate_number",
	"status",
	"approval_date",
	"holder",
	"product_name",
	"holder_credit_code",
	"holder_name_en",
	"holder_address",
	"holder_duns",
	"holder_srn",
	"contact_phone",
	"contact_email",
	"contact_fax",
)
UNUSABLE_CERTIFICATES = ("Expired", "Not Yet Valid")


def device_records(
	items: list[str] | None = None,
	item_group: str | None = None,
	only_unpublished: bool = False,
	on_date=None,
) -> list[DeviceRecord]:
	"""One record per active minimum-sales-unit DI of a medical-device item, ordered by DI."""
	on_date = getdate(on_date or today())
	item_filters = {"md_is_medical_device": 1}
	if items:
		item_filters["name"] = ("in", items)
	if item_group:
		item_filters["item_group"] = item_group
	item_rows = {row.name: row for row in frappe.get_all("Item", filters=item_filters, fields=ITEM_FIELDS)}
	if not item_rows:
		return []
	identifiers = frappe.get_all(
		"UDI Device Identifier",
		filters={"status": "Active", "item": ("in", list(item_rows))},
		fields=DI_FIELDS,
		order_by="di asc",
	)
	by_name = {row.name: row for row in identifiers}
	sales_units = [
		row
		for row in identifiers
		if row.package_level == MINIMUM_SALES_UNIT and not (only_unpublished and row.published_to_udid)
	]
	certificates = certificates_by_item([row.item for row in sales_units])
	sizes = clinical_sizes_by_item([row.item for row in sales_units])
	per_item = {}
	for row in identifiers:
		per_item.setdefault(row.item, []).append(row)
	return [
		device_record(
			row,
			item_rows[row.item],
			choose_certificates(row, certificates.get(row.item, [])),
			packages_of(row, per_item[row.item], by_name),
			sizes.get(row.item, []),
			on_date,
		)
		for row in sales_units
	]


def device_record(di, item, certificates, packages, sizes, on_date) -> DeviceRecord:
	certificate = certificates[0] if certificates else frappe._dict()
	storage = []
	if item.md_storage_temperature_min or item.md_storage_temperature_max:  # Float fields store 0 when empty
		storage.append(
			StorageCondition(
				"Temperature", item.md_storage_temperature_min, item.md_storage_temperature_max, "℃"
			)
		)
	carriers = tuple(
		name
		for name, present in (
			("1D Barcode", di.carrier_1d),
			("2D Barcode", di.carrier_2d),
			("RFID", di.carrier_rfid),
		)
		if present
	)
	return DeviceRecord(
		primary_di=di.di,
		issuing_agency=di.issuing_agency,
		item_code=item.name,
		device_class=item.md_device_class,
		generic_name=item.md_generic_name or certificate.get("product_name"),
		trade_name=item.md_trade_name or item.item_name,
		model=item.md_model,
		description=plain_text(item.description),
		catalogue_number=item.md_catalogue_number or item.name,
		device_type=item.md_device_type,
		product_category=item.md_product_category,
		classification_code=item.md_classification_code,
		is_kit=bool(item.md_is_kit),
		use_units=di.use_units or 1,
		unit_of_use_di=di.unit_of_use_di,
		publish_date=getdate(di.udid_publish_date) if di.udid_publish_date else on_date,
		published=bool(di.published_to_udid),
		carriers=carriers,
		registration_di=di.registration_di,
		direct_marking=bool(di.direct_marking),
		direct_marking_di=di.direct_marking_di,
		registrant_name=certificate.get("holder"),
		registrant_name_en=certificate.get("holder_name_en"),
		registrant_credit_code=certificate.get("holder_credit_code"),
		registrant_address=certificate.get("holder_address"),
		certificate_numbers=tuple(c.certificate_number for c in certificates),
		nhsa_code=di.nhsa_code,
		mr_safety=item.md_mr_safety,
		single_use=bool(item.md_single_use),
		max_reuses=item.md_max_reuses or None,
		sterile=bool(item.md_sterile_packaging),
		sterilise_before_use=bool(item.md_sterilise_before_use),
		sterilisation_method=item.md_sterilisation_method,
		contains_latex=bool(item.md_contains_latex),
		info_url=item.md_info_url,
		withdrawal_date=getdate(item.md_market_withdrawal_date) if item.md_market_withdrawal_date else None,
		pi_batch=bool(di.pi_has_batch),
		pi_serial=bool(di.pi_has_serial),
		pi_manufacturing_date=bool(di.pi_has_manufacturing_date),
		pi_expiry_date=bool(di.pi_has_expiry_date),
		storage_note=item.md_storage_condition,
		special_size_note=item.md_special_size_note,
		packages=packages,
		storage=storage,
		clinical_sizes=sizes,
		contact_phone=certificate.get("contact_phone"),
		contact_email=certificate.get("contact_email"),
		contact_fax=certificate.get("contact_fax"),
		duns_number=certificate.get("holder_duns"),
		gmdn_code=item.md_gmdn_code,
		fda_product_code=item.md_fda_product_code,
		basic_udi_di=item.md_basic_udi_di,
		srn=certificate.get("holder_srn"),
		emdn_code=item.md_emdn_code,
		eu_risk_class=item.md_eu_risk_class,
	)


def packages_of(sales_unit, item_identifiers, by_name) -> list[Package]:
	"""The package levels above a sales unit: its chain of parent DIs, each holding so many of the level below.

	Packages of the item that no DI names as parent hold the sales unit directly when it is the item's only one.
	"""
	packages, seen = [], set()
	current = sales_unit
	while current.parent_di and current.parent_di in by_name and current.parent_di not in seen:
		package = by_name[current.parent_di]
		seen.add(package.name)
		packages.append(package_row(package, current))
		current = package
	sales_units = [row for row in item_identifiers if row.package_level == MINIMUM_SALES_UNIT]
	if len(sales_units) == 1:
		named_as_parent = {row.parent_di for row in item_identifiers}
		packages += [
			package_row(row, sales_unit)
			for row in item_identifiers
			if row.package_level != MINIMUM_SALES_UNIT
			and row.name not in seen
			and row.name not in named_as_parent
			and not row.parent_di
		]
	return packages


def package_row(package, contained) -> Package:
	return Package(
		di=package.di,
		level=package.package_level,
		quantity=(package.base_quantity or 0) / (contained.base_quantity or 1),
		contains_di=contained.di,
		uom=package.uom,
	)


def certificates_by_item(items: list[str]) -> dict[str, list]:
	if not items:
		return {}
	rows = frappe.db.sql(
		f"""select child.item, {", ".join("cert." + f for f in CERTIFICATE_FIELDS)}
		from `tabRegistration Certificate Item` child
		join `tabRegistration Certificate` cert on cert.name = child.parent
		where child.parenttype = 'Registration Certificate' and child.item in %(items)s
		order by cert.approval_date desc, cert.name""",
		{"items": list(set(items))},
		as_dict=True,
	)
	grouped = {}
	for row in rows:
		grouped.setdefault(row.item, []).append(row)
	return grouped


def choose_certificates(di, certificates) -> list:
	"""The item's usable certificates, the DI's own first, then newest first (UDID lists them all).

	An expired certificate is left out: a device without a valid one may not be marketed, and the check says so.
	"""
	usable = [c for c in certificates if c.status not in UNUSABLE_CERTIFICATES]
	return sorted(usable, key=lambda c: c.name != di.registration_certificate)


def clinical_sizes_by_item(items: list[str]) -> dict[str, list[ClinicalSize]]:
	if not items:
		return {}
	grouped = {}
	for row in frappe.get_all(
		"Device Clinical Size",
		filters={"parenttype": "Item", "parent": ("in", list(set(items)))},
		fields=["parent", "size_type", "size_value", "size_unit", "size_text"],
		order_by="parent, idx",
	):
		value = row.size_value if row.size_value or not row.size_text else None
		grouped.setdefault(row.parent, []).append(
			ClinicalSize(row.size_type, value, row.size_unit, row.size_text)
		)
	return grouped


def plain_text(html: str | None) -> str | None:
	text = strip_html_tags(html or "").replace("&nbsp;", " ").strip()
	return " ".join(text.split()) or None
