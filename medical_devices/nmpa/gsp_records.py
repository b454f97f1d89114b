"""The GSP records a distributor must keep (Decree 54 Arts 32 and 38), read from ERPNext's own
receipts and deliveries: 进货查验记录 (purchase record), 销售记录 (sales record) and 出库复核记录 (outbound review).

One row per batch or serial number moved (Serial and Batch Bundle entries, or the legacy batch/serial fields),
with the registration certificate and licences that were valid on the posting date, linked to its document.
"""

import frappe
from frappe import _
from frappe.utils import get_datetime, getdate, strip_html_tags
from frappe.utils.data import convert_utc_to_system_timezone

from medical_devices import access
from medical_devices.audit.trail import SUBMIT

MANUFACTURER_LICENCES = ("Manufacturing Licence", "Manufacturing Filing")
BUYER_LICENCES = (
	"Distribution Licence",
	"Class II Distribution Filing",
	"Medical Institution Practice Licence",
)
VOUCHERS = {
	# voucher type: (item table, party field, direction of stock: +1 in, -1 out)
	"Purchase Receipt": ("Purchase Receipt Item", "supplier", 1),
	"Delivery Note": ("Delivery Note Item", "customer", -1),
	"Sales Invoice": ("Sales Invoice Item", "customer", -1),
}


def movements(voucher_type: str, filters: dict, returns: bool = True) -> list[frappe._dict]:
	"""Device items moved by submitted vouchers of one type, one row per bundle entry, oldest first."""
	item_table, party_field, direction = VOUCHERS[voucher_type]
	# the record of a company and a document type the user may read (their User Permissions included)
	filters = {**filters, "company": access.company(filters.get("company"), voucher_type)}
	conditions = ["voucher.docstatus = 1", "voucher.company = %(company)s"]
	if filters.get("from_date"):
		conditions.append("voucher.posting_date >= %(from_date)s")
	if filters.get("to_date"):
		conditions.append("voucher.posting_date <= %(to_date)s")
	if filters.get("item_code"):
		conditions.append("row.item_code = %(item_code)s")
	if filters.get("party"):
		conditions.append(f"voucher.{party_field} = %(party)s")
	if not returns:
		conditions.append("voucher.is_return = 0")
	if voucher_type == "Sales Invoice":  # only invoices that moved stock themselves
		conditions.append("voucher.update_stock = 1")
	extra = (
		", row.rejected_qty * row.conversion_factor as rejected_qty, row.quality_inspection"
		if voucher_type == "Purchase Receipt"
		else ", 0 as rejected_qty, row.quality_inspection"
	)
	rows = frappe.db.sql(
		f"""
		select '{voucher_type}' as voucher_type, voucher.name as voucher_no, voucher.posting_date,
			voucher.posting_time, voucher.is_return, voucher.{party_field} as party,
			coalesce(voucher.{party_field}_name, voucher.{party_field}) as party_name,
			voucher.address_display, voucher.contact_display, voucher.contact_mobile, voucher.contact_email,
			voucher.currency, voucher.owner,
			row.name as row_name, row.idx, row.item_code, row.item_name, row.stock_uom,
			row.conversion_factor, row.rate, row.warehouse,
			item.md_device_class, item.md_model, item.md_generic_name,
			coalesce(entry.batch_no, row.batch_no) as batch,
			coalesce(entry.serial_no, row.serial_no) as serial_no,
			coalesce(entry.qty * {direction}, row.stock_qty) as qty
			{extra}
		from `tab{item_table}` row
		join `tab{voucher_type}` voucher on voucher.name = row.parent
		join `tabItem` item on item.name = row.item_code and item.md_is_medical_device = 1
		left join `tabSerial and Batch Entry` entry on entry.parent = row.serial_and_batch_bundle
		where {" and ".join(conditions)}
		order by voucher.posting_date, voucher.posting_time, voucher.name, row.idx, entry.idx
		""",
		filters,
		as_dict=True,
	)
	add_batch_details(rows)
	add_party_details(rows, "Supplier" if voucher_type == "Purchase Receipt" else "Customer")
	add_registrations(rows)
	return rows


