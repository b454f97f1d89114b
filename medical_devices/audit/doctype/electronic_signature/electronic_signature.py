"""An electronic signature is written once, by medical_devices.audit.signature after the signer re-entered the
password; through the document API it can be read and nothing else."""

from frappe.model.document import Document

from medical_devices.audit.doctype.audit_trail_entry.audit_trail_entry import refuse


class ElectronicSignature(Document):
	def before_insert(self):
		refuse("Electronic Signature")

	def validate(self):
		refuse("Electronic Signature")

	def on_trash(self):
		refuse("Electronic Signature")

	def before_rename(self, old, new, merge=False):
		refuse("Electronic Signature")
