"""GSP guard: a device batch that is not Released, is expired on the posting date, or has too little shelf
life left for the customer cannot leave stock by any path, and a blocked attempt writes nothing."""

import pytest

import frappe
from frappe.utils import add_days, getdate, today

from erpnext.controllers.stock_controller import BatchExpiredError

from medical_devices.audit.controlled import ControlledFieldError
from medical_devices.gsp.batch_status import set_batch_status
from medical_devices.gsp.stock_guard import BatchNotAllowedError
from tests.factories import (
	company_stores,
	company_warehouse,
	ensure_item,
	ensure_party,
	ensure_user,
	ensure_warehouse,
	qualify_party,
	register_item,
	release,
	settings,
)

ITEM = "_Test MD GSP Device"
PLAIN = "_Test MD GSP Plain"
PARTY = "_Test MD GSP Party"
QUARANTINE_WH = "_Test MD Quarantine"
NOT_RELEASED = "only Released batches may leave stock"


@pytest.fixture(scope="module", autouse=True)
def records(frappe_site):
	ensure_warehouse(QUARANTINE_WH, company_stores().stores, md_is_quarantine_warehouse=1)
	ensure_item(ITEM, has_expiry_date=1, valuation_rate=10)
	ensure_item(PLAIN, None, has_expiry_date=1, valuation_rate=10)
	register_item(ITEM)
	for doctype in ("Supplier", "Customer"):
		qualify_party(doctype, ensure_party(doctype, PARTY))
	frappe.db.commit()  # nosemgrep: shared by this module's tests, each of which rolls back its own work
	# ERPNext keeps the warehouse-account map in request flags; this process is one long "request"
	frappe.flags.pop("warehouse_account_map", None)
	yield


def ctx():
	"""The test company, its Stores, and this module's quarantine warehouse beside it."""
	found = company_stores()
	found.quarantine = company_warehouse(QUARANTINE_WH, found.company)
	return found


def receive(batch_id, expiry_days=400, qty=10, item=ITEM):
	"""A purchase receipt that creates the batch; returns the batch's document name."""
	batch = frappe.get_doc(
		{
			"doctype": "Batch",
			"batch_id": batch_id,
			"item": item,
			"expiry_date": add_days(today(), expiry_days),
			"manufacturing_date": add_days(today(), -30),
		}
	).insert()
	make(
		"Purchase Receipt",
		[
			{
				"item_code": item,
				"qty": qty,
				"rate": 10,
				"warehouse": ctx().stores,
				"batch_no": batch.name,
				"use_serial_batch_fields": 1,
			}
		],
		supplier=PARTY,
	)
	return batch.name


def make(doctype, rows, submit=True, table="items", **fields):
	doc = frappe.get_doc({"doctype": doctype, "company": ctx().company, **fields})
	for row in rows:
		doc.append(table, row)
	doc.insert()
	if submit:
		doc.submit()
	return doc


def deliver(batch, qty=1, doctype="Delivery Note", **fields):
	row = {"item_code": ITEM, "qty": qty, "rate": 20, "warehouse": ctx().stores, "use_serial_batch_fields": 1}
	if batch:
		row["batch_no"] = batch
	if doctype == "Sales Invoice":
		fields.update(update_stock=1, due_date=add_days(today(), 30))
	return make(doctype, [row], customer=PARTY, **fields)


def stock_entry(purpose, batch, target=None, source=True, **fields):
	row = {"item_code": ITEM, "qty": 1, "basic_rate": 10, "batch_no": batch, "use_serial_batch_fields": 1}
	if source:
		row["s_warehouse"] = ctx().stores
	if target:
		row["t_warehouse"] = target
	return make("Stock Entry", [row], stock_entry_type=purpose, purpose=purpose, **fields)


def ledger_rows(**filters):
	return frappe.db.count("Stock Ledger Entry", {"is_cancelled": 0, **filters}), frappe.db.count(
		"GL Entry", {"is_cancelled": 0, **{k: v for k, v in filters.items() if k == "voucher_type"}}
	)


