import frappe
from frappe.model.document import Document


class ConsignmentArrival(Document):
	"""Kept by medical_devices.md_hospitals.consignment_balance; never written through the document API."""


def on_doctype_update():
	frappe.db.add_unique(
		"Consignment Arrival",
		["warehouse", "item_code", "posting_date"],
		constraint_name="warehouse_item_day",
	)
	# the report by hospital reads this index only
	frappe.db.add_index("Consignment Arrival", ["warehouse", "posting_date", "item_code", "qty"])