def add_batch_details(rows):
	batches = {row.batch for row in rows if row.batch}
	details = {}
	if batches:
		for batch in frappe.get_all(
			"Batch",
			filters={"name": ("in", list(batches))},
			fields=["name", "batch_id", "manufacturing_date", "expiry_date", "md_batch_status"],
		):
			details[batch.name] = batch
	for row in rows:
		batch = details.get(row.batch) or frappe._dict()
		row.batch_id = batch.batch_id
		row.manufacturing_date = batch.manufacturing_date
		row.expiry_date = batch.expiry_date
		row.batch_status = batch.md_batch_status
		row.rate_per_stock_unit = (row.rate or 0) / (row.conversion_factor or 1)
		row.amount = row.rate_per_stock_unit * (row.qty or 0)
		row.party_address = one_line(row.address_display)


def add_party_details(rows, party_type: str):
	"""Where the document names no address or contact, the party's primary ones: the record names where and whom
	the goods came from or went to."""
	from frappe.contacts.doctype.address.address import get_default_address, render_address
	from frappe.contacts.doctype.contact.contact import get_default_contact

	found = {}
	for row in rows:
		if row.party_address and row.contact_display and (row.contact_mobile or row.contact_email):
			continue
		if row.party not in found:
			address = get_default_address(party_type, row.party)
			contact = get_default_contact(party_type, row.party)
			person = (
				frappe.db.get_value(
					"Contact", contact, ["full_name", "phone", "mobile_no", "email_id"], as_dict=True
				)
				if contact
				else None
			)
			# the record's reader may read the report but not Address: the record names it all the same
			shown = render_address(address, check_permissions=False) if address else ""
			found[row.party] = (one_line(shown), person)
		address, person = found[row.party]
		row.party_address = row.party_address or address
		if person and row.contact_display in (None, "", person.full_name):
			row.contact_display = person.full_name
			row.contact_mobile = row.contact_mobile or person.mobile_no or person.phone
			row.contact_email = row.contact_email or person.email_id


def add_registrations(rows):
	"""The registration certificate valid on the posting date, its registrant and the registrant's licence."""
	items = list({row.item_code for row in rows})
	if not items:
		return
	certificates = {}
	for entry in frappe.db.sql(
		"""select child.item, cert.name, cert.certificate_number, cert.holder, cert.supplier, cert.product_name,
			cert.approval_date, cert.expiry_date
		from `tabRegistration Certificate Item` child
		join `tabRegistration Certificate` cert on cert.name = child.parent
		where child.parenttype = 'Registration Certificate' and child.item in %(items)s
		order by cert.approval_date desc""",
		{"items": items},
		as_dict=True,
	):
		certificates.setdefault(entry.item, []).append(entry)
	licences = manufacturer_licences()
	for row in rows:
		on_date = getdate(row.posting_date)
		certificate = next(
			(
				c
				for c in certificates.get(row.item_code, [])
				if valid_on(c.approval_date, c.expiry_date, on_date)
			),
			frappe._dict(),
		)
		row.registration_certificate = certificate.name
		row.certificate_number = certificate.certificate_number
		row.registrant = certificate.holder
		row.product_name = row.md_generic_name or certificate.product_name or row.item_name
		row.manufacturer_licence = "; ".join(
			lic.certificate_number
			for lic in licences
			if (
				lic.party_name == certificate.holder
				or (certificate.supplier and lic.party == certificate.supplier)
			)
			and valid_on(lic.valid_from, lic.valid_to, on_date)
		)


def manufacturer_licences():
	return frappe.get_all(
		"Qualification Certificate",
		filters={"licence_type": ("in", MANUFACTURER_LICENCES), "disabled": 0},
		fields=["party", "party_name", "certificate_number", "valid_from", "valid_to"],
		order_by="valid_from desc",
	)


def add_buyer_licences(rows):
	customers = list({row.party for row in rows})
	if not customers:
		return
	licences = {}
	for lic in frappe.get_all(
		"Qualification Certificate",
		filters={
			"party_type": "Customer",
			"party": ("in", customers),
			"licence_type": ("in", BUYER_LICENCES),
			"disabled": 0,
		},
		fields=["party", "certificate_number", "valid_from", "valid_to"],
		order_by="valid_from desc",
	):
		licences.setdefault(lic.party, []).append(lic)
	for row in rows:
		on_date = getdate(row.posting_date)
		row.buyer_licence = "; ".join(
			lic.certificate_number
			for lic in licences.get(row.party, [])
			if valid_on(lic.valid_from, lic.valid_to, on_date)
		)


