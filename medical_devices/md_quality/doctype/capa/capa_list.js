frappe.listview_settings["CAPA"] = {
	add_fields: ["status"],
	get_indicator(doc) {
		const colours = frappe.boot.md_rules.capa.colours;
		return [__(doc.status, null, "CAPA"), colours[doc.status] || "gray", "status,=," + doc.status];
	},
};