def blocked(action, match, error=BatchNotAllowedError):
	"""Run `action` as a web request would: on error everything it wrote is rolled back (savepoint)."""
	before = ledger_rows()
	frappe.db.savepoint("md_gsp_attempt")
	with pytest.raises(error, match=match):
		try:
			action()
		except Exception:
			frappe.db.rollback(save_point="md_gsp_attempt")
			raise
	assert ledger_rows() == before, "a blocked document must leave no stock or ledger entry"


def history(batch):
	return frappe.get_all(
		"Batch Status Change",
		filters={"batch": batch},
		fields=["from_status", "to_status", "reason", "changed_by", "reference_doctype"],
		order_by="name asc",
	)


# --- batch status ---------------------------------------------------------------------------------------------


def test_new_device_batch_starts_in_quarantine_and_plain_batches_are_untouched():
	batch = receive("GSP-Q1")
	assert frappe.db.get_value("Batch", batch, "md_batch_status") == "Quarantine"
	assert [(h.from_status, h.to_status, h.reason) for h in history(batch)] == [
		(None, "Quarantine", "New batch")
	]
	plain = frappe.get_doc(
		{"doctype": "Batch", "batch_id": "GSP-PLAIN", "item": PLAIN, "expiry_date": add_days(today(), 5)}
	).insert()
	assert not plain.md_batch_status


@pytest.mark.parametrize(
	"path", ["Delivery Note", "Sales Invoice", "Material Issue", "Material Transfer", "Repack", "Pick List"]
)
def test_quarantined_batch_cannot_leave_by_any_path(path):
	batch = receive("GSP-Q-" + path[:8].upper().replace(" ", ""))

	def action():
		if path in ("Delivery Note", "Sales Invoice"):
			return deliver(batch, doctype=path)
		if path == "Pick List":
			row = {
				"item_code": ITEM,
				"qty": 1,
				"stock_qty": 1,
				"conversion_factor": 1,
				"warehouse": ctx().stores,
				"batch_no": batch,
				"use_serial_batch_fields": 1,
			}
			return make("Pick List", [row], table="locations", purpose="Material Transfer")
		if path == "Repack":  # consumption, as in manufacturing: the device batch is used up to make another
			rows = [
				{
					"item_code": ITEM,
					"qty": 1,
					"basic_rate": 10,
					"batch_no": batch,
					"s_warehouse": ctx().stores,
					"use_serial_batch_fields": 1,
				},
				{
					"item_code": PLAIN,
					"qty": 1,
					"basic_rate": 10,
					"t_warehouse": ctx().stores,
					"is_finished_item": 1,
				},
			]
			return make("Stock Entry", rows, stock_entry_type="Repack", purpose="Repack")
		return stock_entry(path, batch, target=ctx().stores if path == "Material Transfer" else None)

	blocked(action, NOT_RELEASED)


def test_batch_chosen_only_in_a_bundle_is_checked():
	batch = receive("GSP-BUNDLE")
	bundle = frappe.get_doc(
		{
			"doctype": "Serial and Batch Bundle",
			"item_code": ITEM,
			"warehouse": ctx().stores,
			"company": ctx().company,
			"type_of_transaction": "Outward",
			"voucher_type": "Delivery Note",
			"has_batch_no": 1,
			"entries": [{"batch_no": batch, "qty": -1, "warehouse": ctx().stores}],
		}
	)
	blocked(bundle.insert, NOT_RELEASED)


def test_batch_picked_automatically_at_submit_is_checked():
	receive("GSP-AUTO", qty=3)  # the only batch in stock: ERPNext's picker must choose it
	note = frappe.get_doc(
		{
			"doctype": "Delivery Note",
			"company": ctx().company,
			"customer": PARTY,
			"items": [{"item_code": ITEM, "qty": 1, "rate": 20, "warehouse": ctx().stores}],
		}
	).insert()
	assert not note.items[0].batch_no and not note.items[0].serial_and_batch_bundle
	blocked(note.submit, NOT_RELEASED)


def test_released_batch_leaves_and_the_ledger_shows_it():
	batch = receive("GSP-R1")
	release(batch)
	note = deliver(batch, qty=4)
	assert (
		frappe.db.get_value("Stock Ledger Entry", {"voucher_no": note.name, "is_cancelled": 0}, "actual_qty")
		== -4
	)
	assert [h.to_status for h in history(batch)] == ["Quarantine", "Released"]


