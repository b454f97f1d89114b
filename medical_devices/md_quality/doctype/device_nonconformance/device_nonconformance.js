// The hold happens on the server when the nonconformance is saved; the disposition is its submit, signed (the
// signature dialog comes from the boot's signature rules). The form only narrows the choices.
frappe.ui.form.on("Device Nonconformance", {
	setup(frm) {
		frm.set_query("rejected_warehouse", () => ({
			filters: { company: frm.doc.company, is_rejected_warehouse: 1, is_group: 0 },
		}));
		frm.set_query("warehouse", () => ({ filters: { company: frm.doc.company, is_group: 0 } }));
		frm.set_query("batch", () => ({ filters: { item: frm.doc.item_code } }));
		frm.set_query("quality_inspection", () => ({ filters: { status: "Rejected", docstatus: 1 } }));
	},
	refresh(frm) {
		const colour = frappe.boot.md_rules.device_nonconformance.colours[frm.doc.status];
		if (!frm.is_new() && colour) {
			frm.page.set_indicator(__(frm.doc.status, null, "Device Nonconformance"), colour);
		}
		if (!frm.is_new() && !frm.doc.capa) {
			frm.add_custom_button(__("Open CAPA"), () => md_quality_new_from("CAPA", frm));
		}
	},
});
