// The stock forms' item grids show the batch's expiry beside the batch (medical_devices/gsp/constants/grids.py): a
// row whose batch is set by a scan or a script, not typed into the cell, reads its expiry at once too (a scan
// returns it; otherwise it is read from the batch).
frappe.provide("medical_devices");

(function () {
	const tables = (frappe.boot.md_rules && frappe.boot.md_rules.grid_tables) || [];
	for (const table of tables) {
		frappe.ui.form.on(table, {
			batch_no(frm, cdt, cdn) {
				const row = locals[cdt][cdn];
				if (!row.batch_no) {
					frappe.model.set_value(cdt, cdn, "md_expiry_date", null);
					return;
				}
				const scanned = medical_devices.batch_expiry && medical_devices.batch_expiry[row.batch_no];
				if (scanned) {
					frappe.model.set_value(cdt, cdn, "md_expiry_date", scanned);
					return;
				}
				// who may not read batches (a receiving clerk) sees it once the document is saved
				if (!frappe.model.can_read("Batch")) return;
				frappe.db.get_value("Batch", row.batch_no, "expiry_date").then(({ message }) => {
					if (message && locals[cdt][cdn] && locals[cdt][cdn].batch_no === row.batch_no) {
						frappe.model.set_value(cdt, cdn, "md_expiry_date", message.expiry_date || null);
					}
				});
			},
		});
	}
})();
