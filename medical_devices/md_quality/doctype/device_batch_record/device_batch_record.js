// Everything but the deviations and the label counts is assembled by the server from the ledger on each save; the
// release is the submit, signed, by a QA person other than the preparer.
frappe.ui.form.on("Device Batch Record", {
	setup(frm) {
		frm.set_query("batch", () => ({ filters: { md_batch_status: "Quarantine" } }));
	},
	refresh(frm) {
		if (frm.doc.batch && !frm.is_new()) {
			frm.add_custom_button(__("Batch Trace"), () =>
				frappe.set_route("query-report", "Batch Trace", { batch: frm.doc.batch, direction: "Backward" })
			);
		}
	},
});
