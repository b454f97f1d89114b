"""Supplier control (medical_devices/md_quality/suppliers.py): orders and receipts of an item under supplier control,
device or component, pass only from a supplier the approved supplier list approves for it (approved on conditions
with a warning); one unlisted, disqualified, pending or whose audit is overdue is refused naming the problem, and
nothing is written. A submitted Supplier Audit shows on the supplier's entries and a Disqualified result disqualifies
them; the status and audit fields change through those functions only. The scorecard weighs quality, delivery and
the last audit."""

import pytest

import frappe
from frappe.client import set_value
from frappe.utils import add_days, formatdate, now_datetime, today

from medical_devices.audit import trail
from medical_devices.audit.controlled import ControlledFieldError
from medical_devices.audit.verify import verify_audit
from medical_devices.gsp.qualification import QualificationError
from medical_devices.inputs import InvalidInputError
from medical_devices.md_quality.doctype.approved_supplier.approved_supplier import qualify_supplier
from medical_devices.md_quality.doctype.supplier_audit.supplier_audit import ON_SUBMIT
from medical_devices.md_quality.report.supplier_scorecard.supplier_scorecard import execute as scorecard
from medical_devices.md_quality.suppliers import is_controlled_item, supplier_scores
from tests.factories import (
	approved_supplier,
	company_stores,
	ensure_item,
	ensure_item_group,
	ensure_party,
	ensure_user,
	first_company,
	supplier_audit,
)

GROUP = "_Test MD SUP Components"
HOUSING = "_Test MD SUP Housing"  # Approved Suppliers Only ticked
SEAL = "_Test MD SUP Seal"  # in GROUP: controlled once the group is on the list
GASKET = "_Test MD SUP Gasket"  # in GROUP too
LABEL = "_Test MD SUP Label"  # under no supplier control
APPROVED = "_Test MD SUP Approved"
UNLISTED = "_Test MD SUP Unlisted"
OTHER = "_Test MD SUP Other"
SCORED = "_Test MD SUP Scored"
AUDITED_ONLY = "_Test MD SUP Audited Only"
BUYER = "md-sup-buyer@example.com"
QUALITY = "md-sup-quality@example.com"


@pytest.fixture(scope="module", autouse=True)
def masters(frappe_site):
	ensure_item_group(GROUP)
	ensure_item(HOUSING, None, has_batch_no=0, valuation_rate=5, md_approved_suppliers_only=1)
	for code in (SEAL, GASKET):
		ensure_item(code, None, has_batch_no=0, valuation_rate=5, item_group=GROUP)
	ensure_item(LABEL, None, has_batch_no=0, valuation_rate=5)
	for supplier in (APPROVED, UNLISTED, OTHER, SCORED, AUDITED_ONLY):
		ensure_party("Supplier", supplier)
	ensure_user(BUYER, "Purchase User", "Purchase Manager", "Stock User")
	ensure_user(QUALITY, "Quality Manager")
	frappe.db.commit()  # nosemgrep: the module's masters; each test rolls back its own work
	yield


@pytest.fixture(autouse=True)
def as_administrator():
	yield
	frappe.set_user("Administrator")


def document(doctype: str, supplier: str, item: str = HOUSING, qty: float = 10, **fields):
	schedule = fields.pop("schedule_date", add_days(today(), 5))
	row = {
		"item_code": item,
		"qty": qty,
		"rate": 5,
		"warehouse": company_stores().stores,
		"schedule_date": schedule,
	}
	extra = {"schedule_date": schedule} if doctype == "Purchase Order" else {}
	return frappe.get_doc(
		{
			"doctype": doctype,
			"company": first_company(),
			"supplier": supplier,
			"items": [row],
			**extra,
			**fields,
		}
	)


def written() -> tuple[int, ...]:
	return tuple(
		frappe.db.count(doctype)
		for doctype in (
			"Purchase Order",
			"Purchase Receipt",
			"Purchase Receipt Item",
			"Stock Ledger Entry",
		)
	)


