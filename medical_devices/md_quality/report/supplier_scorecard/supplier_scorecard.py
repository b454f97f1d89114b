"""Supplier Scorecard: each supplier on the approved supplier list, with its standing on the list, what it delivered
in the period and how much of it was nonconforming (ppm), how much came on time, its last audit, and the score
(medical_devices/md_quality/suppliers.py; ISO 13485 §7.4.1 monitoring of suppliers)."""

import frappe
from frappe import _
from frappe.utils import getdate

from medical_devices import access, inputs
from medical_devices.md_quality.doctype.approved_supplier.approved_supplier import (
	DISQUALIFIED,
	STATUS_COLOURS,
)
from medical_devices.md_quality.suppliers import ENTRY, supplier_scores


def execute(filters=None):
	filters = frappe._dict(filters or {})
	filters.company = access.company(filters.company, ENTRY, required=True)
	filters.from_date = inputs.date(filters.from_date, _("From Date"))
	filters.to_date = inputs.date(filters.to_date, _("To Date"))
	if filters.from_date > filters.to_date:
		inputs.refuse(_("From Date"), _("after the To Date"))
	filters.supplier = inputs.text(filters.supplier, _("Supplier"), required=False)
	return columns(), scorecard(filters)


def scorecard(filters) -> list[dict]:
	entries = frappe.get_list(
		ENTRY,
		filters={"supplier": filters.supplier} if filters.supplier else {},
		fields=["supplier", "supplier_name", "status", "next_audit_due"],
		order_by="supplier asc",
		limit_page_length=0,
	)
	by_supplier: dict[str, list] = {}
	for entry in entries:
		by_supplier.setdefault(entry.supplier, []).append(entry)
	scores = supplier_scores(list(by_supplier), filters.from_date, filters.to_date, filters.company)
	today = getdate()
	rows = []
	for supplier, listed in by_supplier.items():
		counts = {status: sum(entry.status == status for entry in listed) for status in STATUS_COLOURS}
		due = [getdate(entry.next_audit_due) for entry in listed if entry.next_audit_due]
		next_due = min(due) if due else None
		score = scores.get(supplier) or {}
		rows.append(
			{
				"supplier": supplier,
				"supplier_name": listed[0].supplier_name,
				"status": ", ".join(
					f"{_(status, context='Approved Supplier')} {count}"
					for status, count in counts.items()
					if count
				),
				"received_qty": score.get("received_qty"),
				"nonconforming_qty": score.get("nonconforming_qty"),
				"ppm": score.get("ppm"),
				"on_time": score.get("on_time"),
				"last_audit": score.get("last_audit"),
				"last_audit_score": score.get("audit"),
				"next_audit_due": next_due,
				"audit_overdue": int(
					bool(next_due and next_due < today and counts[DISQUALIFIED] < len(listed))
				),
				"score": score.get("score"),
			}
		)
	return sorted(rows, key=lambda row: (row["score"] is None, -(row["score"] or 0), row["supplier"]))


def columns() -> list[dict]:
	return [
		{
			"fieldname": "supplier",
			"label": _("Supplier"),
			"fieldtype": "Link",
			"options": "Supplier",
			"width": 180,
		},
		{"fieldname": "supplier_name", "label": _("Supplier Name"), "fieldtype": "Data", "width": 160},
		{"fieldname": "status", "label": _("On the List"), "fieldtype": "Data", "width": 200},
		{"fieldname": "received_qty", "label": _("Received Qty"), "fieldtype": "Float", "width": 110},
		{
			"fieldname": "nonconforming_qty",
			"label": _("Nonconforming Qty"),
			"fieldtype": "Float",
			"width": 140,
		},
		{"fieldname": "ppm", "label": _("Nonconforming per Million"), "fieldtype": "Float", "width": 170},
		{"fieldname": "on_time", "label": _("On Time %"), "fieldtype": "Percent", "width": 100},
		{
			"fieldname": "last_audit",
			"label": _("Last Audit"),
			"fieldtype": "Link",
			"options": "Supplier Audit",
			"width": 140,
		},
		{"fieldname": "last_audit_score", "label": _("Last Audit Score"), "fieldtype": "Float", "width": 120},
		{"fieldname": "next_audit_due", "label": _("Next Audit Due"), "fieldtype": "Date", "width": 120},
		{"fieldname": "audit_overdue", "label": _("Audit Overdue"), "fieldtype": "Check", "width": 100},
		{"fieldname": "score", "label": _("Score"), "fieldtype": "Float", "width": 90},
	]
