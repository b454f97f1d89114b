from frappe.desk.page.setup_wizard.install_fixtures import _  # marks labels for translation, stores English

# Postings made by a nonconformance's hold and disposition name it: the link back (medical_devices/medical_devices/
# ledger.py).
NONCONFORMANCE_LINK = {
	"fieldname": "md_device_nonconformance",
	"label": _("Device Nonconformance"),
	"fieldtype": "Link",
	"options": "Device Nonconformance",
	"read_only": 1,
	"no_copy": 1,
	"search_index": 1,
}

CUSTOM_FIELDS = {
	"Journal Entry": [{**NONCONFORMANCE_LINK, "insert_after": "md_quality_cost_entry"}],
	"Stock Entry": [{**NONCONFORMANCE_LINK, "insert_after": "md_device_write_off"}],
	"Batch": [
		{
			"fieldname": "md_sterilisation_batch",
			"label": _("Sterilisation Batch"),
			"fieldtype": "Data",
			"insert_after": "manufacturing_date",
			"description": _("灭菌批号: printed on labels, the batch record and the MA code's .D"),
		}
	],
}
