from frappe import _


def get_data():
	return {
		"fieldname": "device_recall",
		"non_standard_fieldnames": {"Delivery Note": "md_device_recall", "Stock Entry": "md_device_recall"},
		"transactions": [
			{"label": _("Costs"), "items": ["Recall Cost Entry"]},
			{"label": _("Returns and Stock"), "items": ["Delivery Note", "Stock Entry"]},
		],
	}
