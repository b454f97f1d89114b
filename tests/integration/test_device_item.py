import pytest

import frappe


def make_item(item_code, **fields):
	return frappe.get_doc(
		{
			"doctype": "Item",
			"item_code": item_code,
			"item_group": frappe.db.get_value("Item Group", {"is_group": 0}),
			"stock_uom": "Nos",
			"is_stock_item": 1,
			**fields,
		}
	)


def test_device_item_needs_a_class():
	item = make_item("_Test MD No Class", md_is_medical_device=1, has_batch_no=1)
	with pytest.raises(frappe.ValidationError, match="Device Class"):
		item.insert()
	assert not frappe.db.exists("Item", "_Test MD No Class")


def test_device_item_must_be_batch_or_serial_tracked():
	item = make_item("_Test MD Untracked", md_is_medical_device=1, md_device_class="Class II")
	with pytest.raises(frappe.ValidationError, match="batch or serial"):
		item.insert()
	assert not frappe.db.exists("Item", "_Test MD Untracked")


def test_error_is_translated_for_a_chinese_user():
	frappe.local.lang = "zh"
	frappe.local.lang_full_dict = None
	try:
		item = make_item("_Test MD Zh", md_is_medical_device=1, has_batch_no=1)
		with pytest.raises(frappe.ValidationError, match="器械类别"):
			item.insert()
	finally:
		frappe.local.lang = "en"
		frappe.local.lang_full_dict = None


def test_valid_device_item_saves_with_its_master_data():
	item = make_item(
		"_Test MD Stent",
		md_is_medical_device=1,
		md_device_class="Class III",
		has_batch_no=1,
		md_storage_condition="2-8 °C",
	).insert()
	assert frappe.db.get_value("Item", item.name, ["md_device_class", "md_storage_condition"]) == (
		"Class III",
		"2-8 °C",
	)


def test_ordinary_items_are_not_bound_by_device_rules():
	item = make_item("_Test MD Ordinary Chair").insert()
	assert frappe.db.get_value("Item", item.name, "md_is_medical_device") == 0


def test_switching_controls_off_lets_legacy_device_data_in():
	settings = frappe.get_single("Medical Device Settings")
	settings.enable_controls = 0
	settings.md_reason = "Migrating legacy data"
	settings.save()
	item = make_item("_Test MD Legacy Import", md_is_medical_device=1).insert()
	assert frappe.db.exists("Item", item.name)


def test_settings_reject_negative_days_and_keep_the_old_value():
	settings = frappe.get_single("Medical Device Settings")
	settings.near_expiry_days = -5
	with pytest.raises(frappe.ValidationError):
		settings.save()
	frappe.db.rollback()
	assert frappe.get_single("Medical Device Settings").near_expiry_days == 90


def test_a_plain_item_cannot_be_merged_into_a_device_nor_a_device_into_a_plain_item():
	"""Merging hands the merged item's batches and stock to the other, so neither side may be a device."""
	device = make_item(
		"_Test MD Merge Device", md_is_medical_device=1, md_device_class="Class II", has_batch_no=1
	)
	device.insert()
	plain = make_item("_Test MD Merge Plain", has_batch_no=1).insert()
	batch = frappe.get_doc({"doctype": "Batch", "batch_id": "MD-MERGE-PLAIN", "item": plain.name}).insert()
	for old, new in ((plain.name, device.name), (device.name, plain.name)):
		with pytest.raises(frappe.PermissionError, match="regulated record"):
			frappe.rename_doc("Item", old, new, merge=True)
	assert frappe.db.exists("Item", plain.name) and frappe.db.exists("Item", device.name)
	assert frappe.db.get_value("Batch", batch.name, "item") == plain.name
