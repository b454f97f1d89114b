"""Install, re-apply, double migrate, uninstall and reinstall: the site state after each."""

import frappe

from medical_devices.gsp.constants.permissions import DOCTYPE_PERMISSIONS
from medical_devices.md_finance.ledger import BATCH_FIELD
from medical_devices.medical_devices.constants.property_setters import PROPERTY_SETTERS
from medical_devices.medical_devices.constants.roles import ROLES
from medical_devices.recall.ledger import DIMENSION_FIELD
from medical_devices.setup import apply_setup, get_custom_fields
from tests.factories import first_company
from tests.frappe_site import bench_cli

MODULES = [
	"UDI",
	"GSP",
	"Traceability",
	"Recall",
	"NMPA",
	"Audit",
	"MD Finance",
	"MD Quality",
	"MD Hospitals",
	"Medical Devices",
]
ROLE_NAMES = [role["role_name"] for role in ROLES]


def our_custom_fields():
	return frappe.get_all(
		"Custom Field", filters={"fieldname": ("like", "md_%")}, fields=["dt", "fieldname", "modified"]
	)


def our_property_setters():
	"""The app's property setters (ERPNext makes system-generated ones of its own on the same doctypes)."""
	ours = {(s["doctype"], s["fieldname"], s["property"]) for s in PROPERTY_SETTERS}
	return [
		row
		for row in frappe.get_all(
			"Property Setter",
			filters={"doc_type": ("in", [s["doctype"] for s in PROPERTY_SETTERS]), "is_system_generated": 1},
			fields=["doc_type", "field_name", "property", "value", "modified"],
		)
		if (row.doc_type, row.field_name, row.property) in ours
	]


def site_state() -> dict:
	"""Everything the app adds to a site, with modification stamps, as comparable data."""
	return {
		"custom_fields": sorted(map(tuple, (f.values() for f in our_custom_fields()))),
		"property_setters": sorted(map(tuple, (p.values() for p in our_property_setters()))),
		"roles": sorted(
			frappe.get_all(
				"Role", filters={"name": ("in", ROLE_NAMES)}, fields=["name", "modified"], as_list=True
			)
		),
		"modules": sorted(
			frappe.get_all("Module Def", filters={"app_name": "medical_devices"}, pluck="name")
		),
		"doctypes": sorted(
			frappe.get_all(
				"DocType", filters={"module": ("in", MODULES)}, fields=["name", "modified"], as_list=True
			)
		),
		"workspaces": sorted(
			frappe.get_all(
				"Workspace", filters={"module": ("in", MODULES)}, fields=["name", "modified"], as_list=True
			)
		),
		"settings": frappe.db.get_singles_dict("Medical Device Settings"),
		"patches": frappe.db.count("Patch Log"),
		"installed": "medical_devices" in frappe.get_installed_apps(),
	}


def dimension_fields() -> set[tuple[str, str]]:
	"""The Device Recall and Batch accounting dimensions' fields on every doctype ERPNext gives dimensions."""
	return {
		(dt, field)
		for dt in frappe.get_hooks("accounting_dimension_doctypes")
		for field in (DIMENSION_FIELD, BATCH_FIELD)
	}


def assert_installed():
	expected_fields = {(dt, f["fieldname"]) for dt, fields in get_custom_fields().items() for f in fields}
	expected_fields |= dimension_fields()
	assert frappe.db.get_value("Accounting Dimension", {"document_type": "Device Recall"}, "fieldname") == (
		DIMENSION_FIELD
	)
	assert frappe.db.get_value("Accounting Dimension", {"document_type": "Batch"}, "fieldname") == BATCH_FIELD
	assert frappe.get_meta("GL Entry").get_field(DIMENSION_FIELD).options == "Device Recall"
	assert frappe.get_meta("GL Entry").get_field(BATCH_FIELD).options == "Batch"
	assert {(f.dt, f.fieldname) for f in our_custom_fields()} == expected_fields
	item_meta = frappe.get_meta("Item")
	assert item_meta.get_field("md_is_medical_device").fieldtype == "Check"
	assert item_meta.get_field("md_device_class").options.split("\n") == [
		"",
		"Class I",
		"Class II",
		"Class III",
	]
	assert frappe.get_meta("Batch").get_field("expiry_date").in_list_view == 1
	assert len(our_property_setters()) == len(PROPERTY_SETTERS)
	for role in ROLE_NAMES:
		assert frappe.db.get_value("Role", role, "desk_access") == 1
	assert sorted(
		frappe.get_all("Module Def", filters={"app_name": "medical_devices"}, pluck="name")
	) == sorted(MODULES)
	assert frappe.db.get_value("DocType", "Medical Device Settings", "issingle") == 1
	assert frappe.db.get_value("Workspace", "Medical Devices", "public") == 1
	settings = frappe.get_single("Medical Device Settings")
	assert (settings.regulatory_region, settings.near_expiry_days, settings.enable_controls) == (
		"China (NMPA)",
		90,
		1,
	)
	assert frappe.db.get_singles_dict("Medical Device Settings"), "defaults were not stored"
	assert (settings.quarantine_on_receipt, settings.check_licences, settings.expiry_alert_windows) == (
		1,
		1,
		"180,90,30",
	)
	assert {row.role for row in settings.alert_roles} == {
		"Regulatory Affairs Manager",
		"QA Reviewer",
		"Quality Manager",
	}
	# FEFO applies to device items only: ERPNext's site-wide picking order is left as it is
	assert frappe.db.get_single_value("Stock Settings", "pick_serial_and_batch_based_on") == "FIFO"
	for doctype, role, rights in DOCTYPE_PERMISSIONS:
		rule = frappe.db.get_value(
			"Custom DocPerm", {"parent": doctype, "role": role}, list(rights), as_dict=True
		)
		assert rule and all(rule.values()), (doctype, role)


