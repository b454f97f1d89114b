frappe.ui.form.on("Recall Cost Entry", {
	setup(frm) {
		frm.set_query("device_recall", () => ({ filters: { docstatus: 1 } }));
		frm.set_query("cost_center", () => ({ filters: { company: frm.doc.company, is_group: 0 } }));
		frm.set_query("credit_account", "costs", () => ({
			filters: { company: frm.doc.company, is_group: 0, root_type: ["in", ["Liability", "Asset"]] },
		}));
		frm.set_query("party_type", "costs", () => ({
			filters: { name: ["in", ["Supplier", "Employee", "Customer", "Shareholder"]] },
		}));
		frm.set_query("batch", "costs", () => ({
			query: "medical_devices.recall.doctype.recall_cost_entry.recall_cost_entry.recalled_batch_query",
			filters: { device_recall: frm.doc.device_recall },
		}));
		frm.set_query("warehouse", "replacement_items", () => ({
			filters: { company: frm.doc.company, is_group: 0 },
		}));
		frm.set_query("batch", "replacement_items", (doc, cdt, cdn) => ({
			filters: { item: locals[cdt][cdn].item_code },
		}));
	},
	refresh(frm) {
		if (frm.doc.docstatus === 1) {
			frm.add_custom_button(__("General Ledger"), () =>
				frappe.set_route("query-report", "General Ledger", {
					company: frm.doc.company,
					from_date: frm.doc.posting_date,
					to_date: frm.doc.posting_date,
					voucher_no: frm.doc.journal_entry || frm.doc.stock_entry,
				})
			);
		}
		frm.add_custom_button(__("Recall Cost Summary"), () =>
			frappe.set_route("query-report", "Recall Cost Summary", {
				company: frm.doc.company,
				device_recall: frm.doc.device_recall,
			})
		);
	},
});
