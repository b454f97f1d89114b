frappe.ui.form.on("Medical Device Settings", {
	setup(frm) {
		frm.set_query("account", "finance_accounts", (doc, cdt, cdn) => ({
			filters: { company: locals[cdt][cdn].company, is_group: 0, root_type: "Expense" },
		}));
		frm.set_query("account", "recall_cost_accounts", (doc, cdt, cdn) => {
			const row = locals[cdt][cdn];
			const liability = row.purpose === "Provision Liability";
			return {
				filters: {
					company: row.company,
					is_group: 0,
					root_type: liability ? "Liability" : "Expense",
				},
			};
		});
	},
	refresh(frm) {
		frm.set_intro(
			__("These settings apply to items marked as medical devices only."),
			"blue"
		);
		frm.add_custom_button(__("Create Finance Accounts"), () =>
			ask_company_and_call(
				frm,
				__("Create Finance Accounts"),
				"medical_devices.md_finance.ledger.create_finance_accounts"
			)
		);
		frm.add_custom_button(__("Create Recall Accounts"), () =>
			ask_company_and_call(
				frm,
				__("Create Recall Accounts"),
				"medical_devices.recall.ledger.create_recall_accounts"
			)
		);
	},
});

function ask_company_and_call(frm, title, method) {
	const dialog = new frappe.ui.Dialog({
		title,
		fields: [
			{
				fieldname: "company",
				fieldtype: "Link",
				options: "Company",
				label: __("Company"),
				reqd: 1,
				default: frm.doc.default_company || frappe.defaults.get_user_default("Company"),
			},
		],
		primary_action_label: __("Create"),
		primary_action({ company }) {
			frappe.call({ method, args: { company }, freeze: true }).then(() => {
				dialog.hide();
				frm.reload_doc();
			});
		},
	});
	dialog.show();
}
