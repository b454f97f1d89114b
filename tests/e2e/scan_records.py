import frappe

from tests.factories import ensure_device_identifier, ensure_item, ensure_party, ensure_uom
from tests.frappe_site import ensure_connected

ITEM = "_Test MD E2E Scan Item"
UNIT_DI = "06901234666663"
CASE_DI = "16901234666660"
CASE_UOM = "_Test MD E2E Case"
SUPPLIER = "_Test MD E2E Supplier"


def make_scan_records():
	"""A device item with DIs at two package levels, committed so that the web server sees them."""
	ensure_connected()
	ensure_uom(CASE_UOM)
	ensure_item(
		ITEM,
		has_expiry_date=1,
		uoms=[{"uom": "Nos", "conversion_factor": 1}, {"uom": CASE_UOM, "conversion_factor": 12}],
	)
	for di, level, base, uom in ((CASE_DI, "Case", 12, CASE_UOM), (UNIT_DI, "Minimum Sales Unit", 1, None)):
		ensure_device_identifier(di, ITEM, level, base, uom=uom)
	ensure_party("Supplier", SUPPLIER)
	frappe.db.commit()  # nosemgrep: the browser's server process reads these
	return ITEM, UNIT_DI, CASE_DI
