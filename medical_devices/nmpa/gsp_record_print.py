"""The GSP record reports printed as Chinese records (A4 landscape PDF), whatever the user's language."""

import json
import re

import frappe
from frappe import _
from frappe.utils import format_date, format_datetime, formatdate, get_fullname, now_datetime
from frappe.utils.pdf import get_pdf

from medical_devices import access, inputs
from medical_devices.nmpa.gsp_records import outbound_review_record, purchase_record, sales_record
from medical_devices.stored_texts import in_language

RECORDS = {
	"GSP Purchase Record": purchase_record,
	"GSP Sales Record": sales_record,
	"GSP Outbound Review Record": outbound_review_record,
}
FILTERS = frozenset(("company", "from_date", "to_date", "item_code", "party"))
LEFT_OUT = {"voucher_type"}  # the document number says it
NOWRAP = {"voucher_no", "item_code", "batch_id", "stock_uom", "currency"}
# Stored values printed in the reader's words, with the context their translation is looked up in (as the
# reports' desk formatter does, gsp_records.js).
CODE = re.compile(r"[\w.()/+-]*[\d-][\w.()/+-]*", re.ASCII)
TRANSLATED = {"acceptance": "GSP Purchase Record", "status_at_dispatch": "Batch"}


def record_table(report_name: str, filters: dict) -> tuple[list[dict], list[list[str]]]:
	"""The record's columns (with Chinese labels) and its rows as printed text."""
	from frappe.desk.query_report import get_filtered_data, get_report_doc

	if report_name not in RECORDS:
		frappe.throw(_("{0} is not a GSP record.").format(report_name), inputs.InvalidInputError)
	report = get_report_doc(
		report_name
	)  # the report view's own checks: its roles, report rights on its doctype
	with in_language("zh"):  # the record's columns as the Chinese record names them
		columns, rows = RECORDS[report_name](filters)
	rows = get_filtered_data(report.ref_doctype, columns, rows, frappe.session.user)  # User Permissions
	columns = [dict(c) for c in columns if c["fieldname"] not in LEFT_OUT]
	for column in columns:
		column["numeric"] = column["fieldtype"] in ("Float", "Currency", "Int")
		column["nowrap"] = column["numeric"] or column["fieldtype"] == "Date" or column["fieldname"] in NOWRAP
	return columns, [[printed(row, column) for column in columns] for row in rows]


def printed(row, column) -> str:
	value = row.get(column["fieldname"])
	if value and column["fieldname"] in TRANSLATED:
		return _(value, "zh", TRANSLATED[column["fieldname"]])
	if value and column.get("options") == "User":
		return _("Administrator", "zh") if value == "Administrator" else get_fullname(value)
	return cell(value, column["fieldtype"])


def whole_codes(text: str):
	"""The cell's text, its codes and numbers (0755-81888998, MD-I-MASK) never broken over two lines."""
	from markupsafe import Markup, escape

	return Markup(" ").join(
		Markup('<span class="md-nowrap">{}</span>').format(word) if CODE.fullmatch(word) else escape(word)
		for word in text.split(" ")
	)


def record_html(report_name: str, filters: dict, printed_on=None) -> str:
	columns, rows = record_table(report_name, filters)
	return frappe.render_template(
		"medical_devices/templates/gsp/gsp_record.html",
		{
			"title": record_title(report_name),
			"company": filters.get("company"),
			"from_date": cell(filters.get("from_date"), "Date"),
			"to_date": cell(filters.get("to_date"), "Date"),
			"item_code": filters.get("item_code"),
			"party": filters.get("party"),
			"columns": columns,
			"rows": [[whole_codes(value) for value in row] for row in rows],
			"printed_on": format_datetime(printed_on or now_datetime()),
		},
	)


def record_title(report_name: str) -> str:
	return {
		"GSP Purchase Record": _("Purchase Inspection Record", "zh"),
		"GSP Sales Record": _("Sales Record", "zh"),
		"GSP Outbound Review Record": _("Outbound Review Record", "zh"),
	}[report_name]


def cell(value, fieldtype) -> str:
	if value in (None, ""):
		return ""
	if fieldtype == "Date":
		return formatdate(value)  # the site's date format, as on the desk and the other forms
	if fieldtype == "Currency":
		return f"{value:,.2f}"
	if fieldtype == "Float":
		return f"{value:g}"
	return str(value)


def record_pdf(report_name: str, filters: dict, printed_on=None) -> bytes:
	return get_pdf(
		record_html(report_name, filters, printed_on), {"orientation": "Landscape", "page-size": "A4"}
	)


@frappe.whitelist()
def download_pdf(report_name: str | None = None, filters: str | dict | None = None):
	"""The report printed as the Chinese record; logged as an export (Access Log) like the report's own."""
	from frappe.core.doctype.access_log.access_log import make_access_log

	report_name = inputs.choice(report_name, _("Report"), tuple(RECORDS))
	filters = frappe._dict(inputs.json_object(filters, _("Filters")))
	unknown = sorted(set(filters) - FILTERS)
	if unknown:
		inputs.refuse(_("Filters"), _("not a filter of this record: {0}").format(", ".join(unknown)[:200]))
	ref_doctype = frappe.db.get_value("Report", report_name, "ref_doctype")
	filters.company = access.company(filters.get("company"), ref_doctype, "report")
	for key, label in (("from_date", _("From Date")), ("to_date", _("To Date"))):
		filters[key] = inputs.date(filters.get(key), label, required=False)
	for key, label in (("item_code", _("Item")), ("party", _("Party"))):
		filters[key] = inputs.text(filters.get(key), label, required=False)
	content = record_pdf(report_name, filters)
	make_access_log(
		doctype=ref_doctype,
		report_name=report_name,
		filters=json.dumps(filters, default=str),
		file_type="PDF",
		method=f"{__name__}.download_pdf",
	)
	period = "_".join(
		format_date(filters.get(key), "yyyyMMdd") for key in ("from_date", "to_date") if filters.get(key)
	)
	frappe.local.response.filename = f"{report_name.replace(' ', '_')}_{period}.pdf"
	frappe.local.response.filecontent = content
	frappe.local.response.type = "pdf"
