frappe.listview_settings["Registration Certificate"] = {
	get_indicator(doc) {
		// the server's colours (medical_devices/boot.py)
		const colours = frappe.boot.md_rules.registration_certificate.colours;
		return [__(doc.status), colours[doc.status] || "gray", "status,=," + doc.status];
	},
};
