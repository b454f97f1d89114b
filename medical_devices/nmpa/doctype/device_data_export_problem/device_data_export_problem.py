from frappe.model.document import Document


class DeviceDataExportProblem(Document):
	pass
