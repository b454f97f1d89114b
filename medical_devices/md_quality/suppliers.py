"""Supplier control (ISO 13485 §7.4; 医疗器械生产质量管理规范 采购, 合格供方): the one module that answers "may we buy
this item from this supplier" and "how good is this supplier".

An item is under supplier control when its Item has *Approved Suppliers Only* ticked, or when any entry of the
approved supplier list names it or its item group (or a group above it). Orders and receipts of a controlled item
(medical_devices/gsp/overrides/transaction.py) pass only from a supplier the list approves for it: an entry for the
item wins over one for its item group, and the nearest group over one further up. A supplier approved on
conditions passes with a warning naming them; one disqualified, pending a decision or whose audit is overdue does
not.
"""

import datetime

import frappe
from frappe import _
from frappe.query_builder import Order
from frappe.query_builder.functions import Sum
from frappe.utils import add_days, add_months, flt, formatdate, get_link_to_form, getdate, today

from medical_devices import stored_texts
from medical_devices.md_quality.doctype.approved_supplier.approved_supplier import (
	APPROVED,
	CONDITIONAL,
	DISQUALIFIED,
)

FLAG = "md_approved_suppliers_only"
ENTRY = "Approved Supplier"
NONCONFORMANCE = "Device Nonconformance"
# The score's parts and their weights; a part without data is left out and the others' weights renormalised.
WEIGHTS = {"quality": 0.4, "on_time": 0.3, "audit": 0.3}
PER_MILLION = 1_000_000
ENTRY_FIELDS = (
	"name",
	"supplier",
	"item_code",
	"item_group",
	"status",
	"conditions",
	"decision_reason",
	"next_audit_due",
)


# --- what is controlled ------------------------------------------------------------------------------------------


def groups_above(item_groups) -> dict[str, list[str]]:
	"""Each item group with the groups above it, nearest first (itself first), in one query."""
	item_groups = sorted({group for group in item_groups if group})
	if not item_groups:
		return {}
	group = frappe.qb.DocType("Item Group")
	above = frappe.qb.DocType("Item Group").as_("above")
	lineage: dict[str, list[str]] = {name: [] for name in item_groups}
	for row in (
		frappe.qb.from_(group)
		.join(above)
		.on((above.lft <= group.lft) & (above.rgt >= group.rgt))
		.select(group.name.as_("item_group"), above.name.as_("above"))
		.where(group.name.isin(item_groups))
		.orderby(above.lft, order=Order.desc)
		.run(as_dict=True)
	):
		lineage[row.item_group].append(row.above)
	return {name: groups or [name] for name, groups in lineage.items()}


def controlled_items(item_codes) -> dict[str, frappe._dict]:
	"""The items among `item_codes` under supplier control, each with its item groups (nearest first) and every
	entry of the list that names the item or one of those groups: three queries, whatever the number of items."""
	item_codes = sorted({code for code in item_codes or () if code})
	if not item_codes:
		return {}
	flagged = frappe.get_meta("Item").has_field(FLAG)
	items = frappe.get_all(
		"Item",
		filters={"name": ("in", item_codes)},
		fields=["name", "item_group", *([FLAG] if flagged else [])],
	)
	lineage = groups_above(item.item_group for item in items)
	groups = sorted({group for groups in lineage.values() for group in groups})
	or_filters = {"item_code": ("in", item_codes)}
	if groups:
		or_filters["item_group"] = ("in", groups)
	entries = frappe.get_all(ENTRY, or_filters=or_filters, fields=list(ENTRY_FIELDS))
	controlled = {}
	for item in items:
		groups_of_item = lineage.get(item.item_group) or [item.item_group]
		named = [
			entry
			for entry in entries
			if entry.item_code == item.name or (entry.item_group and entry.item_group in groups_of_item)
		]
		if item.get(FLAG) or named:
			controlled[item.name] = frappe._dict(groups=groups_of_item, entries=named)
	return controlled


def is_controlled_item(item: str) -> bool:
	"""Whether purchases of `item` are held to the approved supplier list."""
	return item in controlled_items([item])


