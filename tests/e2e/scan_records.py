import frappe

from tests.frappe_site import ensure_connected

ITEM = "_Test MD E2E Scan Item"
UNIT_DI = "06901234666663"
CASE_DI = "16901234666660"
CASE_UOM = "_Test MD E2E Case"
SUPPLIER = "_Test MD E2E Supplier"


def make_scan_records():
	"""A device item with DIs at two package levels, committed so that the web server sees them."""
	ensure_connected()
	if not frappe.db.exists("UOM", CASE_UOM):
		frappe.get_doc({"doctype": "UOM", "uom_name": CASE_UOM}).insert()
	if not frappe.db.exists("Item", ITEM):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": ITEM,
				"item_group": frappe.db.get_value("Item Group", {"is_group": 0}),
				"stock_uom": "Nos",
				"is_stock_item": 1,
				"has_batch_no": 1,
				"has_expiry_date": 1,
				"md_is_medical_device": 1,
				"md_device_class": "Class II",
				"uoms": [{"uom": "Nos", "conversion_factor": 1}, {"uom": CASE_UOM, "conversion_factor": 12}],
			}
		).insert()
	for di, level, base, uom in ((CASE_DI, "Case", 12, CASE_UOM), (UNIT_DI, "Minimum Sales Unit", 1, None)):
		if not frappe.db.exists("UDI Device Identifier", di):
			frappe.get_doc(
				{
					"doctype": "UDI Device Identifier",
					"di": di,
					"issuing_agency": "GS1",
					"item": ITEM,
					"package_level": level,
					"base_quantity": base,
					"uom": uom,
				}
			).insert()
	if not frappe.db.exists("Supplier", SUPPLIER):
		frappe.get_doc(
			{
				"doctype": "Supplier",
				"supplier_name": SUPPLIER,
				"supplier_group": frappe.db.get_value("Supplier Group", {"is_group": 0}),
			}
		).insert()
	frappe.db.commit()  # nosemgrep: the browser's server process reads these
	return ITEM, UNIT_DI, CASE_DI
