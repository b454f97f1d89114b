from frappe.desk.page.setup_wizard.install_fixtures import _  # marks labels for translation, stores English

CUSTOM_FIELDS = {
	# An import that changes regulated records carries the reason for all of them (medical_devices.audit.origin).
	"Data Import": [
		{
			"fieldname": "md_reason",
			"label": _("Reason for Change"),
			"fieldtype": "Small Text",
			"insert_after": "import_type",
			"depends_on": "eval:doc.import_type=='Update Existing Records'",
			"description": _(
				"Needed when the import changes regulated records (medical devices, their batches and parties): stored in the audit trail of each record it changes."
			),
		},
	],
}
