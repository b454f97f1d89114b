from frappe.desk.page.setup_wizard.install_fixtures import _  # marks labels for translation, stores English

# Returns and stock movements made for a recall name it, so that the recall's progress follows them.
RECALL_LINK = {
	"fieldname": "md_device_recall",
	"label": _("Device Recall"),
	"fieldtype": "Link",
	"options": "Device Recall",
	"no_copy": 1,
	"description": _("The recall this return or movement belongs to; its progress is updated on submit."),
}

# Postings made by a Recall Cost Entry name it: the link back, and the key that stops a second posting.
COST_ENTRY_LINK = {
	"fieldname": "md_recall_cost_entry",
	"label": _("Recall Cost Entry"),
	"fieldtype": "Link",
	"options": "Recall Cost Entry",
	"read_only": 1,
	"no_copy": 1,
	"search_index": 1,
}

CUSTOM_FIELDS = {
	"Delivery Note": [{**RECALL_LINK, "insert_after": "return_against"}],
	"Stock Entry": [
		{**RECALL_LINK, "insert_after": "md_is_disposal"},
		{**COST_ENTRY_LINK, "insert_after": "md_device_recall"},
	],
	"Journal Entry": [{**COST_ENTRY_LINK, "insert_after": "voucher_type"}],
}
