// A draft is the planned audit; its submit (by the quality and regulatory roles) records it as done and shows it
// on the supplier's entries of the approved supplier list (medical_devices/md_quality/doctype/supplier_audit).
frappe.ui.form.on("Supplier Audit", {
	refresh(frm) {
		if (frm.doc.docstatus === 0 && !frm.is_new()) {
			frm.dashboard.add_comment(__("Planned audit: submit it once it is done."), "blue", true);
		}
		if (frm.doc.supplier) {
			frm.add_custom_button(__("Approved Supplier List"), () =>
				frappe.set_route("List", "Approved Supplier", { supplier: frm.doc.supplier })
			);
		}
	},
});
