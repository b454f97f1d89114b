import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import now_datetime

from medical_devices.audit import controlled

VALIDATE = f"{__name__}.GoLiveObservation.validate"


class GoLiveObservation(Document):
	"""A company's observe period (medical_devices/golive.py): its status, who started and ended it, are the
	server's; one open period per company."""

	def validate(self):
		if not self.is_new():
			return
		if frappe.db.exists("Go-Live Observation", {"company": self.company, "status": "Observing"}):
			frappe.throw(
				_("{0} is being observed already.").format(frappe.bold(self.company)),
				frappe.DuplicateEntryError,
			)
		controlled.allow(self, VALIDATE, started_by=frappe.session.user, started_on=now_datetime())
