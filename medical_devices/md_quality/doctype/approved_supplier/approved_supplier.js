// The supplier's approval is the quality and regulatory roles' (medical_devices/controls.py): the button calls the
// server's function, which checks the roles again; the form never sets the status or the audit fields itself.
const APPROVED_SUPPLIER = "medical_devices.md_quality.doctype.approved_supplier.approved_supplier";

frappe.ui.form.on("Approved Supplier", {
	refresh(frm) {
		const rules = frappe.boot.md_rules.approved_supplier;
		const colour = rules.colours[frm.doc.status];
		if (!frm.is_new() && colour) {
			frm.page.set_indicator(__(frm.doc.status, null, "Approved Supplier"), colour);
		}
		if (!frm.is_new() && frm.doc.next_audit_due && frm.doc.next_audit_due < frappe.datetime.get_today()) {
			frm.dashboard.add_comment(
				__("The audit of this supplier was due on {0}.", [frappe.datetime.str_to_user(frm.doc.next_audit_due)]),
				"red",
				true
			);
		}
		if (frm.is_new()) return;
		frm.add_custom_button(__("Supplier Audits"), () =>
			frappe.set_route("List", "Supplier Audit", { supplier: frm.doc.supplier })
		);
		if (frappe.user.has_role(rules.deciders)) {
			frm.add_custom_button(__("Change Status"), () => change_status(frm));
		}
	},
});

function change_status(frm) {
	const rules = frappe.boot.md_rules.approved_supplier;
	const dialog = new frappe.ui.Dialog({
		title: __("Change Status"),
		fields: [
			{
				fieldname: "status",
				fieldtype: "Select",
				label: __("Status"),
				options: rules.decisions.map((value) => ({ value, label: __(value, null, "Approved Supplier") })),
				default: frm.doc.status === "Pending" ? "Approved" : frm.doc.status,
				reqd: 1,
			},
			{
				fieldname: "conditions",
				fieldtype: "Small Text",
				label: __("Conditions"),
				default: frm.doc.conditions,
				depends_on: "eval:doc.status === 'Conditional'",
				mandatory_depends_on: "eval:doc.status === 'Conditional'",
			},
			{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason for the Decision"), reqd: 1 },
		],
		primary_action_label: __("Change Status"),
		primary_action(values) {
			frappe
				.call({
					method: `${APPROVED_SUPPLIER}.qualify_supplier`,
					args: {
						name: frm.doc.name,
						status: values.status,
						reason: values.reason,
						conditions: values.status === "Conditional" ? values.conditions : null,
					},
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