def refused(doc, *fragments) -> str:
	"""The document is refused with a message naming every fragment, and nothing is written."""
	before = written()
	with pytest.raises(QualificationError) as error:
		doc.insert()
		doc.submit()
	message = str(error.value)
	for fragment in fragments:
		assert fragment in message, message
	assert written() == before
	return message


def warnings() -> str:
	return " ".join(str(entry.get("message")) for entry in frappe.local.message_log or [] if entry)


def submitted_receipt(supplier: str, item: str = HOUSING, qty: float = 10):
	receipt = document("Purchase Receipt", supplier, item, qty)
	receipt.insert()
	receipt.submit()
	return receipt


PURCHASES = ["Purchase Order", "Purchase Receipt"]


@pytest.mark.parametrize("doctype", PURCHASES)
def test_a_supplier_not_on_the_list_is_refused_and_nothing_is_written(doctype):
	approved_supplier(APPROVED, HOUSING)  # another supplier's entry does not help this one
	refused(document(doctype, UNLISTED), "is not on the approved supplier list", UNLISTED, HOUSING)


@pytest.mark.parametrize("doctype", PURCHASES)
def test_a_disqualified_supplier_is_refused(doctype):
	entry = approved_supplier(OTHER, HOUSING, status="Disqualified")
	message = refused(document(doctype, OTHER), "is disqualified for", OTHER, HOUSING, entry.name)
	assert "Disqualified for the test" in message  # the decision's reason


@pytest.mark.parametrize("doctype", PURCHASES)
def test_a_supplier_whose_audit_is_overdue_is_refused(doctype):
	approved_supplier(OTHER, HOUSING)
	due = add_days(today(), -35)
	supplier_audit(OTHER, score=88, audit_date=add_days(today(), -400), next_audit_due=due)
	refused(document(doctype, OTHER), "The audit of supplier", OTHER, f"was due on {formatdate(due)}")
	# nor does dating the document back to before the audit fell due get round it
	if doctype == "Purchase Order":
		dated = {"transaction_date": add_days(due, -1)}
	else:
		dated = {"posting_date": add_days(due, -1), "set_posting_time": 1}
	refused(document(doctype, OTHER, schedule_date=add_days(due, 2), **dated), "The audit of supplier", OTHER)


def test_a_pending_entry_does_not_approve():
	entry = approved_supplier(OTHER, HOUSING, status=None)
	assert entry.status == "Pending"
	refused(document("Purchase Order", OTHER), "is not yet approved for", entry.name)


def test_an_approved_supplier_is_ordered_from_and_received_from():
	approved_supplier(APPROVED, HOUSING)
	order = document("Purchase Order", APPROVED)
	order.insert()
	order.submit()
	from erpnext.buying.doctype.purchase_order.purchase_order import make_purchase_receipt

	receipt = make_purchase_receipt(order.name)
	receipt.insert()
	receipt.submit()
	assert (
		frappe.db.get_value(
			"Stock Ledger Entry", {"voucher_no": receipt.name, "is_cancelled": 0}, "actual_qty"
		)
		== 10
	)


def test_a_conditional_supplier_passes_with_a_warning_naming_the_conditions():
	approved_supplier(
		OTHER, HOUSING, status="Conditional", conditions="100% incoming inspection of every lot"
	)
	frappe.clear_messages()
	receipt = submitted_receipt(OTHER)
	assert receipt.docstatus == 1
	assert "on conditions only" in warnings() and "100% incoming inspection of every lot" in warnings()


def test_an_item_under_no_supplier_control_is_untouched():
	frappe.clear_messages()
	assert not is_controlled_item(LABEL)
	assert is_controlled_item(HOUSING)  # ticked, although no entry names it
	assert submitted_receipt(UNLISTED, LABEL).docstatus == 1
	assert not warnings()
	# an item group on the list puts its items under control, whichever supplier the entry names
	assert not is_controlled_item(SEAL)
	approved_supplier(APPROVED, item_group=GROUP)
	assert is_controlled_item(SEAL) and is_controlled_item(GASKET)


