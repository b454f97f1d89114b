frappe.listview_settings["Device Complaint"] = {
	add_fields: ["status"],
	get_indicator(doc) {
		const colours = frappe.boot.md_rules.device_complaint.colours;
		return [__(doc.status, null, "Device Complaint"), colours[doc.status] || "gray", "status,=," + doc.status];
	},
};
