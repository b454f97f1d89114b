"""What stands at each hospital, kept as the ledger moves (medical_devices/md_hospitals/consignment_balance.py): after
receipts, replenishments (one back-dated behind later ones), a transfer back, a transfer on to another hospital, an
invoiced usage report, a cancel and a savepoint rolled back, the kept figures equal the ledger's and the report by
hospital shows the units by age and expiry worked out by hand; a kept row changed or removed around the app is found
by the check and repaired; nothing writes them through the document API."""

import pytest

import frappe
from frappe.utils import add_days, today

from medical_devices.md_hospitals import consignment_balance
from medical_devices.md_hospitals.consignment_balance import ARRIVAL, BALANCE
from medical_devices.md_hospitals.doctype.consignment_usage_report.consignment_usage_report import (
	make_sales_invoice,
)
from medical_devices.md_hospitals.report.consignment_stock.consignment_stock import execute
from tests.factories import (
	company_stores,
	consignment_hospital,
	ensure_item,
	first_company,
	named_batch,
	receive_units,
	register_item,
	replenish,
	trace_masters,
)

HOSPITAL = "_Test MD CB Hospital"
OTHER_HOSPITAL = "_Test MD CB Other Hospital"
ITEM = "_Test MD CB Bone Screw"


@pytest.fixture(scope="module", autouse=True)
def masters(frappe_site):
	trace_masters()
	ensure_item(ITEM, "Class III", valuation_rate=100)
	register_item(ITEM, "Class III")
	places = {name: consignment_hospital(name).warehouse for name in (HOSPITAL, OTHER_HOSPITAL)}
	frappe.db.commit()  # nosemgrep: the module's masters; each test rolls back its own work
	yield places


def kept_equals_ledger(places):
	assert consignment_balance.verify(list(places.values())) == []


def by_hospital(places) -> dict:
	_columns, rows = execute({"company": first_company()})
	return {row["customer"]: row for row in rows if row["warehouse"] in places.values()}


def figures(row) -> tuple:
	return (
		row["batches"],
		row["qty"],
		row["age_0"],
		row["age_1"],
		row["age_2"],
		row["age_3"],
		row["expiring"],
		row["expired"],
		row["used_qty"],
	)


def test_the_kept_figures_follow_receipts_transfers_back_dated_entries_usage_and_cancels(masters):
	places = masters
	at, other = places[HOSPITAL], places[OTHER_HOSPITAL]
	long_lived = named_batch(f"CB-{frappe.generate_hash(length=6)}", ITEM, expiry_days=700)
	expiring = named_batch(f"CB-{frappe.generate_hash(length=6)}", ITEM, expiry_days=30)
	for batch in (long_lived, expiring):
		receive_units(ITEM, batch, 10, rate=100, posting_date=add_days(today(), -200))
	replenish(at, ITEM, long_lived, 4, posting_date=add_days(today(), -150))
	replenish(at, ITEM, expiring, 3)
	kept_equals_ledger(places)
	# back-dated behind the transfer of today: ERPNext reposts what follows it
	late = replenish(at, ITEM, long_lived, 2, posting_date=add_days(today(), -10))
	kept_equals_ledger(places)
	replenish(company_stores().stores, ITEM, long_lived, 1, source=at)  # back from the hospital
	replenish(other, ITEM, expiring, 1, source=at)  # on to another hospital
	report = frappe.get_doc(
		{
			"doctype": "Consignment Usage Report",
			"company": first_company(),
			"customer": HOSPITAL,
			"report_date": today(),
			"items": [
				{"item_code": ITEM, "batch_no": long_lived, "qty": 1, "surgery_date": add_days(today(), -1)}
			],
		}
	).insert()
	report.submit()
	assert by_hospital(places)[HOSPITAL]["used_qty"] == 1  # on the books, reported used
	invoice = make_sales_invoice(report.name)
	for row in invoice.items:
		row.rate = 300
	invoice.insert()
	invoice.submit()
	kept_equals_ledger(places)
	late.reload()
	late.md_reason = "Sent twice"
	late.cancel()
	kept_equals_ledger(places)
	# a transfer rolled back to a savepoint leaves nothing kept behind
	frappe.db.savepoint("md_cb_rolled_back")
	replenish(at, ITEM, long_lived, 5)
	frappe.db.rollback(save_point="md_cb_rolled_back")
	kept_equals_ledger(places)

	# worked out by hand: the hospital has 2 of the long-lived batch (4 + 2 - 1 back - 1 used - 2 cancelled) and 2 of
	# the expiring one (3 - 1 sent on); of the item's 4 units the newest arrivals count first: 3 of today, then 1 of
	# the 4 that came 150 days ago
	rows = by_hospital(places)
	assert figures(rows[HOSPITAL]) == (2, 4, 3, 1, 0, 0, 2, 0, 0)
	assert figures(rows[OTHER_HOSPITAL]) == (1, 1, 1, 0, 0, 0, 1, 0, 0)
	bins = dict(
		frappe.get_all(
			"Bin",
			filters={"warehouse": ("in", [at, other]), "item_code": ITEM},
			fields=["warehouse", "stock_value"],
			as_list=True,
		)
	)
	assert (rows[HOSPITAL]["value"], rows[OTHER_HOSPITAL]["value"]) == (bins[at], bins[other]) == (400, 100)
	# the report of one hospital reads the ledger itself, and agrees
	_columns, batches = execute({"company": first_company(), "customer": HOSPITAL})
	assert sorted((row["batch"], row["qty"]) for row in batches) == sorted([(long_lived, 2), (expiring, 2)])
	arrivals = frappe.get_all(
		ARRIVAL,
		filters={"warehouse": at, "item_code": ITEM},
		fields=["posting_date", "qty"],
		order_by="posting_date",
	)
	assert [(str(row.posting_date), row.qty) for row in arrivals] == [
		(add_days(today(), -150), 4),
		(today(), 3),
	]


