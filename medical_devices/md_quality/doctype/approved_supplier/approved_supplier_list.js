frappe.listview_settings["Approved Supplier"] = {
	add_fields: ["status", "next_audit_due"],
	get_indicator(doc) {
		const colours = frappe.boot.md_rules.approved_supplier.colours;
		if (doc.status !== "Disqualified" && doc.next_audit_due && doc.next_audit_due < frappe.datetime.get_today()) {
			return [__("Audit Overdue"), "red", "next_audit_due,<," + frappe.datetime.get_today()];
		}
		return [__(doc.status, null, "Approved Supplier"), colours[doc.status] || "gray", "status,=," + doc.status];
	},
};
