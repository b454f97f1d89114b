"""The facts of a year that the annual self-inspection report (年度自查报告) states, read from the records.

Each function returns plain values for one company and calendar year; `collect_facts` puts them on the report.
"""

import datetime

import frappe
from frappe.utils import getdate

SERIOUS = ("Death", "Serious Injury")


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
	return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def due_date(year: int) -> datetime.date:
	"""Both Decree 53 Art. 45 and Decree 54 Art. 44: before 31 March of the next year."""
	return datetime.date(year + 1, 3, 31)


def licences(company: str, start, end) -> list[dict]:
	rows = frappe.get_all(
		"Qualification Certificate",
		filters={"party_type": "Company", "party": company},
		fields=["name", "licence_type", "certificate_number", "valid_from", "valid_to", "status"],
		order_by="licence_type, valid_from",
	)
	changes = dict(
		frappe.db.sql(
			"""select ref_name, count(*) from `tabAudit Trail Entry`
			where ref_doctype = 'Qualification Certificate' and ref_name in %(names)s
			and timestamp between %(start)s and %(end)s
			group by ref_name""",
			{"names": [r.name for r in rows] or [""], "start": start, "end": f"{end} 23:59:59.999999"},
		)
	)
	return [
		{
			"licence_type": row.licence_type,
			"certificate_number": row.certificate_number,
			"qualification_certificate": row.name,
			"valid_from": row.valid_from,
			"valid_to": row.valid_to,
			"status": row.status,
			"changes_in_year": changes.get(row.name, 0),
		}
		for row in rows
	]


def products(company: str, start, end) -> list[dict]:
	"""Every enabled device item and every device item the company moved in the year, with its volumes."""
	volumes = {
		row.item_code: row
		for row in frappe.db.sql(
			"""select sle.item_code,
				sum(case when sle.voucher_type in ('Purchase Receipt', 'Purchase Invoice') then sle.actual_qty else 0 end) received,
				-sum(case when sle.voucher_type in ('Delivery Note', 'Sales Invoice') then sle.actual_qty else 0 end) delivered
			from `tabStock Ledger Entry` sle
			join `tabItem` item on item.name = sle.item_code and item.md_is_medical_device = 1
			where sle.company = %s and sle.is_cancelled = 0 and sle.posting_date between %s and %s
			group by sle.item_code""",
			(company, start, end),
			as_dict=True,
		)
	}
	items = frappe.get_all(
		"Item",
		filters={"md_is_medical_device": 1},
		or_filters={"disabled": 0, "name": ("in", list(volumes) or [""])},
		fields=["name", "item_name", "md_device_class"],
		order_by="name",
	)
	recalled = recalled_items(company, start, end)
	certificates = latest_certificates([item.name for item in items], end)
	result = []
	for item in items:
		volume = volumes.get(item.name) or frappe._dict(received=0, delivered=0)
		certificate = certificates.get(item.name) or frappe._dict()
		result.append(
			{
				"item_code": item.name,
				"item_name": item.item_name,
				"device_class": item.md_device_class,
				"certificate_number": certificate.certificate_number,
				"certificate_expiry": certificate.expiry_date,
				"received_qty": volume.received or 0,
				"delivered_qty": volume.delivered or 0,
				"recalled": int(item.name in recalled),
			}
		)
	return result


def latest_certificates(items: list[str], on_date) -> dict:
	"""Per item, the certificate approved last on or before the date (the one in force at year end)."""
	if not items:
		return {}
	found = {}
	for row in frappe.db.sql(
		"""select child.item, cert.certificate_number, cert.expiry_date
		from `tabRegistration Certificate Item` child
		join `tabRegistration Certificate` cert on cert.name = child.parent
		where child.parenttype = 'Registration Certificate' and child.item in %(items)s
		and cert.approval_date <= %(on_date)s
		order by cert.approval_date desc""",
		{"items": items, "on_date": on_date},
		as_dict=True,
	):
		found.setdefault(row.item, row)
	return found


def recalled_items(company: str, start, end) -> set[str]:
	return set(
		frappe.db.sql_list(
			"""select distinct batch.item_code from `tabDevice Recall Batch` batch
			join `tabDevice Recall` recall on recall.name = batch.parent
			where recall.company = %s and recall.docstatus = 1 and recall.is_mock = 0
			and recall.start_date between %s and %s""",
			(company, start, end),
		)
	)


