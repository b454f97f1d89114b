"""What an invoice row bills of a usage report (medical_devices/md_hospitals/consignment.py, Billing), without a
site: a row per batch bills the report's units of that batch in the report's order, serial numbers bill their own
rows, and what the report does not cover (other units, or units billed already) comes back as uncovered."""

from medical_devices.md_hospitals.consignment import Billing


def usage(name, idx, batch=None, serial=None, qty=1.0, item="STENT"):
	return {"name": name, "idx": idx, "item_code": item, "batch_no": batch, "serial_no": serial, "qty": qty}


def test_a_row_per_batch_bills_the_reports_units_of_the_batch_in_its_order():
	billing = Billing([usage("r3", 3, "B1"), usage("r1", 1, "B1"), usage("r2", 2, "B2", qty=2)])
	assert billing.bill("STENT", [("B1", None, 1.5)], "SINV-1") == []
	assert billing.billed == {"r1": 1.0, "r3": 0.5}
	assert billing.billed_by == {"r1": "SINV-1", "r3": "SINV-1"}
	# the rest of the batch, and more than the report has of the other
	assert billing.bill("STENT", [("B1", None, 0.5), ("B2", None, 3)], "SINV-2") == [("B2", None, 1.0)]
	assert billing.billed == {"r1": 1.0, "r3": 1.0, "r2": 2.0}
	assert billing.billed_by["r2"] == "SINV-2" and billing.billed_by["r3"] == "SINV-1"


def test_serial_numbers_bill_their_own_rows_once():
	billing = Billing(
		[
			usage("a", 1, "B1", "SN-1"),
			usage("b", 2, "B1", "SN-2"),
			usage("c", 3, "B1"),
			usage("d", 4, "B9", "SN-9"),
		]
	)
	assert billing.bill("STENT", [("B1", "SN-2", 1), ("B1", "SN-1", 1)]) == []
	assert billing.billed == {"a": 1.0, "b": 1.0}
	# a serial number billed twice, one the report does not name, one of another batch, one of another item
	assert billing.bill("STENT", [("B1", "SN-1", 1), ("B1", "SN-7", 1), ("B2", "SN-9", 1)]) == [
		("B1", "SN-1", 1.0),
		("B1", "SN-7", 1.0),
		("B2", "SN-9", 1.0),
	]
	assert billing.bill("OTHER", [("B1", "SN-2", 1)]) == [("B1", "SN-2", 1.0)]
	# units of a batch do not bill the batch's serial-numbered rows
	assert billing.bill("STENT", [("B9", None, 1)]) == [("B9", None, 1.0)]
	assert billing.billed == {"a": 1.0, "b": 1.0}
	assert billing.reports("STENT", "B1", "SN-1") and not billing.reports("STENT", "B1", "SN-7")
	assert billing.reports("STENT", "B1", None) and not billing.reports("STENT", "B2", None)


def test_an_item_without_batches_bills_by_quantity():
	billing = Billing([usage("x", 1, qty=3, item="GAUZE")])
	assert billing.bill("GAUZE", [(None, None, 2)]) == []
	assert billing.bill("GAUZE", [(None, None, 2)]) == [(None, None, 1.0)]
	assert billing.billed == {"x": 3.0}
