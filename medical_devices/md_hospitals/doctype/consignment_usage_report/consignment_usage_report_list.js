frappe.listview_settings["Consignment Usage Report"] = {
	add_fields: ["status"],
	get_indicator(doc) {
		const colours = frappe.boot.md_rules.consignment_usage_report.colours;
		return [__(doc.status, null, "Consignment Usage Report"), colours[doc.status] || "gray", "status,=," + doc.status];
	},
};