def add_review(rows):
	"""Who confirmed the dispatch (the user who submitted it, from the audit trail) and the batch's status then."""
	submitted = submissions(rows)
	changes = status_changes(rows)
	for row in rows:
		user, moment = submitted.get((row.voucher_type, row.voucher_no), (None, None))
		row.reviewer = user or row.owner
		moment = moment or get_datetime(f"{row.posting_date} {row.posting_time}")
		earlier = [c for c in changes.get(row.batch, []) if get_datetime(c.changed_on) <= moment]
		row.status_at_dispatch = earlier[-1].to_status if earlier else row.batch_status


def submissions(rows) -> dict:
	"""(voucher type, name) -> (user, system-time moment) of its submission, from the audit trail (kept in UTC)."""
	vouchers = {(row.voucher_type, row.voucher_no) for row in rows}
	found = {}
	for voucher_type in {voucher for voucher, _name in vouchers}:
		for entry in frappe.get_all(
			"Audit Trail Entry",
			filters={
				"ref_doctype": voucher_type,
				"ref_name": ("in", [n for v, n in vouchers if v == voucher_type]),
				"action": SUBMIT,
			},
			fields=["ref_name", "user", "timestamp"],
			order_by="timestamp desc",
		):
			moment = convert_utc_to_system_timezone(get_datetime(entry.timestamp)).replace(tzinfo=None)
			found.setdefault((voucher_type, entry.ref_name), (entry.user, moment))
	return found


def status_changes(rows) -> dict[str, list]:
	batches = list({row.batch for row in rows if row.batch})
	changes = {}
	if batches:
		for change in frappe.get_all(
			"Batch Status Change",
			filters={"batch": ("in", batches)},
			fields=["batch", "from_status", "to_status", "changed_on"],
			order_by="changed_on asc, creation asc",
		):
			changes.setdefault(change.batch, []).append(change)
	return changes


def acceptance_results(rows) -> dict[str, str]:
	"""Per batch, the incoming inspection's decision: its first release or rejection (later recalls aside)."""
	decided = {}
	for batch, changes in status_changes(rows).items():
		decision = next((c.to_status for c in changes if c.to_status in ("Released", "Rejected")), None)
		if decision:
			decided[batch] = decision
	return decided


def valid_on(start, end, on_date) -> bool:
	if start and on_date < getdate(start):
		return False
	return not (end and on_date > getdate(end))


def one_line(html: str | None) -> str:
	text = strip_html_tags((html or "").replace("<br>", ", ").replace("<br/>", ", "))
	return ", ".join(part.strip() for part in text.split(",") if part.strip())


def contact(row) -> str:
	return " ".join(part for part in (row.contact_display, row.contact_mobile, row.contact_email) if part)


# --- the three records ------------------------------------------------------------------------------------------


def purchase_record(filters: dict):
	rows = movements("Purchase Receipt", filters)
	inspected = quality_inspections(rows)
	decided = acceptance_results(rows)
	for row in rows:
		row.supplier_contact = contact(row)
		row.acceptance = inspected.get(row.quality_inspection) or decided.get(row.batch) or row.batch_status
	columns = [
		date_column("posting_date", _("Purchase Date")),
		link_column("voucher_no", _("Purchase Receipt"), "Purchase Receipt", 150),
		link_column("party", _("Supplier"), "Supplier", 200),
		data_column("party_address", _("Supplier Address"), 220),
		data_column("supplier_contact", _("Supplier Contact"), 160),
		*device_columns(),
		float_column("qty", _("Quantity")),
		data_column("stock_uom", _("UOM"), 70),
		float_column("rejected_qty", _("Rejected Quantity")),
		link_column("quality_inspection", _("Quality Inspection"), "Quality Inspection", 140),
		data_column("acceptance", _("Acceptance Result"), 120),
	]
	return columns, rows


def sales_record(filters: dict):
	rows = outward_movements(filters)
	add_buyer_licences(rows)
	for row in rows:
		row.buyer_contact = contact(row)
	columns = [
		date_column("posting_date", _("Sales Date")),
		document_column(),
		data_column("voucher_type", _("Document Type"), 110),
		link_column("party", _("Customer"), "Customer", 200),
		data_column("party_address", _("Customer Address"), 220),
		data_column("buyer_contact", _("Customer Contact"), 160),
		data_column("buyer_licence", _("Buyer Licence / Filing No."), 200),
		*device_columns(),
		float_column("qty", _("Quantity")),
		data_column("stock_uom", _("UOM"), 70),
		{
			"fieldname": "rate_per_stock_unit",
			"label": _("Unit Price"),
			"fieldtype": "Currency",
			"options": "currency",
			"width": 100,
		},
		{
			"fieldname": "amount",
			"label": _("Amount"),
			"fieldtype": "Currency",
			"options": "currency",
			"width": 110,
		},
		data_column("currency", _("Currency"), 70),
	]
	return columns, rows


