// A scanned label becomes a row (the server reads every label again on save, and fills what the label says); the
// hospital record number typed on an implant's row leaves the form as its pseudonym.
frappe.ui.form.on("Consignment Usage Report", {
	setup(frm) {
		frm.set_query("customer", () => ({ filters: { disabled: 0 } }));
		frm.set_query("batch_no", "items", (doc, cdt, cdn) => ({
			filters: { item: locals[cdt][cdn].item_code },
		}));
	},
	refresh(frm) {
		const colour = frappe.boot.md_rules.consignment_usage_report.colours[frm.doc.status];
		if (!frm.is_new() && colour) {
			frm.page.set_indicator(__(frm.doc.status, null, "Consignment Usage Report"), colour);
		}
		if (frm.doc.docstatus === 1 && ["To Bill", "Partly Billed"].includes(frm.doc.status)) {
			frm.add_custom_button(
				__("Sales Invoice"),
				() =>
					frappe.model.open_mapped_doc({
						method: "medical_devices.md_hospitals.doctype.consignment_usage_report.consignment_usage_report.make_sales_invoice",
						frm,
					}),
				__("Create")
			);
		}
	},
	scan(frm) {
		const udi = (frm.doc.scan || "").trim();
		if (!udi) return;
		frappe
			.call({
				method: "medical_devices.md_hospitals.doctype.consignment_usage_report.consignment_usage_report.label_row",
				args: { udi },
			})
			.then((r) => {
				const empty = (frm.doc.items || []).find((row) => !row.item_code);
				const row = empty || frm.add_child("items");
				Object.assign(row, r.message);
				frm.refresh_field("items");
			})
			.always(() => frm.set_value("scan", ""));
	},
});
