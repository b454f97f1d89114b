frappe.listview_settings["Loaner Set"] = {
	add_fields: ["status"],
	get_indicator(doc) {
		const colours = frappe.boot.md_rules.loaner_set.colours;
		return [__(doc.status, null, "Loaner Set"), colours[doc.status] || "gray", "status,=," + doc.status];
	},
};