def test_a_kept_figure_changed_around_the_app_is_found_and_repaired(masters):
	places = masters
	at = places[HOSPITAL]
	batch = named_batch(f"CB-{frappe.generate_hash(length=6)}", ITEM)
	receive_units(ITEM, batch, 5, rate=100)
	replenish(at, ITEM, batch, 3)
	kept_equals_ledger(places)
	frappe.db.sql(f"update `tab{BALANCE}` set qty = 30 where warehouse = %s and batch_no = %s", (at, batch))
	frappe.db.sql(f"delete from `tab{ARRIVAL}` where warehouse = %s and posting_date = %s", (at, today()))
	found = consignment_balance.verify(list(places.values()))
	expiry = frappe.db.get_value("Batch", batch, "expiry_date")
	assert {(row["table"], row["kept"], row["ledger"]) for row in found} >= {
		(BALANCE, (ITEM, 30.0, expiry), (ITEM, 3.0, expiry)),
		(ARRIVAL, None, 3.0),
	}
	assert consignment_balance.verify(list(places.values()), repair=True) == found
	kept_equals_ledger(places)
	assert frappe.db.get_value(BALANCE, {"warehouse": at, "batch_no": batch}, "qty") == 3
	# a batch's new expiry date reaches its balances; one written around the app is found and repaired
	doc = frappe.get_doc("Batch", batch)
	doc.expiry_date = add_days(today(), 20)
	doc.md_reason = "Expiry corrected by the manufacturer"
	doc.save()
	assert str(frappe.db.get_value(BALANCE, {"warehouse": at, "batch_no": batch}, "expiry_date")) == add_days(
		today(), 20
	)
	kept_equals_ledger(places)
	assert by_hospital(places)[HOSPITAL]["expiring"] == 3
	frappe.db.sql("update `tabBatch` set expiry_date = %s where name = %s", (add_days(today(), -1), batch))
	assert [row["table"] for row in consignment_balance.verify(list(places.values()), repair=True)] == [
		BALANCE
	]
	assert (by_hospital(places)[HOSPITAL]["expired"], by_hospital(places)[HOSPITAL]["expiring"]) == (3, 0)


@pytest.mark.parametrize("doctype", [BALANCE, ARRIVAL])
def test_no_one_writes_the_kept_figures_through_the_document_api(masters, doctype):
	fields = {"warehouse": masters[HOSPITAL], "item_code": ITEM, "qty": 99}
	fields.update({"batch_no": None} if doctype == BALANCE else {"posting_date": today()})
	before = frappe.db.count(doctype)
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc({"doctype": doctype, **fields}).insert(ignore_permissions=True)
	assert frappe.db.count(doctype) == before


@pytest.mark.parametrize("based_on", ["Item and Warehouse", "Transaction"])
def test_a_completed_repost_has_what_it_rewrote_at_the_hospital_recomputed(masters, based_on):
	from medical_devices.md_hospitals.overrides.consignment_stock import follow_repost

	places = masters
	at = places[HOSPITAL]
	batch = named_batch(f"CB-{frappe.generate_hash(length=6)}", ITEM)
	receive_units(ITEM, batch, 5, rate=100)
	entry = replenish(at, ITEM, batch, 3)
	kept_equals_ledger(places)
	# what a repost does to a stock count's current quantities: the bundle entry rewritten, nothing posted
	frappe.db.sql(
		"""update `tabSerial and Batch Entry` set qty = 2
		where warehouse = %s and batch_no = %s and qty = 3""",
		(at, batch),
	)
	assert [row["table"] for row in consignment_balance.verify(list(places.values()))] == [BALANCE]
	repost = frappe._dict(
		status="In Progress",
		based_on=based_on,
		item_code=ITEM,
		warehouse=at,
		voucher_type="Stock Entry",
		voucher_no=entry.name,
		posting_date=today(),
	)
	follow_repost(repost)
	assert consignment_balance.verify(list(places.values())) != []  # not before it completes
	follow_repost(frappe._dict(repost, status="Completed"))
	kept_equals_ledger(places)
	assert frappe.db.get_value(BALANCE, {"warehouse": at, "batch_no": batch}, "qty") == 2