def counts(company: str, start, end) -> dict:
	in_year = ("between", [start, end])
	device_rows = """select count(distinct voucher.name), coalesce(sum(row.base_net_amount), 0)
		from `tab{voucher}` voucher join `tab{voucher} Item` row on row.parent = voucher.name
		join `tabItem` item on item.name = row.item_code and item.md_is_medical_device = 1
		where voucher.docstatus = 1 and voucher.is_return = 0 and voucher.company = %s
		and voucher.posting_date between %s and %s {extra}"""
	receipts, purchased = frappe.db.sql(
		device_rows.format(voucher="Purchase Receipt", extra=""), (company, start, end)
	)[0]
	delivered, sold = frappe.db.sql(
		device_rows.format(voucher="Delivery Note", extra=""), (company, start, end)
	)[0]
	invoiced, invoiced_amount = frappe.db.sql(
		device_rows.format(voucher="Sales Invoice", extra="and voucher.update_stock = 1"),
		(company, start, end),
	)[0]
	inspections = frappe.db.sql(
		"""select count(*), coalesce(sum(qi.status = 'Rejected'), 0) from `tabQuality Inspection` qi
		join `tabItem` item on item.name = qi.item_code and item.md_is_medical_device = 1
		where qi.docstatus = 1 and qi.report_date between %s and %s""",
		(start, end),
	)[0]
	batches_received = frappe.db.sql(
		"""select count(distinct coalesce(entry.batch_no, sle.batch_no)) from `tabStock Ledger Entry` sle
		join `tabItem` item on item.name = sle.item_code and item.md_is_medical_device = 1
		left join `tabSerial and Batch Entry` entry on entry.parent = sle.serial_and_batch_bundle
		where sle.company = %s and sle.is_cancelled = 0 and sle.voucher_type = 'Purchase Receipt'
		and sle.actual_qty > 0 and sle.posting_date between %s and %s""",
		(company, start, end),
	)[0][0]
	end_of_day = f"{end} 23:59:59.999999"
	return {
		"device_items": frappe.db.count("Item", {"md_is_medical_device": 1, "disabled": 0}),
		"valid_certificates": frappe.db.count(
			"Registration Certificate", {"status": ("in", ("Valid", "Expiring Soon"))}
		),
		"certificates_expired_in_year": frappe.db.count("Registration Certificate", {"expiry_date": in_year}),
		"approved_suppliers": frappe.db.count("Supplier", {"md_first_business_status": "Approved"}),
		"approved_customers": frappe.db.count("Customer", {"md_first_business_status": "Approved"}),
		"first_business_approvals": sum(
			frappe.db.count(
				doctype,
				{
					"md_first_business_status": "Approved",
					"md_first_business_approved_on": ("between", [start, end_of_day]),
				},
			)
			for doctype in ("Supplier", "Customer", "Item")
		),
		"purchase_receipts": receipts,
		"purchase_amount": purchased,
		"deliveries": delivered + invoiced,
		"sales_amount": (sold or 0) + (invoiced_amount or 0),
		"batches_received": batches_received,
		"quality_inspections": inspections[0],
		"rejected_inspections": inspections[1],
	}


def events(company: str, start, end) -> list[dict]:
	"""Recalls, adverse events, cold-chain excursions and rejected batches of the year, oldest first."""
	rows = []
	for recall in frappe.get_all(
		"Device Recall",
		filters={"company": company, "docstatus": 1, "is_mock": 0, "start_date": ("between", [start, end])},
		fields=["name", "start_date", "recall_class", "recall_type", "status"],
	):
		rows.append(
			event(
				"Recall",
				recall.start_date,
				"Device Recall",
				recall.name,
				recall.recall_class,
				recall.recall_type,
				recall.status,
			)
		)
	end_of_day = f"{end} 23:59:59.999999"
	for report in frappe.get_all(
		"Adverse Event Report",
		filters={"company": company, "docstatus": 1, "aware_at": ("between", [start, end_of_day])},
		fields=["name", "aware_at", "severity", "item_code", "event_manifestation"],
	):
		rows.append(
			event(
				"Adverse Event",
				getdate(report.aware_at),
				"Adverse Event Report",
				report.name,
				report.severity,
				report.item_code,
				report.event_manifestation,
				severity=report.severity,
			)
		)
	for log in frappe.get_all(
		"Temperature Log",
		filters={
			"company": company,
			"docstatus": 1,
			"has_excursion": 1,
			"first_excursion_at": ("between", [start, end_of_day]),
		},
		fields=["name", "first_excursion_at", "logger_id", "lowest_reading", "highest_reading"],
	):
		rows.append(
			event(
				"Cold-Chain Excursion",
				getdate(log.first_excursion_at),
				"Temperature Log",
				log.name,
				log.logger_id,
				f"{log.lowest_reading:g} ~ {log.highest_reading:g} ℃",
			)
		)
	for change in frappe.get_all(
		"Batch Status Change",
		filters={"to_status": "Rejected", "changed_on": ("between", [start, end_of_day])},
		fields=["batch", "batch_id", "item", "changed_on", "reason"],
	):
		rows.append(
			event(
				"Rejected Batch",
				getdate(change.changed_on),
				"Batch",
				change.batch,
				change.batch_id,
				change.item,
				change.reason,
			)
		)
	return sorted(rows, key=lambda row: (row["event_date"], row["event_type"], row["reference_name"]))


def event_counts(rows: list[dict]) -> dict:
	def count(event_type, severities=None):
		return sum(
			1
			for row in rows
			if row["event_type"] == event_type and (severities is None or row["severity"] in severities)
		)

	return {
		"recalls": count("Recall"),
		"adverse_events": count("Adverse Event"),
		"serious_adverse_events": count("Adverse Event", SERIOUS),
		"cold_chain_excursions": count("Cold-Chain Excursion"),
		"rejected_batches": count("Rejected Batch"),
	}


def event(event_type, day, doctype, name, *summary, severity=None) -> dict:
	return {
		"event_type": event_type,
		"event_date": day,
		"reference_doctype": doctype,
		"reference_name": name,
		"summary": " · ".join(str(part) for part in summary if part)[:140],
		"severity": severity,
	}