def outbound_review_record(filters: dict):
	rows = movements("Delivery Note", filters, returns=False) + movements(
		"Sales Invoice", filters, returns=False
	)
	rows.sort(key=lambda row: (row.posting_date, str(row.posting_time), row.voucher_no, row.idx))
	add_review(rows)
	columns = [
		date_column("posting_date", _("Dispatch Date")),
		document_column(),
		data_column("voucher_type", _("Document Type"), 110),
		link_column("party", _("Customer"), "Customer", 200),
		*device_columns(),
		float_column("qty", _("Quantity")),
		data_column("stock_uom", _("UOM"), 70),
		link_column("warehouse", _("Warehouse"), "Warehouse", 140),
		data_column("status_at_dispatch", _("Quality Status at Dispatch"), 120),
		link_column("reviewer", _("Reviewed By"), "User", 160),
	]
	return columns, rows


def outward_movements(filters: dict, returns: bool = True) -> list:
	"""Deliveries and stock-moving sales invoices together, in posting order."""
	rows = movements("Delivery Note", filters, returns) + movements("Sales Invoice", filters, returns)
	rows.sort(key=lambda row: (row.posting_date, str(row.posting_time), row.voucher_no, row.idx))
	return rows


def document_column() -> dict:
	return {
		"fieldname": "voucher_no",
		"label": _("Document"),
		"fieldtype": "Dynamic Link",
		"options": "voucher_type",
		"width": 150,
	}


def quality_inspections(rows) -> dict[str, str]:
	names = list({row.quality_inspection for row in rows if row.quality_inspection})
	if not names:
		return {}
	return dict(
		frappe.get_all(
			"Quality Inspection",
			filters={"name": ("in", names), "docstatus": 1},
			fields=["name", "status"],
			as_list=True,
		)
	)


def device_columns() -> list[dict]:
	return [
		link_column("item_code", _("Item"), "Item", 130),
		data_column("product_name", _("Product Name"), 200),
		data_column("md_model", _("Specification / Model"), 130),
		link_column(
			"registration_certificate", _("Registration / Filing Number"), "Registration Certificate", 180
		),
		data_column("registrant", _("Registrant / Filer"), 200),
		data_column("manufacturer_licence", _("Manufacturing Licence / Filing No."), 200),
		data_column("batch_id", _("Batch ID", context="Batch"), 120),
		data_column("serial_no", _("Serial No"), 120),
		date_column("manufacturing_date", _("Manufacturing Date")),
		date_column("expiry_date", _("Expiry Date", context="Batch")),
	]


def date_column(fieldname, label) -> dict:
	return {"fieldname": fieldname, "label": label, "fieldtype": "Date", "width": 100}


def data_column(fieldname, label, width) -> dict:
	return {"fieldname": fieldname, "label": label, "fieldtype": "Data", "width": width}


def float_column(fieldname, label) -> dict:
	return {"fieldname": fieldname, "label": label, "fieldtype": "Float", "width": 90}


def link_column(fieldname, label, doctype, width) -> dict:
	return {"fieldname": fieldname, "label": label, "fieldtype": "Link", "options": doctype, "width": width}


def accompanying_list(doc) -> frappe._dict:
	"""Jinja method for the 随货同行单 (Decree 54 Art 40): the delivery address as one line of text, and the device
	rows of a submitted Delivery Note, one per batch or serial, with their certificate, registrant, manufacturing
	licence, expiry and outbound reviewer."""
	address = one_line(doc.get("shipping_address") or doc.get("address_display"))
	if doc.doctype != "Delivery Note" or doc.docstatus != 1:
		return frappe._dict(address=address, rows=[])
	filters = {
		"company": doc.company,
		"from_date": doc.posting_date,
		"to_date": doc.posting_date,
		"party": doc.customer,
	}
	rows = [row for row in movements("Delivery Note", filters) if row.voucher_no == doc.name]
	add_review(rows)
	return frappe._dict(address=address, rows=rows)
