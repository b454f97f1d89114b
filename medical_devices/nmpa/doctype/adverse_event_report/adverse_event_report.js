frappe.ui.form.on("Adverse Event Report", {
	setup(frm) {
		frm.set_query("item_code", () => ({ filters: { md_is_medical_device: 1 } }));
		frm.set_query("batch", () => ({ filters: { item: frm.doc.item_code } }));
		frm.set_query("device_recall", () => ({ filters: { docstatus: 1 } }));
	},
	refresh(frm) {
		if (frm.doc.overdue) {
			frm.dashboard.set_headline_alert(
				`<span class="text-danger">${__("The reporting deadline has passed.")}</span>`
			);
		}
	},
});
