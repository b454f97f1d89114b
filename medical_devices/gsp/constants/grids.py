"""The item grids of the stock forms show what a device row is checked by: its batch, the batch's expiry and the
unit, within Frappe's grid width of 10 column units. Each table gives the columns it shows (field: width) and the
ERPNext columns it leaves to the row's form; setup turns them into property setters and keeps a consultant's own."""

GRID_COLUMNS = {
	"Purchase Receipt Item": {
		"item_code": 2,
		"qty": 1,
		"rejected_qty": 1,
		"uom": 1,
		"rate": 1,
		"batch_no": 2,
		"md_expiry_date": 2,
	},
	"Delivery Note Item": {
		"item_code": 2,
		"qty": 1,
		"uom": 1,
		"rate": 1,
		"amount": 1,
		"batch_no": 2,
		"md_expiry_date": 2,
	},
	"Stock Entry Detail": {
		"s_warehouse": 1,
		"t_warehouse": 1,
		"item_code": 2,
		"qty": 1,
		"uom": 1,
		"batch_no": 2,
		"md_expiry_date": 2,
	},
	"Stock Reconciliation Item": {
		"item_code": 2,
		"warehouse": 1,
		"qty": 1,
		"stock_uom": 1,
		"valuation_rate": 1,
		"batch_no": 2,
		"md_expiry_date": 2,
	},
	"Pick List Item": {
		"item_code": 2,
		"warehouse": 1,
		"qty": 1,
		"picked_qty": 1,
		"uom": 1,
		"batch_no": 2,
		"md_expiry_date": 2,
	},
}
LEFT_TO_THE_ROW = {
	"Purchase Receipt Item": ("amount", "net_amount", "warehouse"),
	"Delivery Note Item": ("warehouse",),
	"Stock Entry Detail": ("basic_rate",),
	"Pick List Item": ("stock_qty",),
}
GRID_WIDTH = 10


def grid_property_setters() -> list[dict]:
	setters = []
	for doctype, columns in GRID_COLUMNS.items():
		for fieldname, width in columns.items():
			setters.append(setter(doctype, fieldname, "in_list_view", "1", "Check"))
			setters.append(setter(doctype, fieldname, "columns", str(width), "Int"))
		for fieldname in LEFT_TO_THE_ROW.get(doctype, ()):
			setters.append(setter(doctype, fieldname, "in_list_view", "0", "Check"))
	return setters


def setter(doctype: str, fieldname: str, prop: str, value: str, property_type: str) -> dict:
	return {
		"doctype": doctype,
		"fieldname": fieldname,
		"property": prop,
		"value": value,
		"property_type": property_type,
	}
