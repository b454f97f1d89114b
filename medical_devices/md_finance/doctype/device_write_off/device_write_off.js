frappe.ui.form.on("Device Write Off", {
	setup(frm) {
		frm.set_query("cost_center", () => ({ filters: { company: frm.doc.company, is_group: 0 } }));
		frm.set_query("item_code", "items", () => ({
			filters: { md_is_medical_device: 1, has_batch_no: 1 },
		}));
		frm.set_query("batch_no", "items", (doc, cdt, cdn) => ({
			filters: { item: locals[cdt][cdn].item_code },
		}));
		frm.set_query("warehouse", "items", () => ({
			filters: { company: frm.doc.company, is_group: 0 },
		}));
	},
	refresh(frm) {
		if (frm.doc.docstatus === 0 && frm.doc.company) {
			frm.add_custom_button(__("Get Expired Stock"), () => fill_at_risk_stock(frm, "Expired"));
			frm.add_custom_button(__("Get Near-Expiry Stock"), () => fill_at_risk_stock(frm, "Near Expiry"));
		}
		if (frm.doc.docstatus === 1 && frm.doc.stock_entry) {
			frm.add_custom_button(__("General Ledger"), () =>
				frappe.set_route("query-report", "General Ledger", {
					company: frm.doc.company,
					from_date: frm.doc.posting_date,
					to_date: frm.doc.posting_date,
					voucher_no: frm.doc.stock_entry,
				})
			);
		}
		frm.add_custom_button(__("Expiry Risk"), () =>
			frappe.set_route("query-report", "Expiry Risk", { company: frm.doc.company })
		);
	},
});

function fill_at_risk_stock(frm, reason) {
	frappe
		.call({
			method: "medical_devices.md_finance.doctype.device_write_off.device_write_off.expired_stock",
			args: { company: frm.doc.company, reason },
		})
		.then(({ message }) => {
			if (!message || !message.length) {
				frappe.msgprint(__("No device stock of this company is expired or near expiry."));
				return;
			}
			frm.clear_table("items");
			message.forEach((row) => frm.add_child("items", row));
			if (reason === "Expired") frm.set_value("reason", "Expired");
			frm.refresh_field("items");
			frm.dirty();
		});
}
