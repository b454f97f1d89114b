"""年度自查报告: a distributor's (Decree 54 Art. 44) or manufacturer's (Decree 53 Art. 45) annual self-inspection
report, due before 31 March. The facts of the year come from the records; the text is written by people."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import now_datetime, strip_html_tags

from medical_devices import stored_texts
from medical_devices.audit.origin import mark
from medical_devices.nmpa import self_inspection

NARRATIVE = (
	"overview",
	"changes",
	"operations",
	"quality_system",
	"inspections",
	"adverse_events_and_recalls",
	"internal_audit",
)


class AnnualSelfInspection(Document):
	def validate(self):
		if not 2000 <= (self.year or 0) <= now_datetime().year:
			frappe.throw(_("Report on a past or the current calendar year, not {0}.").format(self.year))
		self.due_date = self_inspection.due_date(self.year)
		self.refuse_duplicate()
		if self.docstatus == 0:
			self.collect_facts()

	def refuse_duplicate(self):
		other = frappe.db.exists(
			"Annual Self Inspection",
			{
				"company": self.company,
				"year": self.year,
				"inspection_type": self.inspection_type,
				"docstatus": ("<", 2),
				"name": ("!=", self.name),
			},
		)
		if other:
			frappe.throw(
				_("{0} already has the {1} self-inspection report for {2}: {3}.").format(
					self.company, _(self.inspection_type), self.year, other
				)
			)

	def before_submit(self):
		missing = [
			_(self.meta.get_label(fieldname))
			for fieldname in NARRATIVE
			if not strip_html_tags(self.get(fieldname) or "").strip()
		]
		if missing:
			frappe.throw(
				_("Write these sections before submitting: {0}").format(", ".join(missing)),
				title=_("Report Text Missing"),
			)

	def collect_facts(self):
		start, end = self_inspection.year_bounds(self.year)
		self.update(self_inspection.counts(self.company, start, end))
		self.currency = frappe.get_cached_value("Company", self.company, "default_currency")
		self.set("licences", self_inspection.licences(self.company, start, end))
		self.set("products", self_inspection.products(self.company, start, end))
		events = self_inspection.events(self.company, start, end)
		self.set("events", events)
		self.update(self_inspection.event_counts(events))
		self.facts_collected_on = now_datetime()

	@frappe.whitelist()
	def refresh_facts(self):
		if self.docstatus != 0:
			frappe.throw(_("The facts of a submitted report stay as they were submitted."))
		self.check_permission("write")
		mark(self, f"{__name__}.AnnualSelfInspection.refresh_facts")
		self.md_reason = stored_texts.SELF_INSPECTION_RECOLLECTED.text()
		self.save()
