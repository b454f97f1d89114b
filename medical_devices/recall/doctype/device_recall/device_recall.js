frappe.ui.form.on("Device Recall", {
	refresh(frm) {
		if (frm.doc.docstatus !== 1) return;
		const colour = frappe.boot.md_rules.device_recall.colours[frm.doc.status];
		if (colour) frm.page.set_indicator(__(frm.doc.status, null, "Device Recall"), colour);
		frm.add_custom_button(__("Batch Trace"), () =>
			frappe.set_route("query-report", "Batch Trace", { device_recall: frm.doc.name })
		);
		frm.add_custom_button(
			__("Recall Cost Entry"),
			() => frappe.new_doc("Recall Cost Entry", { device_recall: frm.doc.name }),
			__("Create")
		);
		frm.add_custom_button(__("Recall Cost Summary"), () =>
			frappe.set_route("query-report", "Recall Cost Summary", {
				company: frm.doc.company,
				device_recall: frm.doc.name,
			})
		);
		if (frm.doc.status !== "Open" || frm.doc.is_mock) return;
		frm.add_custom_button(__("Send Notices"), () =>
			frappe
				.call({
					method: "medical_devices.recall.doctype.device_recall.device_recall.send_notices",
					args: { recall: frm.doc.name },
					freeze: true,
				})
				.then((r) => {
					const without = (r.message && r.message.without_email) || [];
					if (without.length) {
						frappe.msgprint(
							__("No e-mail on file for {0}: print the Recall Notice letter for them.", [
								without.join(", "),
							])
						);
					}
					frm.reload_doc();
				})
		);
		frm.add_custom_button(__("Update Progress"), () =>
			frappe
				.call({
					method: "medical_devices.recall.doctype.device_recall.device_recall.update_progress",
					args: { recall: frm.doc.name },
					freeze: true,
				})
				.then(() => frm.reload_doc())
		);
		frm.add_custom_button(__("Close Recall"), () => {
			const dialog = new frappe.ui.Dialog({
				title: __("Close Recall"),
				fields: [
					{
						fieldname: "effectiveness_check",
						fieldtype: "Small Text",
						label: __("Effectiveness Check"),
						reqd: 1,
					},
					{
						fieldname: "summary_evaluation",
						fieldtype: "Small Text",
						label: __("Evaluation of the Recall's Effect"),
						default: frm.doc.summary_evaluation,
					},
				],
				primary_action_label: __("Confirm"),
				primary_action({ effectiveness_check, summary_evaluation }) {
					frappe
						.call({
							method: "medical_devices.recall.doctype.device_recall.device_recall.close_recall",
							args: { recall: frm.doc.name, effectiveness_check, summary_evaluation },
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
