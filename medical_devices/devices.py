"""What is a medical device, answered once: an Item with Is Medical Device ticked (md_is_medical_device), and the
rows of ERPNext's documents that carry one. Every rule of the app binds these and nothing else."""

import frappe

FIELD = "md_is_medical_device"

# The item tables of the ERPNext documents that order, move or count goods, where device rows are looked for.
ITEM_TABLES = {
	"Purchase Order": ("items",),
	"Purchase Receipt": ("items",),
	"Purchase Invoice": ("items",),
	"Sales Order": ("items",),
	"Delivery Note": ("items", "packed_items"),
	"Sales Invoice": ("items", "packed_items"),
	"POS Invoice": ("items", "packed_items"),
	"Stock Entry": ("items",),
	"Stock Reconciliation": ("items",),
	"Pick List": ("locations",),
}


def is_device(item_code: str | None) -> bool:
	# read from the database, not the document cache: a cached Item can outlive the transaction that wrote it
	return bool(item_code) and bool(frappe.db.get_value("Item", item_code, FIELD))


def device_items(item_codes, fields=()) -> dict[str, frappe._dict]:
	"""The device items among `item_codes`, each with `fields` of its Item, in one query."""
	item_codes = [code for code in set(item_codes or ()) if code]
	if not item_codes:
		return {}
	return {
		row.name: row
		for row in frappe.get_all(
			"Item", filters={"name": ("in", item_codes), FIELD: 1}, fields=["name", *fields]
		)
	}


def item_rows(doc):
	"""The rows of `doc`'s item tables (ITEM_TABLES) that name an item."""
	for table in ITEM_TABLES.get(doc.doctype, ()):
		for row in doc.get(table) or []:
			if row.get("item_code"):
				yield row


def moves_devices(doc) -> bool:
	"""Whether a row of `doc`'s item tables is a medical device."""
	return bool(device_items(row.item_code for row in item_rows(doc)))


def of_device(doc) -> bool:
	"""Whether a record of one item (Batch, Serial No, Quality Inspection, ...) is of a medical device."""
	return is_device(doc.get("item") or doc.get("item_code"))


def is_device_item(doc) -> bool:
	"""Whether an Item record is a medical device (as it is in `doc`, saved or not)."""
	return bool(doc.get(FIELD))
