from frappe.desk.page.setup_wizard.install_fixtures import _  # marks labels for translation, stores English

# The device master data the UDI databases ask for (NMPA UDID, FDA GUDID, EU EUDAMED),
# kept once on the Item so that one record serves three regulators. Package levels, carriers and PI flags live on
# the UDI Device Identifier; the registrant on the Registration Certificate.
DEVICE_TYPES = ("Medical Device", "In Vitro Diagnostic Reagent")
PRODUCT_CATEGORIES = ("Consumable", "Equipment")
MR_SAFETY = ("MR Safe", "MR Conditional", "MR Unsafe", "Not Evaluated", "No MR Labelling")
EU_RISK_CLASSES = ("Class I", "Class IIa", "Class IIb", "Class III")
DEVICE = "eval:doc.md_is_medical_device"

CUSTOM_FIELDS = {
	"Item": [
		{
			"fieldname": "md_udi_master_section",
			"label": _("UDI Database Master Data"),
			"fieldtype": "Section Break",
			"insert_after": "md_first_business_remarks",
			"collapsible": 1,
			"depends_on": DEVICE,
			"description": _("Exported to the NMPA UDI database, FDA GUDID and EU EUDAMED"),
		},
		{
			"fieldname": "md_generic_name",
			"label": _("Generic Name"),
			"fieldtype": "Data",
			"insert_after": "md_udi_master_section",
			"description": _(
				"产品名称/通用名称 as on the registration certificate; empty: the certificate's product name"
			),
		},
		{
			"fieldname": "md_trade_name",
			"label": _("Trade Name"),
			"fieldtype": "Data",
			"insert_after": "md_generic_name",
		},
		{
			"fieldname": "md_model",
			"label": _("Specification / Model"),
			"fieldtype": "Data",
			"insert_after": "md_trade_name",
		},
		{
			"fieldname": "md_catalogue_number",
			"label": _("Catalogue Number"),
			"fieldtype": "Data",
			"insert_after": "md_model",
			"description": _("产品货号; empty: the item code"),
		},
		{
			"fieldname": "md_device_type",
			"label": _("Device Type"),
			"fieldtype": "Select",
			"options": "\n".join(DEVICE_TYPES),
			"default": DEVICE_TYPES[0],
			"insert_after": "md_catalogue_number",
		},
		{
			"fieldname": "md_product_category",
			"label": _("Product Category"),
			"fieldtype": "Select",
			"options": "\n" + "\n".join(PRODUCT_CATEGORIES),
			"insert_after": "md_device_type",
		},
		{
			"fieldname": "md_is_kit",
			"label": _("Kit or Procedure Pack"),
			"fieldtype": "Check",
			"insert_after": "md_product_category",
		},
		{
			"fieldname": "md_is_implant",
			"label": _("Implantable Device"),
			"fieldtype": "Check",
			"insert_after": "md_is_kit",
			"description": _("Records of implantable devices are kept permanently"),
		},
		{
			"fieldname": "md_market_withdrawal_date",
			"label": _("Market Withdrawal Date"),
			"fieldtype": "Date",
			"insert_after": "md_is_implant",
		},
		{
			"fieldname": "md_udi_master_column",
			"fieldtype": "Column Break",
			"insert_after": "md_market_withdrawal_date",
		},
		{
			"fieldname": "md_single_use",
			"label": _("Single Use"),
			"fieldtype": "Check",
			"insert_after": "md_udi_master_column",
		},
		{
			"fieldname": "md_max_reuses",
			"label": _("Maximum Number of Reuses"),
			"fieldtype": "Int",
			"non_negative": 1,
			"insert_after": "md_single_use",
			"depends_on": "eval:!doc.md_single_use",
		},
		{
			"fieldname": "md_sterile_packaging",
			"label": _("Packaged Sterile"),
			"fieldtype": "Check",
			"insert_after": "md_max_reuses",
		},
		{
			"fieldname": "md_sterilise_before_use",
			"label": _("Sterilise Before Use"),
			"fieldtype": "Check",
			"insert_after": "md_sterile_packaging",
		},
		{
			"fieldname": "md_sterilisation_method",
			"label": _("Sterilisation Method"),
			"fieldtype": "Data",
			"insert_after": "md_sterilise_before_use",
			"depends_on": "md_sterilise_before_use",
		},
		{
			"fieldname": "md_mr_safety",
			"label": _("MR Safety"),
			"fieldtype": "Select",
			"options": "\n" + "\n".join(MR_SAFETY),
			"insert_after": "md_sterilisation_method",
		},
		{
			"fieldname": "md_contains_latex",
			"label": _("Contains Natural Rubber Latex"),
			"fieldtype": "Check",
			"insert_after": "md_mr_safety",
		},
		{
			"fieldname": "md_info_url",
			"label": _("More Information (URL)"),
			"fieldtype": "Data",
			"options": "URL",
			"insert_after": "md_contains_latex",
		},
		{
			"fieldname": "md_special_size_note",
			"label": _("Special Size Notes"),
			"fieldtype": "Small Text",
			"insert_after": "md_info_url",
		},
		{
			"fieldname": "md_clinical_sizes",
			"label": _("Clinically Relevant Sizes"),
			"fieldtype": "Table",
			"options": "Device Clinical Size",
			"insert_after": "md_special_size_note",
		},
		{
			"fieldname": "md_international_section",
			"label": _("FDA GUDID and EU EUDAMED"),
			"fieldtype": "Section Break",
			"insert_after": "md_clinical_sizes",
			"collapsible": 1,
			"depends_on": DEVICE,
		},
		{
			"fieldname": "md_gmdn_code",
			"label": _("GMDN Code"),
			"fieldtype": "Data",
			"insert_after": "md_international_section",
		},
		{
			"fieldname": "md_fda_product_code",
			"label": _("FDA Product Code"),
			"fieldtype": "Data",
			"insert_after": "md_gmdn_code",
		},
		{
			"fieldname": "md_international_column",
			"fieldtype": "Column Break",
			"insert_after": "md_fda_product_code",
		},
		{
			"fieldname": "md_basic_udi_di",
			"label": _("Basic UDI-DI"),
			"fieldtype": "Data",
			"insert_after": "md_international_column",
		},
		{
			"fieldname": "md_emdn_code",
			"label": _("EMDN Code"),
			"fieldtype": "Data",
			"insert_after": "md_basic_udi_di",
		},
		{
			"fieldname": "md_eu_risk_class",
			"label": _("EU Risk Class"),
			"fieldtype": "Select",
			"options": "\n" + "\n".join(EU_RISK_CLASSES),
			"insert_after": "md_emdn_code",
		},
	],
}
