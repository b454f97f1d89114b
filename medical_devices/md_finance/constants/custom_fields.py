from frappe.desk.page.setup_wizard.install_fixtures import _  # marks labels for translation, stores English

# Postings made by a Quality Cost Entry or a Device Write Off name it: the link back, and the key that stops a
# second posting.
QUALITY_COST_LINK = {
	"fieldname": "md_quality_cost_entry",
	"label": _("Quality Cost Entry"),
	"fieldtype": "Link",
	"options": "Quality Cost Entry",
	"read_only": 1,
	"no_copy": 1,
	"search_index": 1,
}
WRITE_OFF_LINK = {
	"fieldname": "md_device_write_off",
	"label": _("Device Write Off"),
	"fieldtype": "Link",
	"options": "Device Write Off",
	"read_only": 1,
	"no_copy": 1,
	"search_index": 1,
}

CUSTOM_FIELDS = {
	"Journal Entry": [{**QUALITY_COST_LINK, "insert_after": "md_recall_cost_entry"}],
	"Stock Entry": [{**WRITE_OFF_LINK, "insert_after": "md_recall_cost_entry"}],
}
