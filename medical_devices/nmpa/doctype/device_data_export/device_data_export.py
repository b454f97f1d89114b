"""One export of the device catalogue to a regulator's UDI database (NMPA UDID, FDA GUDID, EU EUDAMED).

*Generate* queues a background job: it reads the catalogue, checks every device, and either lists every problem
(and writes no file) or attaches the file. A large catalogue never runs inside a web request.
"""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import now_datetime

from medical_devices.audit import trail
from medical_devices.audit.origin import acting_as, mark
from medical_devices.nmpa import eudamed, gudid, udid
from medical_devices.nmpa.device_data import LABELS
from medical_devices.nmpa.device_master import device_records
from medical_devices.nmpa.workbook import csv_file, write_workbook

GENERATE = f"{__name__}.DeviceDataExport.generate"
RUN_EXPORT = f"{__name__}.run_export"

REGULATORS = {"NMPA UDID": udid, "FDA GUDID": gudid, "EU EUDAMED": eudamed}
FILE_STEMS = {"NMPA UDID": "UDID", "FDA GUDID": "GUDID", "EU EUDAMED": "EUDAMED"}
PROBLEM_ROWS_SHOWN = 500  # all of them go to the CSV attachment


class DeviceDataExport(Document):
	def validate(self):
		if self.file_format == "XML" and self.regulator != "NMPA UDID":
			frappe.throw(
				_("{0} data is exported as Excel; XML is the NMPA UDID data-exchange file.").format(
					_(self.regulator)
				)
			)

	@frappe.whitelist()
	def generate(self):
		frappe.only_for(("Regulatory Affairs Manager", "System Manager"))
		self.check_permission("write")
		if self.status in ("Queued", "Running"):
			frappe.throw(_("This export is already queued."))
		mark(self, GENERATE)
		self.db_set({"status": "Queued", "error": None})
		frappe.enqueue(
			"medical_devices.nmpa.doctype.device_data_export.device_data_export.run_export",
			queue="long",
			timeout=1800,
			job_id=f"md-device-export::{self.name}",
			deduplicate=True,
			enqueue_after_commit=True,
			export=self.name,
		)


def run_export(export: str, created=None):
	"""The background job: check every device, then write the file or the list of problems."""
	with acting_as(RUN_EXPORT):
		_run_export(export, created)


def _run_export(export: str, created=None):
	doc = frappe.get_doc("Device Data Export", export)
	doc.db_set("status", "Running")
	frappe.db.commit()  # nosemgrep: the form shows Running while the job works
	try:
		created = created or now_datetime()
		records = device_records(
			items=[doc.item] if doc.item else None,
			item_group=doc.item_group,
			only_unpublished=bool(doc.only_unpublished),
			on_date=created.date(),
		)
		regulator = REGULATORS[doc.regulator]
		problems = [p for record in records for p in regulator.check(record)]
		item_of = {record.primary_di: record.item_code for record in records}
		remove_attachments(doc)
		doc.set("problems", [])
		for problem in problems[:PROBLEM_ROWS_SHOWN]:
			doc.append(
				"problems",
				{
					"di": problem.di,
					"item": item_of.get(problem.di),
					"field_label": _(LABELS.get(problem.field, problem.field)),
					"message": problem.message(_),
				},
			)
		doc.device_count = len(records)
		doc.problem_count = len(problems)
		doc.generated_on = created
		doc.export_file = doc.problem_file = None
		if problems:
			doc.status = "Failed Validation"
			doc.problem_file = attach(doc, f"{doc.name}-problems.csv", problems_csv(problems, item_of))
		elif not records:
			doc.status = "Failed Validation"
			doc.error = _("No active minimum-sales-unit DI matches the filters.")
		else:
			doc.status = "Completed"
			doc.export_file = attach(
				doc, export_file_name(doc, created), export_content(doc, records, created)
			)
		doc.save(ignore_permissions=True)
	except Exception:
		frappe.db.rollback()
		trail.set_values(
			"Device Data Export",
			export,
			{"status": "Error", "error": frappe.get_traceback()[-2000:]},
			RUN_EXPORT,
		)
		frappe.log_error(title=_("Device data export {0} failed").format(export))
	frappe.db.commit()  # nosemgrep: a background job ends its own transaction
	frappe.get_doc("Device Data Export", export).notify_update()


def export_content(doc, records, created) -> bytes:
	regulator = REGULATORS[doc.regulator]
	if doc.file_format == "XML":
		return udid.to_xml(records, created)
	return write_workbook(regulator.to_sheets(records))


def export_file_name(doc, created) -> str:
	extension = "xml" if doc.file_format == "XML" else "xlsx"
	return f"{FILE_STEMS[doc.regulator]}_{created:%Y%m%d_%H%M%S}_{doc.name}.{extension}"


def problems_csv(problems, item_of) -> bytes:
	return csv_file(
		[_("Primary DI"), _("Item"), _("Field"), _("Problem")],
		(
			[
				problem.di,
				item_of.get(problem.di),
				_(LABELS.get(problem.field, problem.field)),
				problem.message(_),
			]
			for problem in problems
		),
	)


def attach(doc, file_name: str, content: bytes) -> str:
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": file_name,
			"attached_to_doctype": doc.doctype,
			"attached_to_name": doc.name,
			"is_private": 1,
			"content": content,
		}
	).insert(ignore_permissions=True)
	return file.file_url


def remove_attachments(doc):
	"""A new run replaces the files of the previous one."""
	for url in (doc.export_file, doc.problem_file):
		if url:
			for name in frappe.get_all(
				"File",
				{"file_url": url, "attached_to_doctype": doc.doctype, "attached_to_name": doc.name},
				pluck="name",
			):
				frappe.delete_doc("File", name, ignore_permissions=True)
