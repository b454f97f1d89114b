"""Logins, failed logins, logouts (Frappe's Activity Log) and exports, prints and downloads (its Access Log) in one
list: who, what, when. "Regulated" marks exports of this app's reports and of audited document types."""

import frappe
from frappe import _
from frappe.utils import add_days, getdate

from medical_devices.audit.scope import app_modules, audited_doctypes

EVENTS = ("Login", "Failed Login", "Logout", "Export", "Print", "Download")


def execute(filters=None):
	filters = frappe._dict(filters or {})
	if not (filters.from_date and filters.to_date):
		frappe.throw(_("Choose the period."))
	rows = sessions(filters) + accesses(filters)
	if filters.event:
		rows = [row for row in rows if row["event"] == filters.event]
	if filters.regulated_only:
		rows = [row for row in rows if row["regulated"]]
	rows.sort(key=lambda row: row["time"], reverse=True)
	for row in rows:
		event = row["event"]
		row["event"] = _(event)
	return columns(), rows


def period(filters) -> list:
	return [getdate(filters.from_date), add_days(getdate(filters.to_date), 1)]


def sessions(filters) -> list[dict]:
	conditions = {
		"operation": ("in", ["Login", "Logout"]),
		"creation": ("between", period(filters)),
	}
	if filters.user:
		conditions["user"] = filters.user
	rows = []
	for log in frappe.get_all(
		"Activity Log",
		filters=conditions,
		fields=["creation", "user", "operation", "status", "subject", "ip_address"],
	):
		event = "Failed Login" if log.status == "Failed" else log.operation
		rows.append(
			{
				"time": log.creation,
				"user": log.user,
				"event": event,
				"what": log.subject,
				"detail": log.ip_address or "",
				"regulated": 0,
			}
		)
	return rows


def accesses(filters) -> list[dict]:
	conditions = {"creation": ("between", period(filters))}
	if filters.user:
		conditions["user"] = filters.user
	our_reports = set(frappe.get_all("Report", {"module": ("in", app_modules())}, pluck="name"))
	audited = audited_doctypes()
	rows = []
	for log in frappe.get_all(
		"Access Log",
		filters=conditions,
		fields=[
			"creation",
			"user",
			"method",
			"report_name",
			"export_from",
			"reference_document",
			"file_type",
		],
	):
		event = (
			"Export" if log.method in ("Export", None, "") and (log.report_name or log.export_from) else None
		)
		if log.method in ("Print", "PDF"):
			event = "Print"
		event = event or "Download"
		what = log.report_name or " ".join(filter(None, (log.export_from, log.reference_document)))
		rows.append(
			{
				"time": log.creation,
				"user": log.user,
				"event": event,
				"what": what,
				"detail": log.file_type or "",
				"regulated": int(log.report_name in our_reports or log.export_from in audited),
			}
		)
	return rows


def columns() -> list[dict]:
	return [
		{"fieldname": "time", "label": _("Time"), "fieldtype": "Datetime", "width": 170},
		{"fieldname": "user", "label": _("User"), "fieldtype": "Link", "options": "User", "width": 200},
		{"fieldname": "event", "label": _("Event"), "fieldtype": "Data", "width": 110},
		{"fieldname": "what", "label": _("What"), "fieldtype": "Data", "width": 260},
		{"fieldname": "detail", "label": _("Detail"), "fieldtype": "Data", "width": 160},
		{"fieldname": "regulated", "label": _("Regulated"), "fieldtype": "Check", "width": 90},
	]
