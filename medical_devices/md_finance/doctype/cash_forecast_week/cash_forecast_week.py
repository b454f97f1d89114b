from frappe.model.document import Document


class CashForecastWeek(Document):
	pass
