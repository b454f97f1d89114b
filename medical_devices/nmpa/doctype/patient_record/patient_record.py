"""A patient named by a regulated record (患者信息): kept apart from the report so that only the roles that need it
read it (medical_devices.personal_data)."""

from frappe.model.document import Document


class PatientRecord(Document):
	pass
