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

CUSTOM_FIELDS = {
	"Delivery Note": [{**RECALL_LINK, "insert_after": "return_against"}],
	"Stock Entry": [{**RECALL_LINK, "insert_after": "md_is_disposal"}],
}
