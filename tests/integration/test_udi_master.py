"""Registration certificates and UDI device identifiers on a real site."""

import pytest

import frappe
from frappe.utils import add_days, getdate, today

from medical_devices.udi.doctype.registration_certificate.registration_certificate import (
	certificate_status,
	update_certificate_statuses,
)

GTIN_UNIT = "06901234999983"
GTIN_CASE = "16901234999980"


BOX, CARTON = "_Test MD Box", "_Test MD Carton"


@pytest.fixture
def device_item():
	for uom in (BOX, CARTON):
		if not frappe.db.exists("UOM", uom):
			frappe.get_doc({"doctype": "UOM", "uom_name": uom}).insert()
	return frappe.get_doc(
		{
			"doctype": "Item",
			"item_code": "_Test MD UDI Stent",
			"item_group": frappe.db.get_value("Item Group", {"is_group": 0}),
			"stock_uom": "Nos",
			"is_stock_item": 1,
			"has_batch_no": 1,
			"md_is_medical_device": 1,
			"md_device_class": "Class III",
			"uoms": [
				{"uom": "Nos", "conversion_factor": 1},
				{"uom": BOX, "conversion_factor": 10},
				{"uom": CARTON, "conversion_factor": 20},
			],
		}
	).insert()


def make_certificate(item, number="国械注准20243130001", **fields):
	return frappe.get_doc(
		{
			"doctype": "Registration Certificate",
			"certificate_number": number,
			"certificate_type": "Registration Certificate",
			"device_class": "Class III",
			"holder": "_Test Registrant",
			"product_name": "Stent",
			"approval_date": add_days(today(), -100),
			"expiry_date": add_days(today(), 1700),
			"items": [{"item": item.name}],
			**fields,
		}
	)


def make_di(item, di=GTIN_UNIT, **fields):
	return frappe.get_doc(
		{
			"doctype": "UDI Device Identifier",
			"di": di,
			"issuing_agency": "GS1",
			"item": item.name,
			"package_level": "Minimum Sales Unit",
			"base_quantity": 1,
			**fields,
		}
	)


def test_device_identifiers_at_two_package_levels(device_item):
	certificate = make_certificate(device_item).insert()
	case = make_di(device_item, GTIN_CASE, package_level="Case", base_quantity=10, uom=BOX).insert()
	unit = make_di(device_item, parent_di=case.name, registration_certificate=certificate.name).insert()
	assert unit.name == GTIN_UNIT
	device_item.reload()
	device_item.md_default_di = unit.name
	device_item.md_reason = "Unit-of-use DI registered"
	device_item.save()
	assert frappe.db.get_value("Item", device_item.name, "md_default_di") == GTIN_UNIT
	assert frappe.get_all(
		"UDI Device Identifier",
		filters={"item": device_item.name},
		pluck="package_level",
		order_by="base_quantity",
	) == ["Minimum Sales Unit", "Case"]


def test_gtin_13_is_stored_as_gtin_14(device_item):
	assert make_di(device_item, GTIN_UNIT[1:]).insert().name == GTIN_UNIT


@pytest.mark.parametrize(
	("fields", "message"),
	[
		({"di": "06901234999984"}, "check digit"),
		({"issuing_agency": "MA"}, "MA"),
		({"base_quantity": 5}, "exactly one base unit"),
		({"nhsa_code": "C0123"}, "20 letters or digits"),
	],
)
def test_bad_device_identifiers_are_refused(device_item, fields, message):
	with pytest.raises(frappe.ValidationError, match=message):
		make_di(device_item, **fields).insert()
	assert not frappe.db.exists("UDI Device Identifier", {"item": device_item.name})


def test_parent_must_be_a_bigger_package_of_the_same_item(device_item):
	case = make_di(device_item, GTIN_CASE, package_level="Case", base_quantity=10, uom=BOX).insert()
	inner = make_di(
		device_item,
		"06901234999976",
		package_level="Inner Pack",
		base_quantity=20,
		uom=CARTON,
		parent_di=case.name,
	)
	with pytest.raises(frappe.ValidationError, match="more base units"):
		inner.insert()