def entry_for(supplier: str, item_code: str, controlled: frappe._dict) -> frappe._dict | None:
	"""The supplier's entry that decides for the item: the item's own, else its nearest item group's."""
	mine = [entry for entry in controlled.entries if entry.supplier == supplier]
	for entry in mine:
		if entry.item_code == item_code:
			return entry
	for group in controlled.groups:
		for entry in mine:
			if entry.item_group == group:
				return entry
	return None


# --- the purchase gate -------------------------------------------------------------------------------------------


def approval_problems(supplier: str, rows, on_date: datetime.date) -> list[str]:
	"""What stops buying the rows' controlled items from `supplier` on `on_date`, one message each; a supplier
	approved on conditions passes, with a warning naming them."""
	rows = [row for row in rows or () if row.get("item_code")]
	controlled = controlled_items(row.item_code for row in rows)
	on_date = getdate(on_date)
	problems, warnings = [], []
	for row in rows:
		if row.item_code not in controlled:
			continue
		entry = entry_for(supplier, row.item_code, controlled[row.item_code])
		who, item = frappe.bold(supplier), frappe.bold(row.item_code)
		if not entry:
			problems.append(_("Supplier {0} is not on the approved supplier list for {1}.").format(who, item))
			continue
		link = get_link_to_form(ENTRY, entry.name)
		if entry.status == DISQUALIFIED:
			problems.append(
				_("Supplier {0} is disqualified for {1} (approved supplier list entry {2}: {3}).").format(
					who, item, link, stored_texts.translated(entry.decision_reason) or "-"
				)
			)
		elif entry.status not in (APPROVED, CONDITIONAL):
			problems.append(
				_(
					"Supplier {0} is not yet approved for {1}: approved supplier list entry {2} awaits its decision."
				).format(who, item, link)
			)
		elif entry.next_audit_due and getdate(entry.next_audit_due) < max(on_date, getdate(today())):
			problems.append(
				_(
					"The audit of supplier {0} was due on {1}: audit it before buying {2} from it (approved supplier list entry {3})."
				).format(who, formatdate(entry.next_audit_due), item, link)
			)
		elif entry.status == CONDITIONAL:
			warnings.append(
				_("Supplier {0} is approved for {1} on conditions only: {2}").format(
					who, item, entry.conditions or "-"
				)
			)
	if warnings:
		frappe.msgprint(
			"<br>".join(dict.fromkeys(warnings)), title=_("Conditional Supplier"), indicator="orange"
		)
	return problems


# --- the scorecard -----------------------------------------------------------------------------------------------


def supplier_scores(
	suppliers=None, from_date=None, to_date=None, company: str | None = None
) -> dict[str, dict]:
	"""Per supplier, over the period (the last twelve months unless given) and the company (all unless given):

	- quality = 100 * (1 - nonconforming qty / received qty): received over submitted, non-return Purchase Receipts
	  posted in the period (stock units), nonconforming over the Device Nonconformance records raised in the period
	  naming the supplier, open or submitted (not cancelled);
	- on_time = 100 * the share of receipt rows, of those made against a Purchase Order row, posted on or before
	  that row's Required By date;
	- audit = the score of the supplier's last submitted Supplier Audit done by the end of the period;
	- score = 0.4 * quality + 0.3 * on_time + 0.3 * audit, the parts without data left out and the weights of the
	  others renormalised (None when there is no part at all).

	One query per part, not per supplier."""
	to_date = getdate(to_date) if to_date else getdate()
	from_date = getdate(from_date) if from_date else add_days(add_months(to_date, -12), 1)
	names = sorted(set(suppliers)) if suppliers is not None else None
	if names is not None and not names:
		return {}
	receipts = received_and_on_time(names, from_date, to_date, company)
	nonconforming = nonconforming_qty(names, from_date, to_date, company)
	audits = last_audits(names, to_date)
	scores = {}
	for supplier in names if names is not None else sorted({*receipts, *nonconforming, *audits}):
		received = receipts.get(supplier) or frappe._dict(received=0, scheduled_rows=0, on_time_rows=0)
		bad = nonconforming.get(supplier, 0.0)
		audit = audits.get(supplier)
		parts = {
			"quality": max(0.0, 100 * (1 - bad / received.received)) if received.received else None,
			"on_time": 100 * received.on_time_rows / received.scheduled_rows
			if received.scheduled_rows
			else None,
			"audit": flt(audit.score) if audit else None,
		}
		weighed = {part: value for part, value in parts.items() if value is not None}
		weight = sum(WEIGHTS[part] for part in weighed)
		scores[supplier] = {
			"received_qty": received.received,
			"nonconforming_qty": bad,
			"ppm": flt(bad * PER_MILLION / received.received, 1) if received.received else None,
			"receipt_rows_scheduled": received.scheduled_rows,
			"quality": flt(parts["quality"], 2) if parts["quality"] is not None else None,
			"on_time": flt(parts["on_time"], 2) if parts["on_time"] is not None else None,
			"audit": parts["audit"],
			"last_audit": audit.name if audit else None,
			"last_audit_date": audit.audit_date if audit else None,
			"score": flt(sum(WEIGHTS[part] * value for part, value in weighed.items()) / weight, 2)
			if weight
			else None,
		}
	return scores


