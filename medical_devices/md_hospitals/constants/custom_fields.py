from frappe.desk.page.setup_wizard.install_fixtures import _  # marks labels for translation, stores English

# The rows of an invoice (or delivery note) that bills a hospital's reported use name the usage report (a row per
# batch bills its units), and carry what the hospital's SPD system reads: the surgery and the patient's pseudonym,
# where all the row's units share them.
USAGE_ROW_FIELDS = [
	{
		"fieldname": "md_consignment_usage",
		"label": _("Consignment Usage Report"),
		"fieldtype": "Link",
		"options": "Consignment Usage Report",
		"read_only": 1,
		"no_copy": 1,
		"search_index": 1,
		"insert_after": "serial_no",
	},
	{
		"fieldname": "md_surgery_date",
		"label": _("Surgery Date"),
		"fieldtype": "Date",
		"read_only": 1,
		"no_copy": 1,
		"insert_after": "md_consignment_usage",
	},
	{
		"fieldname": "md_patient_reference",
		"label": _("Patient Reference"),
		"fieldtype": "Data",
		"read_only": 1,
		"no_copy": 1,
		"insert_after": "md_surgery_date",
	},
]

LOAN_LINK = {
	"fieldname": "md_loaner_set_loan",
	"label": _("Loaner Set Loan"),
	"fieldtype": "Link",
	"options": "Loaner Set Loan",
	"read_only": 1,
	"no_copy": 1,
	"search_index": 1,
}

# The two-invoice rule (两票制, medical_devices/md_hospitals/two_invoice.py): which items, which hospitals, and on
# each invoice row the purchase invoices that show its chain.
PURCHASE_INVOICES_FIELD = {
	"fieldname": "md_purchase_invoices",
	"label": _("Purchase Invoices (Two-Invoice Rule)"),
	"fieldtype": "Small Text",
	"read_only": 1,
	"no_copy": 1,
	"insert_after": "md_patient_reference",
	"description": _("The purchase invoices of this row's batches, checked on submit (两票制)"),
}

CUSTOM_FIELDS = {
	"Item": [
		{
			"fieldname": "md_two_invoice_rule",
			"label": _("Under the Two-Invoice Rule"),
			"fieldtype": "Check",
			"insert_after": "md_is_implant",
			"depends_on": "eval:doc.md_is_medical_device",
			"description": _(
				"High-value consumables public hospitals buy under the two-invoice rule (两票制): a sale to a hospital under the rule must show the manufacturer's invoice"
			),
		},
	],
	"Customer": [
		{
			"fieldname": "md_two_invoice_section",
			"label": _("Two-Invoice Rule"),
			"fieldtype": "Section Break",
			"collapsible": 1,
			"insert_after": "md_min_remaining_shelf_life_days",
		},
		{
			"fieldname": "md_two_invoice_rule",
			"label": _("Two-Invoice Rule"),
			"fieldtype": "Select",
			"options": "\nApplies\nDoes Not Apply",
			"insert_after": "md_two_invoice_section",
			"description": _(
				"Empty: it applies when the province of one of the customer's addresses is listed in Medical Device Settings"
			),
		},
		{
			"fieldname": "md_two_invoice_extra_invoice",
			"label": _("Remote Area: One More Invoice Allowed"),
			"fieldtype": "Check",
			"insert_after": "md_two_invoice_rule",
		},
	],
	"Warehouse": [
		{
			"fieldname": "md_consignment_customer",
			"label": _("Consignment Hospital"),
			"fieldtype": "Link",
			"options": "Customer",
			"read_only": 1,
			"search_index": 1,
			"insert_after": "warehouse_type",
			"description": _(
				"The hospital this warehouse stands at (寄售): its stock stays the company's until the hospital reports it used"
			),
		},
		{
			"fieldname": "md_loaner_set",
			"label": _("Loaner Set"),
			"fieldtype": "Link",
			"options": "Loaner Set",
			"read_only": 1,
			"search_index": 1,
			"insert_after": "md_consignment_customer",
			"description": _("The loaner set whose contents this warehouse holds"),
		},
	],
	"Sales Invoice Item": [*USAGE_ROW_FIELDS, PURCHASE_INVOICES_FIELD],
	# The implants a loaner set's surgery used, and the instruments it lost, billed on its return.
	"Sales Invoice": [{**LOAN_LINK, "insert_after": "customer"}],
	"Delivery Note Item": USAGE_ROW_FIELDS,
	# A count's adjustment names the count it posts (medical_devices/medical_devices/ledger.py).
	"Stock Entry": [
		{
			"fieldname": "md_consignment_stock_count",
			"label": _("Consignment Stock Count"),
			"fieldtype": "Link",
			"options": "Consignment Stock Count",
			"read_only": 1,
			"no_copy": 1,
			"search_index": 1,
			"insert_after": "md_device_nonconformance",
		},
		{**LOAN_LINK, "insert_after": "md_consignment_stock_count"},
	],
}
