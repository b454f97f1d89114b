frappe.listview_settings["Loaner Set Loan"] = {
	add_fields: ["status"],
	get_indicator(doc) {
		const colours = frappe.boot.md_rules.loaner_set_loan.colours;
		return [__(doc.status, null, "Loaner Set Loan"), colours[doc.status] || "gray", "status,=," + doc.status];
	},
};
