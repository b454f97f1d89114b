// The books' quantities, the unbilled use and the differences are the server's, on each save; Get Book Stock
// lists what the books hold at the hospital on the count date.
frappe.ui.form.on("Consignment Stock Count", {
	setup(frm) {
		frm.set_query("batch_no", "items", (doc, cdt, cdn) => ({
			filters: { item: locals[cdt][cdn].item_code },
		}));
	},
	refresh(frm) {
		if (frm.doc.docstatus === 0 && frm.doc.customer && frm.doc.company) {
			frm.add_custom_button(__("Get Book Stock"), () =>
				frappe
					.call({
						method: "medical_devices.md_hospitals.doctype.consignment_stock_count.consignment_stock_count.book_rows",
						args: { company: frm.doc.company, customer: frm.doc.customer, count_date: frm.doc.count_date },
					})
					.then((r) => {
						frm.clear_table("items");
						(r.message || []).forEach((row) => Object.assign(frm.add_child("items"), row));
						frm.refresh_field("items");
					})
			);
		}
	},
});
