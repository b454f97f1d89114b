"""Pins what medical_devices.erpnext_api takes from ERPNext: while ERPNext still has the function the app once
imported, both give the same answer; when an upgrade removes or changes it, this is the test that says so."""

import pytest

import frappe

from medical_devices.erpnext_api import with_item_details
from tests.factories import ensure_item, first_company_stores

ITEM = "_Test MD ERPNext API Device"


@pytest.fixture(scope="module")
def item(frappe_site):
	ensure_item(ITEM, valuation_rate=10)
	return ITEM


def test_the_scan_result_gets_the_item_details_erpnext_adds_to_its_own(item):
	company, stores = first_company_stores()
	ctx = frappe._dict(company=company, set_warehouse=stores)
	ours = with_item_details({"item_code": item, "batch_no": "LOT-1"}, ctx)
	assert ours["has_batch_no"] == 1 and ours["default_warehouse"] == stores and ours["batch_no"] == "LOT-1"
	assert with_item_details({"barcode": "x"}, ctx) == {"barcode": "x"}
	erpnext = pytest.importorskip("erpnext.stock.utils")
	if hasattr(erpnext, "_update_item_info"):  # v15: the same answer as ERPNext's own
		assert erpnext._update_item_info({"item_code": item, "batch_no": "LOT-1"}, ctx) == ours
