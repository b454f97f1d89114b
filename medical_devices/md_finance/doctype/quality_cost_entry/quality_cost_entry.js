frappe.ui.form.on("Quality Cost Entry", {
	setup(frm) {
		frm.set_query("batch", () => ({ filters: { item: ["is", "set"] } }));
		frm.set_query("quality_inspection", () => ({
			filters: { batch_no: frm.doc.batch, docstatus: ["!=", 2] },
		}));
		frm.set_query("cost_center", () => ({ filters: { company: frm.doc.company, is_group: 0 } }));
		frm.set_query("expense_account", () => ({
			filters: { company: frm.doc.company, is_group: 0, root_type: "Expense" },
		}));
		frm.set_query("credit_account", () => ({
			filters: { company: frm.doc.company, is_group: 0, root_type: ["in", ["Liability", "Asset"]] },
		}));
	},
	refresh(frm) {
		if (frm.doc.docstatus === 1 && frm.doc.journal_entry) {
			frm.add_custom_button(__("General Ledger"), () =>
				frappe.set_route("query-report", "General Ledger", {
					company: frm.doc.company,
					from_date: frm.doc.posting_date,
					to_date: frm.doc.posting_date,
					voucher_no: frm.doc.journal_entry,
				})
			);
		}
		if (frm.doc.batch) {
			frm.add_custom_button(__("Batch Cost"), () =>
				frappe.set_route("query-report", "Batch Cost", {
					company: frm.doc.company,
					batch: frm.doc.batch,
				})
			);
		}
	},
});