def test_the_items_own_entry_wins_over_its_groups():
	approved_supplier(OTHER, item_group=GROUP)
	approved_supplier(OTHER, SEAL, status="Disqualified")
	refused(document("Purchase Order", OTHER, SEAL), "is disqualified for", SEAL)
	document("Purchase Order", OTHER, GASKET).insert()  # the group's approval covers the other items
	# and the other way round: a group disqualified, one item of it approved on its own
	approved_supplier(APPROVED, item_group=GROUP, status="Disqualified")
	approved_supplier(APPROVED, GASKET)
	document("Purchase Order", APPROVED, GASKET).insert()
	refused(document("Purchase Order", APPROVED, SEAL), "is disqualified for", SEAL)


def test_a_draft_receipt_is_refused_on_submit_once_the_supplier_is_disqualified():
	entry = approved_supplier(OTHER, HOUSING)
	receipt = document("Purchase Receipt", OTHER)
	receipt.insert()
	qualify_supplier(entry.name, "Disqualified", "Sterility failures in three lots")
	entries = frappe.db.count("Stock Ledger Entry")
	receipt.reload()
	with pytest.raises(QualificationError, match="is disqualified for"):
		receipt.submit()
	assert frappe.db.count("Stock Ledger Entry") == entries
	assert frappe.db.get_value("Purchase Receipt", receipt.name, "docstatus") == 0


def test_a_submitted_audit_shows_on_every_entry_of_the_supplier():
	entries = [approved_supplier(OTHER, HOUSING), approved_supplier(OTHER, item_group=GROUP)]
	supplier_audit(OTHER, score=70, submit=False)  # a draft is a planned audit: nothing on the list yet
	assert all(not frappe.db.get_value("Approved Supplier", e.name, "last_audit") for e in entries)
	done = supplier_audit(OTHER, score=85, next_audit_due=add_days(today(), 200))
	for entry in entries:
		entry.reload()
		assert (entry.last_audit, entry.last_audit_score, str(entry.next_audit_due)) == (
			done.name,
			85,
			add_days(today(), 200),
		)
		assert entry.status == "Approved"  # an audit's Approved result is no decision of the list
	# an audit done earlier, submitted later, leaves the list showing the later one
	supplier_audit(OTHER, score=60, audit_date=add_days(today(), -30), next_audit_due=add_days(today(), 10))
	assert frappe.db.get_value("Approved Supplier", entries[0].name, "last_audit") == done.name


def test_a_disqualified_audit_disqualifies_every_entry_and_stays_on_record():
	entries = [
		approved_supplier(OTHER, HOUSING, status="Conditional", conditions="extra inspection"),
		approved_supplier(OTHER, item_group=GROUP),
	]
	audit = supplier_audit(OTHER, score=35, result="Disqualified")
	for entry in entries:
		entry.reload()
		assert (entry.status, entry.last_audit, entry.last_audit_score) == ("Disqualified", audit.name, 35)
		assert audit.name in entry.decision_reason and not entry.conditions
	refused(document("Purchase Order", OTHER, SEAL), "is disqualified for", audit.name)
	# each entry's trail says which audit changed it, and the entries still verify
	trail.flush()
	last = trail.entries_of("Approved Supplier", entries[0].name)[-1]
	assert (
		last.changes["by"] == {"function": ON_SUBMIT}
		and last.reason == f"Supplier Audit {audit.name}: Disqualified"
	)
	report = verify_audit(documents=[("Approved Supplier", entry.name) for entry in entries])
	assert report.document_problems == [] and report.chain_problems == []
	audit.md_reason = "Wrong supplier"
	with pytest.raises(frappe.ValidationError, match="stays on record"):
		audit.cancel()
	assert frappe.db.get_value("Supplier Audit", audit.name, "docstatus") == 1


