from frappe.desk.page.setup_wizard.install_fixtures import _  # marks labels for translation, stores English

# Device master data on ERPNext's Item. `md_is_medical_device` is the switch that decides whether any rule of
# this app applies to an item, its batches and the documents that move it.
DEVICE_CLASSES = ("Class I", "Class II", "Class III")

CUSTOM_FIELDS = {
	"Item": [
		{
			"fieldname": "md_medical_device_section",
			"label": _("Medical Device"),
			"fieldtype": "Section Break",
			"insert_after": "description",
			"collapsible": 1,
			"collapsible_depends_on": "eval:doc.md_is_medical_device",
		},
		{
			"fieldname": "md_is_medical_device",
			"label": _("Is Medical Device"),
			"fieldtype": "Check",
			"insert_after": "md_medical_device_section",
			"description": _("Medical-device rules (UDI, GSP, traceability, audit) apply to this item"),
			"in_standard_filter": 1,
		},
		{
			"fieldname": "md_device_class",
			"label": _("Device Class"),
			"fieldtype": "Select",
			"options": "\n" + "\n".join(DEVICE_CLASSES),
			"insert_after": "md_is_medical_device",
			"depends_on": "eval:doc.md_is_medical_device",
			"mandatory_depends_on": "eval:doc.md_is_medical_device",
			"description": _("Risk class under the regulation: I (low), II (medium), III (high)"),
			"in_standard_filter": 1,
		},
		{
			"fieldname": "md_column_break_device",
			"fieldtype": "Column Break",
			"insert_after": "md_device_class",
		},
		{
			"fieldname": "md_requires_cold_chain",
			"label": _("Requires Cold Chain"),
			"fieldtype": "Check",
			"insert_after": "md_column_break_device",
			"depends_on": "eval:doc.md_is_medical_device",
		},
		{
			"fieldname": "md_storage_condition",
			"label": _("Storage Condition"),
			"fieldtype": "Data",
			"insert_after": "md_requires_cold_chain",
			"depends_on": "eval:doc.md_is_medical_device",
			"description": _("As on the label, e.g. 2-8 °C, keep dry"),
		},
		{
			"fieldname": "md_storage_temperature_min",
			"label": _("Storage Temperature Min (°C)"),
			"fieldtype": "Float",
			"insert_after": "md_storage_condition",
			"depends_on": "eval:doc.md_is_medical_device",
			"mandatory_depends_on": "eval:doc.md_is_medical_device && doc.md_requires_cold_chain",
		},
		{
			"fieldname": "md_storage_temperature_max",
			"label": _("Storage Temperature Max (°C)"),
			"fieldtype": "Float",
			"insert_after": "md_storage_temperature_min",
			"depends_on": "eval:doc.md_is_medical_device",
			"mandatory_depends_on": "eval:doc.md_is_medical_device && doc.md_requires_cold_chain",
		},
		{
			# supplier control (ISO 13485 §7.4, 合格供方): for components too, not only for medical devices
			"fieldname": "md_approved_suppliers_only",
			"label": _("Approved Suppliers Only"),
			"fieldtype": "Check",
			"insert_after": "md_storage_temperature_max",
			"description": _(
				"Bought only from suppliers the approved supplier list approves for it, device or component"
			),
		},
		{
			"fieldname": "md_default_di",
			"label": _("Default Device Identifier (DI)"),
			"fieldtype": "Link",
			"options": "UDI Device Identifier",
			"insert_after": "md_device_class",
			"depends_on": "eval:doc.md_is_medical_device && !doc.__islocal",
			"description": _(
				"The minimum sales unit's UDI-DI, printed on labels and exported to the UDI database"
			),
		},
	],
}
