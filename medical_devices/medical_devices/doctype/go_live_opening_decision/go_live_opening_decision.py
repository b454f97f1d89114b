from frappe.model.document import Document


class GoLiveOpeningDecision(Document):
	pass
