frappe.listview_settings["Device Recall"] = {
	add_fields: ["status"],
	get_indicator(doc) {
		// the recall's own status, in its context (进行中 / 已结案), with the server's colours (medical_devices/boot.py)
		const colours = frappe.boot.md_rules.device_recall.colours;
		return [__(doc.status, null, "Device Recall"), colours[doc.status] || "gray", "status,=," + doc.status];
	},
};
