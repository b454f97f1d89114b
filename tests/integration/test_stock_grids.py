"""The stock forms' item grids show each row's batch, the batch's expiry and the unit within Frappe's grid width
(medical_devices/gsp/constants/grids.py), the expiry is filled from the batch on save, and a consultant's own
choice of columns survives the app's setup."""

import pytest

import frappe
from frappe.utils import add_days, getdate, today

from medical_devices.gsp.constants.grids import GRID_COLUMNS, GRID_WIDTH
from medical_devices.setup import apply_property_setters
from tests.factories import company_stores, ensure_item, new_batch, register_item, release, submit

ITEM = "_Test MD Grid Device"
UNITS = {"uom", "stock_uom"}
# Frappe's grid widths for a column without its own (frappe/public/js/frappe/form/grid.js)
DEFAULT_WIDTH = {"Small Text": 3, "Check": 1}


@pytest.fixture(scope="module", autouse=True)
def device(frappe_site):
	register_item(ensure_item(ITEM, valuation_rate=10))
	frappe.db.commit()  # nosemgrep: the module's item; each test rolls back its own work
	yield


def grid_columns(doctype: str) -> list[tuple[str, int]]:
	"""The columns Frappe's grid shows for `doctype`, in its order, with their widths."""
	return [
		(field.fieldname, field.columns or DEFAULT_WIDTH.get(field.fieldtype, 2))
		for field in frappe.get_meta(doctype).fields
		if field.in_list_view and not field.hidden
	]


@pytest.mark.parametrize("doctype", GRID_COLUMNS)
def test_each_stock_grid_shows_batch_expiry_and_unit_within_the_grid_width(doctype):
	columns = grid_columns(doctype)
	names = [name for name, _width in columns]
	assert {"item_code", "qty", "batch_no", "md_expiry_date"} <= set(names), names
	assert UNITS & set(names), names
	assert sum(width for _name, width in columns) <= GRID_WIDTH, columns
	assert names.index("md_expiry_date") == names.index("batch_no") + 1  # the expiry beside its batch
	expiry = frappe.get_meta(doctype).get_field("md_expiry_date")
	assert expiry.read_only and expiry.fetch_from == "batch_no.expiry_date"


def test_a_rows_expiry_is_the_batchs_once_saved():
	batch = new_batch(ITEM, "GRID", expiry_days=400)
	release(batch.name)
	stores = company_stores()
	entry = submit(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Receipt",
			"purpose": "Material Receipt",
			"items": [
				{
					"item_code": ITEM,
					"qty": 3,
					"basic_rate": 10,
					"t_warehouse": stores.stores,
					"batch_no": batch.name,
					"use_serial_batch_fields": 1,
				}
			],
		}
	)
	assert getdate(entry.items[0].md_expiry_date) == getdate(add_days(today(), 400))
	assert getdate(
		frappe.db.get_value("Stock Entry Detail", entry.items[0].name, "md_expiry_date")
	) == getdate(batch.expiry_date)


def test_a_consultants_own_column_choice_survives_setup():
	frappe.make_property_setter(
		{
			"doctype": "Delivery Note Item",
			"doctype_or_field": "DocField",
			"fieldname": "item_code",
			"property": "columns",
			"value": "4",
			"property_type": "Int",
		},
		is_system_generated=False,
	)
	apply_property_setters()
	assert (
		frappe.db.get_value(
			"Property Setter",
			{"doc_type": "Delivery Note Item", "field_name": "item_code", "property": "columns"},
			"value",
		)
		== "4"
	)