def received_and_on_time(names, from_date, to_date, company) -> dict[str, frappe._dict]:
	"""Stock units received, and receipt rows against an order row and those on time, per supplier: one query."""
	conditions = []
	if company:
		conditions.append("and receipt.company = %(company)s")
	if names is not None:
		conditions.append("and receipt.supplier in %(suppliers)s")
	rows = frappe.db.sql(
		f"""select receipt.supplier,
			sum(item.received_stock_qty) as received,
			sum(case when ordered.schedule_date is not null then 1 else 0 end) as scheduled_rows,
			sum(case when ordered.schedule_date is not null and receipt.posting_date <= ordered.schedule_date
				then 1 else 0 end) as on_time_rows
		from `tabPurchase Receipt Item` item
		join `tabPurchase Receipt` receipt on receipt.name = item.parent
		left join `tabPurchase Order Item` ordered on ordered.name = item.purchase_order_item
		where item.parenttype = 'Purchase Receipt' and receipt.docstatus = 1 and receipt.is_return = 0
			and receipt.posting_date between %(from_date)s and %(to_date)s
			{" ".join(conditions)}
		group by receipt.supplier""",
		{"from_date": from_date, "to_date": to_date, "company": company, "suppliers": tuple(names or ())},
		as_dict=True,
	)
	return {
		row.supplier: frappe._dict(
			received=flt(row.received),
			scheduled_rows=int(row.scheduled_rows or 0),
			on_time_rows=int(row.on_time_rows or 0),
		)
		for row in rows
	}


def nonconforming_qty(names, from_date, to_date, company) -> dict[str, float]:
	"""Nonconforming qty per supplier, from the Device Nonconformance records raised in the period (none while that
	doctype is not installed): one query."""
	if not frappe.db.table_exists(NONCONFORMANCE):
		return {}
	meta = frappe.get_meta(NONCONFORMANCE)
	if not (meta.has_field("supplier") and meta.has_field("qty")):
		return {}
	raised = "raised_on" if meta.has_field("raised_on") else "creation"
	nonconformance = frappe.qb.DocType(NONCONFORMANCE)
	query = (
		frappe.qb.from_(nonconformance)
		.select(nonconformance.supplier, Sum(nonconformance.qty).as_("qty"))
		.where(nonconformance.docstatus < 2)
		.where(nonconformance.supplier.isnotnull())
		.where(nonconformance[raised] >= from_date)
		.where(nonconformance[raised] < add_days(to_date, 1))
		.groupby(nonconformance.supplier)
	)
	if company and meta.has_field("company"):
		query = query.where(nonconformance.company == company)
	if names is not None:
		query = query.where(nonconformance.supplier.isin(names))
	return {row.supplier: flt(row.qty) for row in query.run(as_dict=True) if row.supplier}


def last_audits(names, to_date) -> dict[str, frappe._dict]:
	"""The last submitted Supplier Audit of each supplier done by `to_date`: one query."""
	audit = frappe.qb.DocType("Supplier Audit")
	query = (
		frappe.qb.from_(audit)
		.select(audit.supplier, audit.name, audit.score, audit.audit_date)
		.where(audit.docstatus == 1)
		.where(audit.audit_date <= to_date)
		.orderby(audit.audit_date, order=Order.desc)
		.orderby(audit.creation, order=Order.desc)
	)
	if names is not None:
		query = query.where(audit.supplier.isin(names))
	latest = {}
	for row in query.run(as_dict=True):
		latest.setdefault(row.supplier, row)
	return latest