def test_a_status_changed_with_sql_does_not_let_a_batch_leave():
	"""Released behind the app's back (by SQL, no history): the guard trusts the batch's history, not the field."""
	quarantined = receive("GSP-SQL")
	frappe.db.sql("update tabBatch set md_batch_status = 'Released' where name = %s", quarantined)
	blocked(lambda: deliver(quarantined), "changed outside the app")
	recalled = receive("GSP-SQL2")
	release(recalled)
	set_batch_status(recalled, "Recalled", "Recall RC-SQL", check_role=False)
	frappe.db.sql("update tabBatch set md_batch_status = NULL where name = %s", recalled)  # cleared: "legacy"
	blocked(lambda: deliver(recalled), "changed outside the app")
	# moving it into quarantine stays possible, so that QA can hold it while they look
	entry = stock_entry("Material Transfer", quarantined, target=ctx().quarantine)
	assert entry.docstatus == 1


def test_transfer_into_a_quarantine_warehouse_is_allowed_but_not_out_of_it():
	batch = receive("GSP-QWH")
	entry = stock_entry("Material Transfer", batch, target=ctx().quarantine)
	assert (
		frappe.db.get_value(
			"Stock Ledger Entry", {"voucher_no": entry.name, "warehouse": ctx().quarantine}, "actual_qty"
		)
		== 1
	)


def test_only_quality_roles_change_status_and_every_change_is_recorded():
	batch = receive("GSP-ROLE")
	user = ensure_user("md-gsp-stock@example.com", "Stock User")
	frappe.set_user(user)
	with pytest.raises(frappe.PermissionError, match="Only a Quality Manager or QA Reviewer"):
		set_batch_status(batch, "Released", "looks fine")
	frappe.set_user("Administrator")
	reviewer = ensure_user("md-gsp-qa@example.com", "QA Reviewer", "Stock User")
	frappe.set_user(reviewer)
	from medical_devices.gsp.batch_status import change_batch_status

	assert change_batch_status(batch, "Released", "COA checked, visual inspection passed") == "Released"
	frappe.set_user("Administrator")
	last = history(batch)[-1]
	assert (last.from_status, last.to_status, last.changed_by) == ("Quarantine", "Released", reviewer)
	assert frappe.db.get_value("Batch", batch, ["md_status_changed_by", "md_status_reason"]) == (
		reviewer,
		"COA checked, visual inspection passed",
	)
	with pytest.raises(frappe.ValidationError, match="reason"):
		set_batch_status(batch, "Blocked", "  ", check_role=False)
	set_batch_status(batch, "Recalled", "Recall RC-1", check_role=False)
	with pytest.raises(frappe.ValidationError, match="cannot become"):
		set_batch_status(batch, "Released", "try again", check_role=False)
	doc = frappe.get_doc("Batch", batch)
	doc.md_batch_status = "Released"
	doc.md_reason = "Trying to release it by editing"
	with pytest.raises(
		ControlledFieldError, match="Release Batch, Block Batch and Put in Quarantine buttons"
	):
		doc.save()


def test_quality_inspection_releases_or_blocks_a_quarantined_batch():
	for batch_id, result, expected in (
		("GSP-QI-OK", "Accepted", "Released"),
		("GSP-QI-NG", "Rejected", "Blocked"),
	):
		batch = receive(batch_id)
		receipt = frappe.db.get_value("Purchase Receipt Item", {"batch_no": batch}, "parent")
		frappe.db.set_value("Item", ITEM, "inspection_required_before_purchase", 1)  # QI after receipt
		inspection = frappe.get_doc(
			{
				"doctype": "Quality Inspection",
				"inspection_type": "Incoming",
				"reference_type": "Purchase Receipt",
				"reference_name": receipt,
				"item_code": ITEM,
				"batch_no": batch,
				"sample_size": 1,
				"inspected_by": "Administrator",
				"status": result,
				"manual_inspection": 1,
			}
		).insert()
		inspection.submit()
		frappe.db.set_value("Item", ITEM, "inspection_required_before_purchase", 0)
		assert frappe.db.get_value("Batch", batch, "md_batch_status") == expected
		assert history(batch)[-1].reference_doctype == "Quality Inspection"


