"""Who exported what: Frappe v15 logs list-view exports, prints and downloads in its Access Log, but not exports of
script reports, which is how our regulated reports leave the system. The export call is wrapped to log it first."""

import frappe
from frappe.core.doctype.access_log.access_log import make_access_log


@frappe.whitelist()
def export_query():
	"""frappe.desk.query_report.export_query, with an Access Log row (report, file type, filters, user, time)."""
	from frappe.desk.query_report import export_query as export_report

	form = frappe.local.form_dict
	make_access_log(
		report_name=form.get("report_name"),
		file_type=form.get("file_format_type"),
		method="Export",
		filters=form.get("filters"),
	)
	return export_report()
