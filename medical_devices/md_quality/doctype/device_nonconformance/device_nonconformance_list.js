frappe.listview_settings["Device Nonconformance"] = {
	add_fields: ["status"],
	get_indicator(doc) {
		const colours = frappe.boot.md_rules.device_nonconformance.colours;
		return [__(doc.status, null, "Device Nonconformance"), colours[doc.status] || "gray", "status,=," + doc.status];
	},
};
