import frappe
from frappe.model.document import Document


class ConsignmentBatchBalance(Document):
	"""Kept by medical_devices.md_hospitals.consignment_balance; never written through the document API."""


def on_doctype_update():
	frappe.db.add_unique(
		"Consignment Batch Balance", ["warehouse", "batch_no"], constraint_name="warehouse_batch"
	)
	# the report by hospital reads this index only
	frappe.db.add_index("Consignment Batch Balance", ["warehouse", "expiry_date", "qty"])