# --- expiry and shelf life ------------------------------------------------------------------------------------


def test_expired_batch_is_blocked_by_posting_date_on_every_path_even_material_issue():
	batch = receive("GSP-EXP", expiry_days=10)
	release(batch)
	later = add_days(today(), 11)
	# ERPNext itself refuses an expired batch typed on the row; the bundle path and Material Issue are ours
	blocked(lambda: deliver(batch, posting_date=later, set_posting_time=1), "expired", BatchExpiredError)
	bundle = frappe.get_doc(
		{
			"doctype": "Serial and Batch Bundle",
			"item_code": ITEM,
			"warehouse": ctx().stores,
			"company": ctx().company,
			"type_of_transaction": "Outward",
			"voucher_type": "Delivery Note",
			"posting_date": later,
			"has_batch_no": 1,
			"entries": [{"batch_no": batch, "qty": -1, "warehouse": ctx().stores}],
		}
	)
	blocked(bundle.insert, "expired on")
	blocked(
		lambda: stock_entry("Material Issue", batch, posting_date=later, set_posting_time=1), "expired on"
	)
	deliver(batch, posting_date=add_days(today(), 9), set_posting_time=1)  # still in date: allowed


def test_disposal_of_an_expired_or_blocked_batch_is_for_quality_roles_only():
	batch = receive("GSP-DISPOSE", expiry_days=3)
	later = add_days(today(), 5)
	user = ensure_user("md-gsp-stock@example.com", "Stock User", "Stock Manager")
	frappe.set_user(user)
	with pytest.raises(frappe.PermissionError, match="dispose"):
		stock_entry("Material Issue", batch, posting_date=later, set_posting_time=1, md_is_disposal=1)
	frappe.set_user("Administrator")
	frappe.db.rollback()
	batch = receive("GSP-DISPOSE", expiry_days=3)
	entry = stock_entry("Material Issue", batch, posting_date=later, set_posting_time=1, md_is_disposal=1)
	assert frappe.db.get_value("Stock Ledger Entry", {"voucher_no": entry.name}, "actual_qty") == -1


def test_minimum_shelf_life_per_item_and_customer_override():
	batch = receive("GSP-SHELF", expiry_days=100)
	release(batch)
	frappe.db.set_value("Item", ITEM, "md_min_remaining_shelf_life_days", 180)
	blocked(lambda: deliver(batch), "has 100 days of shelf life left .* at least 180 days are required")
	frappe.db.set_value("Customer", PARTY, "md_min_remaining_shelf_life_days", 60)
	note = deliver(batch)
	assert note.docstatus == 1
	# a transfer inside the company is no sale: shelf life does not apply
	frappe.db.set_value("Customer", PARTY, "md_min_remaining_shelf_life_days", 0)
	stock_entry("Material Transfer", batch, target=ctx().quarantine)


def test_returns_come_back_even_into_a_blocked_batch():
	batch = receive("GSP-RET")
	release(batch)
	note = deliver(batch, qty=2)
	set_batch_status(batch, "Blocked", "complaint under investigation", check_role=False)
	from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_return

	ret = make_sales_return(note.name)
	ret.items[0].qty = -2
	ret.insert()
	ret.submit()
	assert (
		frappe.db.get_value("Stock Ledger Entry", {"voucher_no": ret.name, "is_cancelled": 0}, "actual_qty")
		== 2
	)


def test_plain_items_are_not_bound_by_device_rules():
	batch = frappe.get_doc(
		{"doctype": "Batch", "batch_id": "GSP-PLAIN-2", "item": PLAIN, "expiry_date": add_days(today(), 400)}
	).insert()
	make(
		"Purchase Receipt",
		[
			{
				"item_code": PLAIN,
				"qty": 2,
				"rate": 5,
				"warehouse": ctx().stores,
				"batch_no": batch.name,
				"use_serial_batch_fields": 1,
			}
		],
		supplier=PARTY,
	)
	entry = make(
		"Stock Entry",
		[
			{
				"item_code": PLAIN,
				"qty": 1,
				"basic_rate": 5,
				"batch_no": batch.name,
				"s_warehouse": ctx().stores,
				"use_serial_batch_fields": 1,
			}
		],
		stock_entry_type="Material Issue",
		purpose="Material Issue",
	)
	assert entry.docstatus == 1