def test_package_needs_a_uom_that_converts_to_its_base_units(device_item):
	with pytest.raises(frappe.ValidationError, match="Package UOM"):
		make_di(device_item, GTIN_CASE, package_level="Case", base_quantity=10).insert()
	with pytest.raises(frappe.ValidationError, match="must convert 1"):
		make_di(device_item, GTIN_CASE, package_level="Case", base_quantity=12, uom=BOX).insert()


def test_di_needs_a_medical_device_item():
	chair = frappe.get_doc(
		{
			"doctype": "Item",
			"item_code": "_Test MD Chair",
			"item_group": frappe.db.get_value("Item Group", {"is_group": 0}),
			"stock_uom": "Nos",
		}
	).insert()
	with pytest.raises(frappe.ValidationError, match="not marked as a medical device"):
		make_di(chair).insert()


def test_default_di_must_belong_to_the_item(device_item):
	other = frappe.copy_doc(device_item)
	other.item_code = "_Test MD UDI Other"
	other.insert()
	foreign = make_di(other).insert()
	device_item.reload()
	device_item.md_default_di = foreign.name
	with pytest.raises(frappe.ValidationError, match="belongs to item"):
		device_item.save()


def test_certificate_must_cover_the_item(device_item):
	other = frappe.copy_doc(device_item)
	other.item_code = "_Test MD UDI Uncovered"
	other.insert()
	certificate = make_certificate(device_item).insert()
	with pytest.raises(frappe.ValidationError, match="does not cover"):
		make_di(other, registration_certificate=certificate.name).insert()


def test_certificate_type_follows_the_device_class(device_item):
	with pytest.raises(frappe.ValidationError, match="Filing Certificate"):
		make_certificate(device_item, device_class="Class I").insert()
	filing = make_certificate(
		device_item,
		"沪械备20240001",
		device_class="Class I",
		certificate_type="Filing Certificate",
		expiry_date=None,
	).insert()
	assert filing.status == "Valid"


def test_certificate_dates_are_checked(device_item):
	with pytest.raises(frappe.ValidationError, match="after the approval date"):
		make_certificate(device_item, expiry_date=add_days(today(), -200)).insert()
	with pytest.raises(frappe.ValidationError, match="expiry date"):
		make_certificate(device_item, expiry_date=None).insert()


def test_certificate_status_and_the_daily_job(device_item):
	certificate = make_certificate(device_item, expiry_date=add_days(today(), 200)).insert()
	assert certificate.status == "Valid"
	frappe.db.set_value("Registration Certificate", certificate.name, "expiry_date", add_days(today(), 30))
	update_certificate_statuses()
	assert frappe.db.get_value("Registration Certificate", certificate.name, "status") == "Expiring Soon"
	frappe.db.set_value("Registration Certificate", certificate.name, "expiry_date", add_days(today(), -1))
	update_certificate_statuses()
	assert frappe.db.get_value("Registration Certificate", certificate.name, "status") == "Expired"


def test_certificate_status_rules():
	day = getdate("2026-06-01")
	assert certificate_status(getdate("2026-07-01"), None, 90, day) == "Not Yet Valid"
	assert certificate_status(getdate("2021-01-01"), None, 90, day) == "Valid"
	assert certificate_status(getdate("2021-01-01"), getdate("2026-08-30"), 90, day) == "Expiring Soon"
	assert certificate_status(getdate("2021-01-01"), getdate("2026-05-31"), 90, day) == "Expired"
	assert certificate_status(getdate("2021-01-01"), getdate("2027-01-01"), 90, day) == "Valid"


def test_cold_chain_item_needs_a_temperature_range(device_item):
	def save_with(**values):
		item = frappe.get_doc("Item", device_item.name)
		item.update({"md_requires_cold_chain": 1, **values})
		item.md_reason = "Storage conditions from the IFU"
		item.save()

	with pytest.raises(frappe.ValidationError, match="temperature range"):
		save_with()
	with pytest.raises(frappe.ValidationError, match="above the maximum"):
		save_with(md_storage_temperature_min=8, md_storage_temperature_max=2)
	save_with(md_storage_temperature_min=2, md_storage_temperature_max=8)
	assert frappe.db.get_value("Item", device_item.name, "md_storage_temperature_max") == 8
