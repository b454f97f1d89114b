"""An audit trail entry is written once, by medical_devices.audit.trail, with SQL inside the audited write's own
transaction; through the document API it can be read and nothing else, Administrator included."""

import frappe
from frappe import _
from frappe.model.document import Document


class AuditTrailEntry(Document):
	def before_insert(self):
		refuse()

	def validate(self):
		refuse()

	def on_trash(self):
		refuse()

	def before_rename(self, old, new, merge=False):
		refuse()


def refuse(doctype: str = "Audit Trail Entry"):
	frappe.throw(
		_("{0} records are written by the system only and can never be changed or deleted.").format(
			_(doctype)
		),
		frappe.PermissionError,
		title=_("Not Permitted"),
	)
