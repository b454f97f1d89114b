import frappe
from frappe import _
from frappe.model.document import Document


class BatchStatusChange(Document):
	"""Append-only history of a batch's GSP status; written by medical_devices.gsp.batch_status."""

	def validate(self):
		if not self.is_new():
			frappe.throw(_("Batch status history cannot be changed."))

	def on_trash(self):
		frappe.throw(_("Batch status history cannot be deleted."))