def test_the_status_and_audit_fields_cannot_be_written_by_hand():
	entry = approved_supplier(OTHER, HOUSING, status="Disqualified")
	for values in (
		{"status": "Approved"},
		{"decision_reason": "forged"},
		{"last_audit_score": 99},
		{"next_audit_due": add_days(today(), 900)},
	):
		fresh = frappe.get_doc("Approved Supplier", entry.name)
		fresh.update({**values, "md_reason": "An insider tries"})
		with pytest.raises(ControlledFieldError):
			fresh.save()
		with pytest.raises(ControlledFieldError):
			set_value("Approved Supplier", entry.name, {**values, "md_reason": "An insider tries"})
	assert frappe.db.get_value("Approved Supplier", entry.name, "status") == "Disqualified"
	# on insert the status is Pending, whatever the client sent
	new = frappe.get_doc(
		{
			"doctype": "Approved Supplier",
			"supplier": UNLISTED,
			"scope": "Item",
			"item_code": SEAL,
			"status": "Approved",
		}
	).insert()
	assert new.status == "Pending" and not new.decided_by


def test_only_the_quality_and_regulatory_roles_change_a_suppliers_status():
	entry = approved_supplier(OTHER, HOUSING, status=None)
	frappe.set_user(BUYER)
	with pytest.raises(frappe.PermissionError):
		qualify_supplier(entry.name, "Approved", "I like them")
	frappe.set_user(QUALITY)
	for args in (
		("Excellent", "no such status"),
		("Approved", ""),
		("Conditional", "conditions left out"),
		("Approved", 12345),
	):
		with pytest.raises(InvalidInputError):
			qualify_supplier(entry.name, *args)
	assert frappe.db.get_value("Approved Supplier", entry.name, "status") == "Pending"
	assert qualify_supplier(entry.name, "Approved", "File complete, first audit passed") == "Approved"
	frappe.set_user("Administrator")
	entry.reload()
	assert (entry.status, entry.decided_by) == ("Approved", QUALITY)
	assert entry.decision_reason == "File complete, first audit passed" and entry.decided_on


def test_an_entry_is_unique_and_keeps_what_it_was_decided_for():
	entry = approved_supplier(OTHER, HOUSING)
	with pytest.raises(frappe.DuplicateEntryError):
		frappe.get_doc(
			{"doctype": "Approved Supplier", "supplier": OTHER, "scope": "Item", "item_code": HOUSING}
		).insert()
	approved_supplier(OTHER, item_group=GROUP)
	with pytest.raises(frappe.DuplicateEntryError):
		frappe.get_doc(
			{"doctype": "Approved Supplier", "supplier": OTHER, "scope": "Item Group", "item_group": GROUP}
		).insert()
	entry.item_code = SEAL
	entry.md_reason = "Approve it for the seal instead"
	with pytest.raises(frappe.PermissionError):
		entry.save()


def test_an_audits_score_and_dates_are_checked_and_a_refusal_writes_nothing():
	before = frappe.db.count("Supplier Audit")
	for fields in (
		{"score": "abc"},
		{"score": 150},
		{"score": -1},
		{"audit_date": add_days(today(), 3)},
		{"next_audit_due": add_days(today(), -1)},
	):
		with pytest.raises(InvalidInputError):
			supplier_audit(OTHER, **fields)
	assert frappe.db.count("Supplier Audit") == before
	planned = frappe.get_doc(
		{
			"doctype": "Supplier Audit",
			"supplier": OTHER,
			"company": first_company(),
			"audit_type": "For Cause",
			"planned_date": add_days(today(), 14),
		}
	).insert()  # a planned audit: not done yet
	with pytest.raises(InvalidInputError, match="Audit Date"):
		planned.submit()
	frappe.set_user(BUYER)
	with pytest.raises(frappe.PermissionError):
		supplier_audit(OTHER, score=90)
	frappe.set_user("Administrator")
	assert frappe.db.count("Supplier Audit", {"docstatus": 1, "supplier": OTHER}) == 0


def nonconformance(supplier: str, item_code: str, qty: float) -> bool:
	"""A Device Nonconformance of the supplier's goods, raised now (written directly: this module tests the
	scorecard, not the nonconformance's own rules); False while that doctype is not installed."""
	if not frappe.db.table_exists("Device Nonconformance"):
		return False
	now = now_datetime()
	frappe.db.sql(
		"""insert into `tabDevice Nonconformance`
		(name, creation, modified, owner, modified_by, docstatus, company, supplier, item_code, qty, raised_on)
		values (%s, %s, %s, 'Administrator', 'Administrator', 1, %s, %s, %s, %s, %s)""",
		(
			f"_Test MD SUP NC {frappe.generate_hash(length=8)}",
			now,
			now,
			first_company(),
			supplier,
			item_code,
			qty,
			now,
		),
	)
	return True


