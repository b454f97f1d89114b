frappe.listview_settings["Supplier Audit"] = {
	add_fields: ["result", "docstatus"],
	get_indicator(doc) {
		if (doc.docstatus === 0) return [__("Planned"), "blue", "docstatus,=,0"];
		const colours = frappe.boot.md_rules.approved_supplier.colours;
		return [__(doc.result, null, "Supplier Audit"), colours[doc.result] || "gray", "result,=," + doc.result];
	},
};
