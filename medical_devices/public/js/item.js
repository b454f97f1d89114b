// Whether an item is a medical device decides which rules bind it: after the item is created, it changes only
// through Change Device Classification (regulatory or quality managers, with a reason), never by editing the field.
frappe.ui.form.on("Item", {
	refresh(frm) {
		frm.set_df_property("md_is_medical_device", "read_only", frm.is_new() ? 0 : 1);
		if (frm.is_new()) return;
		const allowed = frappe.boot.md_rules.device_classifiers.some((role) => frappe.user.has_role(role));
		if (!allowed) return;
		frm.add_custom_button(__("Change Device Classification"), () => {
			const dialog = new frappe.ui.Dialog({
				title: __("Change Device Classification"),
				fields: [
					{
						fieldname: "is_medical_device",
						fieldtype: "Check",
						label: __("Is Medical Device"),
						default: frm.doc.md_is_medical_device ? 1 : 0,
					},
					{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason for Change"), reqd: 1 },
				],
				primary_action_label: __("Confirm"),
				primary_action(values) {
					frappe
						.call({
							method: "medical_devices.medical_devices.overrides.item.change_device_classification",
							args: { item: frm.doc.name, ...values },
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