def test_install_created_everything():
	assert "medical_devices" in frappe.get_installed_apps()
	assert_installed()


def test_apply_setup_twice_changes_nothing():
	apply_setup()
	before = site_state()
	apply_setup()
	assert site_state() == before


def test_setup_repairs_a_deleted_custom_field():
	frappe.db.delete("Custom Field", {"dt": "Item", "fieldname": "md_device_class"})
	frappe.clear_cache(doctype="Item")
	apply_setup()
	assert frappe.db.exists("Custom Field", {"dt": "Item", "fieldname": "md_device_class"})


def test_second_migrate_changes_nothing():
	bench_cli("migrate")
	after_first = site_state()
	bench_cli("migrate")
	assert site_state() == after_first
	assert_installed()


def test_uninstall_leaves_nothing_and_erpnext_keeps_working_then_reinstall():
	bench_cli("uninstall-app", "medical_devices", "--yes", "--no-backup", "--force")

	assert "medical_devices" not in frappe.get_installed_apps()
	assert not our_custom_fields()
	assert not our_property_setters()
	assert not frappe.get_all("Role", filters={"name": ("in", ROLE_NAMES)})
	assert not frappe.get_all("Module Def", filters={"app_name": "medical_devices"})
	assert not frappe.db.exists("DocType", "Medical Device Settings")
	assert not frappe.db.exists("Workspace", "Medical Devices")
	assert not frappe.db.get_singles_dict("Medical Device Settings")
	assert not [f for f in frappe.get_meta("Item").fields if f.fieldname.startswith("md_")]
	assert not frappe.db.exists("Accounting Dimension", {"document_type": "Device Recall"})
	assert not frappe.db.exists("Accounting Dimension", {"document_type": "Batch"})
	for doctype in (
		"Batch",
		"Warehouse",
		"Customer",
		"Supplier",
		"Stock Entry",
		"GL Entry",
		"Journal Entry Account",
	):
		assert not [f for f in frappe.get_meta(doctype).fields if f.fieldname.startswith("md_")], doctype
	# our permission rules went, and with them the copy of ERPNext's own rules they needed
	assert not frappe.get_all("Custom DocPerm", filters={"parent": ("in", ["Batch", "Quality Inspection"])})
	for doctype in (
		"Qualification Certificate",
		"Temperature Log",
		"Batch Status Change",
		"MD Alert Role",
		"Recall Cost Entry",
		"Recall Cost Account",
		"Quality Cost Entry",
		"Device Write Off",
		"MD Finance Account",
	):
		assert not frappe.db.exists("DocType", doctype), doctype

	# ERPNext itself still works: an item is created and stock received and valued.
	stock_entry = make_receipt_without_the_app()
	assert stock_entry.docstatus == 1
	assert frappe.db.get_value("Bin", {"item_code": stock_entry.items[0].item_code}, "actual_qty") == 3
	frappe.db.rollback()

	bench_cli("install-app", "medical_devices")
	assert_installed()


def make_receipt_without_the_app():
	company = first_company()
	warehouse = frappe.db.get_value("Warehouse", {"company": company, "is_group": 0})
	item = frappe.get_doc(
		{
			"doctype": "Item",
			"item_code": "_Test MD Uninstalled Item",
			"item_group": frappe.db.get_value("Item Group", {"is_group": 0}),
			"stock_uom": "Nos",
			"is_stock_item": 1,
		}
	).insert()
	entry = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Receipt",
			"company": company,
			"items": [{"item_code": item.name, "qty": 3, "basic_rate": 10, "t_warehouse": warehouse}],
		}
	).insert()
	entry.submit()
	return entry
