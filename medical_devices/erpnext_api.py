"""The few things the app takes from ERPNext beyond its documented API, in one place, each pinned by a test
(tests/integration/test_erpnext_api.py), so that an upgrade (v16) breaks here and nowhere else (docs/upgrading.md).
"""

import frappe


def with_item_details(scan_result: dict, ctx: dict | None = None) -> dict:
	"""What ERPNext's barcode scan adds to a result it found (erpnext.stock.utils._update_item_info in v15): the
	item's batch and serial flags, and the warehouse the document would default to."""
	from erpnext.stock.get_item_details import get_item_warehouse

	item_code = scan_result.get("item_code")
	if not item_code:
		return scan_result
	flags = frappe.get_cached_value("Item", item_code, ("has_batch_no", "has_serial_no"), as_dict=True)
	if flags:
		scan_result.update(flags)
	if ctx and (warehouse := get_item_warehouse(frappe._dict(name=item_code), ctx, overwrite_warehouse=True)):
		scan_result["default_warehouse"] = warehouse
	return scan_result