def test_switching_controls_off_lets_a_quarantined_batch_through():
	batch = receive("GSP-OFF")
	with settings(enable_controls=0):
		assert deliver(batch).docstatus == 1


# --- FEFO picking --------------------------------------------------------------------------------------------


def test_rows_without_a_batch_get_the_earliest_expiring_releasable_batches():
	quarantined_first = receive("FEFO-Q", expiry_days=100, qty=5)  # earliest, but not released
	short = receive("FEFO-SHORT", expiry_days=120, qty=3)
	release(short)
	later = receive("FEFO-LATER", expiry_days=300, qty=10)
	release(later)
	latest = receive("FEFO-LATEST", expiry_days=600, qty=10)
	release(latest)
	receive("FEFO-PLAIN", qty=2, item=PLAIN)
	note = frappe.get_doc(
		{
			"doctype": "Delivery Note",
			"company": ctx().company,
			"customer": PARTY,
			"items": [
				{"item_code": ITEM, "qty": 5, "rate": 20, "warehouse": ctx().stores},
				{"item_code": PLAIN, "qty": 1, "rate": 5, "warehouse": ctx().stores},
			],
		}
	)
	note.insert()
	device_rows = [(row.batch_no, row.qty) for row in note.items if row.item_code == ITEM]
	assert device_rows == [(short, 3), (later, 2)]  # split over the two earliest released batches
	assert quarantined_first not in {row.batch_no for row in note.items}
	assert [row.idx for row in note.items] == [1, 2, 3] and note.items[2].item_code == PLAIN
	assert not note.items[2].batch_no  # plain items keep ERPNext's own picking
	assert note.total_qty == 6 and note.net_total == 5 * 20 + 5
	note.submit()
	assert frappe.db.get_value("Batch", short, "batch_qty") == 0

	# a customer who needs 400 days of shelf life gets the 600-day batch only
	frappe.db.set_value("Customer", PARTY, "md_min_remaining_shelf_life_days", 400)
	second = frappe.get_doc(
		{
			"doctype": "Delivery Note",
			"company": ctx().company,
			"customer": PARTY,
			"items": [{"item_code": ITEM, "qty": 4, "rate": 20, "warehouse": ctx().stores}],
		}
	).insert()
	assert [(row.batch_no, row.qty) for row in second.items] == [(latest, 4)]


# --- batches whose item changed, batches without a status, counted stock ------------------------------------


def deliver_item(item, batch, qty=1):
	row = {
		"item_code": item,
		"qty": qty,
		"rate": 20,
		"warehouse": ctx().stores,
		"batch_no": batch,
		"use_serial_batch_fields": 1,
	}
	return make("Delivery Note", [row], customer=PARTY)


def test_a_device_batch_without_a_status_was_never_released_and_cannot_leave():
	"""A device batch with neither status nor history (its item made a device behind the app's back, say)."""
	item = ensure_item("_Test MD GSP No Status", None, has_expiry_date=1, valuation_rate=10)
	batch = receive("GSP-NOSTATUS", item=item)
	frappe.db.sql(
		"update tabItem set md_is_medical_device = 1, md_device_class = 'Class II' where name = %s", item
	)
	frappe.clear_document_cache("Item", item)
	register_item(item)
	assert not frappe.db.get_value("Batch", batch, "md_batch_status") and not history(batch)
	blocked(lambda: deliver_item(item, batch), "is No Status; only Released batches")


