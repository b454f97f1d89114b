// Batch form: GSP status with Release / Block / Quarantine for quality staff, and its history.
frappe.ui.form.on("Batch", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Batch Trace"), () =>
			frappe.set_route("query-report", "Batch Trace", { batch: frm.doc.name, direction: "Forward" })
		);
		if (!frm.doc.md_batch_status) return;
		const status = frm.doc.md_batch_status;
		// colours, transitions and roles come from the server's rules (medical_devices/boot.py)
		const rules = frappe.boot.md_rules.batch_status;
		frm.page.set_indicator(__(status, null, "Batch"), rules.colours[status] || "blue");

		if (rules.roles.some((role) => frappe.user.has_role(role))) {
			const labels = {
				Released: __("Release Batch"),
				Blocked: __("Block Batch"),
				Quarantine: __("Put in Quarantine"),
			};
			(rules.manual_transitions[status] || []).forEach((target) => {
				frm.add_custom_button(labels[target], () => change_status(frm, target), __("Batch Status"));
			});
		}
		frm.add_custom_button(__("Status History"), () =>
			frappe.set_route("List", "Batch Status Change", { batch: frm.doc.name })
		);
	},
});

function change_status(frm, target) {
	const dialog = new frappe.ui.Dialog({
		title: __("Set batch {0} to {1}", [frm.doc.batch_id, __(target)]),
		fields: [{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 }],
		primary_action_label: __("Confirm"),
		primary_action({ reason }) {
			frappe
				.call({
					method: "medical_devices.gsp.batch_status.change_batch_status",
					args: { batch: frm.doc.name, status: target, reason },
					freeze: true,
				})
				.then(() => {
					dialog.hide();
					frm.reload_doc();
				});
		},
	});
	dialog.show();
}
