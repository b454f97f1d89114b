from frappe.model.document import Document


class TemperatureReading(Document):
	pass