def test_a_recalled_batch_stays_recalled_when_its_item_stops_being_a_device():
	from medical_devices.medical_devices.overrides.item import change_device_classification

	item = ensure_item("_Test MD GSP Reclassified", has_expiry_date=1, valuation_rate=10)
	register_item(item)
	batch = receive("GSP-RECLASS", item=item)
	release(batch)
	set_batch_status(batch, "Recalled", "Recall RC-RECLASS", check_role=False)
	assert (
		change_device_classification(item, 0, "Reclassified: not a medical device under the new catalogue")
		== 0
	)
	assert not frappe.db.get_value("Item", item, "md_is_medical_device")
	blocked(lambda: deliver_item(item, batch), "only Released batches may leave stock")
	assert frappe.db.get_value("Batch", batch, "md_batch_status") == "Recalled"


def test_an_item_that_becomes_a_device_has_its_batches_quarantined_with_history():
	from medical_devices.audit.trail import entries_of, flush
	from medical_devices.medical_devices.overrides.item import change_device_classification

	item = ensure_item("_Test MD GSP Becomes Device", None, has_expiry_date=1, valuation_rate=10)
	batch = receive("GSP-BECOMES", item=item)
	assert not frappe.db.get_value("Batch", batch, "md_batch_status")
	doc = frappe.get_doc("Item", item)
	doc.md_device_class = "Class II"
	doc.save()
	assert change_device_classification(item, 1, "Now regulated as a Class II device") == 1
	register_item(item)
	assert frappe.db.get_value("Batch", batch, "md_batch_status") == "Quarantine"
	assert [(h.from_status, h.to_status) for h in history(batch)] == [(None, "Quarantine")]
	assert "became a medical device" in history(batch)[0].reason
	flush()
	assert entries_of("Batch", batch)[-1].reason == history(batch)[0].reason
	blocked(lambda: deliver_item(item, batch), "only Released batches may leave stock")


def reconcile(batch, qty):
	return make(
		"Stock Reconciliation",
		[
			{
				"item_code": ITEM,
				"warehouse": ctx().stores,
				"qty": qty,
				"valuation_rate": 10,
				"batch_no": batch,
				"use_serial_batch_fields": 1,
			}
		],
		purpose="Stock Reconciliation",
		md_reason="Annual count",
	)


def test_only_quality_staff_reconcile_the_stock_of_a_batch_that_is_not_released():
	recalled = receive("GSP-RECO")
	release(recalled)
	set_batch_status(recalled, "Recalled", "Recall RC-RECO", check_role=False)
	released = receive("GSP-RECO-OK")
	release(released)
	counter = ensure_user("md-gsp-counter@example.com", "Stock Manager", "Stock User")
	frappe.set_user(counter)
	try:
		blocked(
			lambda: reconcile(recalled, 0), "only a Quality Manager or QA Reviewer", frappe.PermissionError
		)
		assert reconcile(released, 9).docstatus == 1  # counting released stock stays ordinary stock work
	finally:
		frappe.set_user("Administrator")
	assert frappe.db.get_value("Batch", recalled, "batch_qty") == 10
	assert reconcile(recalled, 0).docstatus == 1  # quality staff write the recalled stock off the books
	assert frappe.db.get_value("Batch", recalled, "batch_qty") == 0


def test_install_releases_the_batches_from_before_and_only_those():
	"""A batch that predates the app (no status, no history) carries on as Released, on record; one whose status
	history shows a status it no longer carries had it cleared around the app, and stays blocked."""
	from medical_devices.gsp.batch_status import release_existing_batches

	item = ensure_item("_Test MD GSP Legacy", None, has_expiry_date=1, valuation_rate=10)
	legacy = receive("GSP-LEGACY", item=item)
	frappe.db.sql(
		"update tabItem set md_is_medical_device = 1, md_device_class = 'Class II' where name = %s", item
	)
	frappe.clear_document_cache("Item", item)
	cleared = receive("GSP-CLEARED")
	frappe.db.sql("update tabBatch set md_batch_status = NULL where name = %s", cleared)
	assert release_existing_batches() >= 1
	assert frappe.db.get_value("Batch", legacy, "md_batch_status") == "Released"
	assert [(h.from_status, h.to_status) for h in history(legacy)] == [(None, "Released")]
	assert not frappe.db.get_value("Batch", cleared, "md_batch_status")
	blocked(lambda: deliver(cleared), "changed outside the app")