def test_the_score_weighs_quality_delivery_and_the_last_audit():
	from erpnext.buying.doctype.purchase_order.purchase_order import make_purchase_receipt

	approved_supplier(SCORED, HOUSING)
	for qty, due in ((60, add_days(today(), 5)), (40, add_days(today(), -5))):  # on time, late
		order = document(
			"Purchase Order", SCORED, qty=qty, transaction_date=add_days(today(), -10), schedule_date=due
		)
		order.insert()
		order.submit()
		receipt = make_purchase_receipt(order.name)
		receipt.insert()
		receipt.submit()
	counted = nonconformance(SCORED, HOUSING, 2)
	supplier_audit(SCORED, score=80)
	scores = supplier_scores([SCORED, AUDITED_ONLY, UNLISTED], add_days(today(), -30), today())
	mine = scores[SCORED]
	quality = 98 if counted else 100
	assert (mine["received_qty"], mine["nonconforming_qty"]) == (100, 2 if counted else 0)
	assert (mine["quality"], mine["on_time"], mine["audit"]) == (quality, 50, 80)
	assert mine["ppm"] == (20000 if counted else 0)
	assert mine["score"] == round(0.4 * quality + 0.3 * 50 + 0.3 * 80, 2)
	# the parts without data are left out and the weights renormalised
	supplier_audit(AUDITED_ONLY, score=72)
	assert supplier_scores([AUDITED_ONLY])[AUDITED_ONLY]["score"] == 72
	assert scores[UNLISTED]["score"] is None
	# a receipt without an order counts for quality, not for delivery
	submitted_receipt(SCORED, qty=100)
	again = supplier_scores([SCORED], add_days(today(), -30), today())[SCORED]
	assert (again["received_qty"], again["on_time"]) == (200, 50)
	# another company's receipts are not this company's figures
	assert supplier_scores([SCORED], company="_Test MD SUP No Such Company")[SCORED]["received_qty"] == 0

	columns, rows = scorecard(
		{
			"company": first_company(),
			"from_date": add_days(today(), -30),
			"to_date": today(),
			"supplier": SCORED,
		}
	)
	assert [row["supplier"] for row in rows] == [SCORED]
	assert rows[0]["received_qty"] == 200 and rows[0]["last_audit_score"] == 80
	assert "Approved 1" in rows[0]["status"]
	assert {column["fieldname"] for column in columns} >= {"ppm", "on_time", "score", "next_audit_due"}


def test_a_purchase_invoice_that_updates_stock_is_a_receipt_and_is_refused_too():
	approved_supplier(OTHER, HOUSING, status="Disqualified")
	refused(document("Purchase Invoice", OTHER, update_stock=1), "is disqualified for", OTHER, HOUSING)


def test_an_item_leaves_supplier_control_only_by_the_lists_keepers():
	approved_supplier(OTHER, item_group=GROUP, status="Disqualified")
	ensure_user("md-sup-item@example.com", "Item Manager", "Stock User", "Purchase User")
	frappe.set_user("md-sup-item@example.com")
	seal = frappe.get_doc("Item", SEAL)
	seal.item_group = frappe.db.get_value("Item Group", {"is_group": 0, "name": ("!=", GROUP)})
	with pytest.raises(frappe.PermissionError, match="approved supplier list only"):
		seal.save()
	housing = frappe.get_doc("Item", HOUSING)
	housing.md_approved_suppliers_only = 0
	with pytest.raises(frappe.PermissionError, match="approved supplier list only"):
		housing.save()
	frappe.set_user("Administrator")
	assert frappe.db.get_value("Item", SEAL, "item_group") == GROUP
	assert frappe.db.get_value("Item", HOUSING, "md_approved_suppliers_only") == 1
	# the purchase from the disqualified supplier stays refused
	refused(document("Purchase Order", OTHER, SEAL), "is disqualified for", OTHER, SEAL)
