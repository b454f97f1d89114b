"""Go-Live Readiness: what a company must enter before the app's controls refuse nothing they should not
(docs/golive.md). One row per gap:

- device items without a device class, a UDI device identifier, a registration or filing certificate valid today,
  or first-business approval;
- suppliers and customers not approved for first business, or without a valid business (or practice) licence;
- device batches in stock without an expiry date or a GSP status;
- the company's draft orders, receipts, deliveries and invoices of devices that would be refused on submit.
"""

import frappe
from frappe import _
from frappe.utils import getdate

from medical_devices import access
from medical_devices.gsp.overrides.transaction import PARTY_OF, party_problems
from medical_devices.gsp.qualification import first_business_prerequisites, valid_registration

DRAFTS = (
	"Purchase Order",
	"Purchase Receipt",
	"Purchase Invoice",
	"Sales Order",
	"Delivery Note",
	"Sales Invoice",
)


def execute(filters=None):
	filters = frappe._dict(filters or {})
	company = access.company(filters.company, "Delivery Note", required=True)
	rows = item_gaps() + party_gaps() + batch_gaps() + draft_gaps(company)
	return columns(), rows


def columns() -> list[dict]:
	return [
		{"fieldname": "area", "label": _("Record Kind"), "fieldtype": "Data", "width": 130},
		{
			"fieldname": "reference_doctype",
			"label": _("Document Type"),
			"fieldtype": "Link",
			"options": "DocType",
			"width": 130,
		},
		{
			"fieldname": "reference_name",
			"label": _("Record"),
			"fieldtype": "Dynamic Link",
			"options": "reference_doctype",
			"width": 200,
		},
		{"fieldname": "problem", "label": _("What Is Missing"), "fieldtype": "Data", "width": 520},
	]


def gap(area, doctype, name, problem) -> dict:
	return {"area": area, "reference_doctype": doctype, "reference_name": name, "problem": problem}


def item_gaps() -> list[dict]:
	items = frappe.get_all(
		"Item",
		filters={"md_is_medical_device": 1, "disabled": 0},
		fields=["name", "md_device_class", "md_first_business_status"],
		order_by="name",
	)
	with_di = set(
		frappe.get_all(
			"UDI Device Identifier", filters={"item": ("in", [i.name for i in items] or [""])}, pluck="item"
		)
	)
	today = getdate()
	rows = []
	for item in items:
		area = _("Device Item")
		if not item.md_device_class:
			rows.append(gap(area, "Item", item.name, _("no device class")))
		if item.name not in with_di:
			rows.append(gap(area, "Item", item.name, _("no UDI device identifier (DI)")))
		if not valid_registration(item.name, today):
			rows.append(gap(area, "Item", item.name, _("no registration or filing certificate valid today")))
		if item.md_first_business_status != "Approved":
			rows.append(gap(area, "Item", item.name, _("not approved for first business")))
	return rows


def party_gaps() -> list[dict]:
	rows = []
	for doctype in ("Supplier", "Customer"):
		for party in frappe.get_all(
			doctype, filters={"disabled": 0}, fields=["name", "md_first_business_status"], order_by="name"
		):
			area = _(doctype)
			if party.md_first_business_status != "Approved":
				rows.append(gap(area, doctype, party.name, _("not approved for first business")))
			for problem in first_business_prerequisites(doctype, party.name):
				rows.append(gap(area, doctype, party.name, frappe.utils.strip_html(problem)))
	return rows


def batch_gaps() -> list[dict]:
	batch = frappe.qb.DocType("Batch")
	item = frappe.qb.DocType("Item")
	rows = []
	for row in (
		frappe.qb.from_(batch)
		.join(item)
		.on(item.name == batch.item)
		.select(batch.name, batch.expiry_date, batch.md_batch_status)
		.where(item.md_is_medical_device == 1)
		.where(batch.batch_qty > 0)
		.where(batch.expiry_date.isnull() | batch.md_batch_status.isnull() | (batch.md_batch_status == ""))
		.orderby(batch.name)
		.run(as_dict=True)
	):
		if not row.expiry_date:
			rows.append(gap(_("Batch"), "Batch", row.name, _("no expiry date")))
		if not row.md_batch_status:
			rows.append(gap(_("Batch"), "Batch", row.name, _("no GSP status")))
	return rows


def draft_gaps(company: str) -> list[dict]:
	rows = []
	for doctype in DRAFTS:
		party_type = PARTY_OF[doctype]
		party_field = party_type.lower()
		for name in frappe.get_all(
			doctype, filters={"company": company, "docstatus": 0}, pluck="name", order_by="name"
		):
			doc = frappe.get_doc(doctype, name)
			if not doc.get(party_field):
				continue
			date = doc.get("posting_date") or doc.get("transaction_date")
			items = [row for row in doc.get("items") or [] if row.get("item_code")]
			for problem in party_problems(party_type, doc.get(party_field), items, getdate(date)):
				rows.append(gap(_("Draft Document"), doctype, name, frappe.utils.strip_html(problem)))
	return rows
