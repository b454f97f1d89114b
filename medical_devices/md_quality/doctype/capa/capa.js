// Actions become their owners' ToDos on save; the effectiveness check is the server's function (it refuses a check
// before its due date); closing is the submit, signed.
frappe.ui.form.on("CAPA", {
	setup(frm) {
		frm.set_query("batch", () => ({ filters: frm.doc.item_code ? { item: frm.doc.item_code } : {} }));
	},
	refresh(frm) {
		const rules = frappe.boot.md_rules.capa;
		const colour = rules.colours[frm.doc.status];
		if (!frm.is_new() && colour) frm.page.set_indicator(__(frm.doc.status, null, "CAPA"), colour);
		if (frm.doc.docstatus !== 0 || !frm.doc.effectiveness_due || !frappe.user.has_role(rules.checkers)) return;
		frm.add_custom_button(__("Record Effectiveness"), () => {
			const dialog = new frappe.ui.Dialog({
				title: __("Record Effectiveness"),
				fields: [
					{
						fieldname: "result",
						fieldtype: "Select",
						label: __("Effectiveness"),
						options: [
							{ value: "Effective", label: __("Effective") },
							{ value: "Not Effective", label: __("Not Effective") },
						],
						reqd: 1,
					},
					{ fieldname: "evidence", fieldtype: "Small Text", label: __("Evidence"), reqd: 1 },
				],
				primary_action_label: __("Record"),
				primary_action(values) {
					frappe
						.call({
							method: "medical_devices.md_quality.doctype.capa.capa.record_effectiveness",
							args: { capa: frm.doc.name, ...values },
							freeze: true,
						})
						.then(() => {
							dialog.hide();
							frm.reload_doc();
						});
				},
			});
			dialog.show();
		});
	},
});
