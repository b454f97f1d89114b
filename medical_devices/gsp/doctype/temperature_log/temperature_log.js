frappe.ui.form.on("Temperature Log", {
	refresh(frm) {
		if (frm.doc.docstatus === 0) {
			frm.add_custom_button(__("Import Logger CSV"), () => import_logger_csv(frm));
		}
		if (frm.doc.has_excursion && frm.doc.docstatus === 1 && frm.doc.quarantined_batches) {
			// the quality loop (public/js/quality.js): the excursion's product as a nonconformance
			frm.add_custom_button(__("Nonconformance"), () => md_quality_new_from("Device Nonconformance", frm), __("Create"));
		}
		if (frm.doc.has_excursion) {
			frm.dashboard.set_headline_alert(
				__("{0} readings outside {1} – {2} °C", [
					frm.doc.excursion_count,
					frm.doc.allowed_min,
					frm.doc.allowed_max,
				]),
				"red"
			);
		}
	},
	reference_type(frm) {
		frm.set_value("reference_name", "");
	},
});

function import_logger_csv(frm) {
	new frappe.ui.FileUploader({
		restrictions: { allowed_file_types: [".csv", ".txt"] },
		on_success(file) {
			frappe
				.call({
					method: "medical_devices.gsp.cold_chain.read_logger_csv",
					args: { file_url: file.file_url },
					freeze: true,
				})
				.then((r) => {
					frm.clear_table("readings");
					(r.message || []).forEach((reading) => frm.add_child("readings", reading));
					frm.set_value("source", "CSV Import");
					frm.refresh_field("readings");
					frappe.show_alert({
						message: __("{0} readings imported", [(r.message || []).length]),
						indicator: "green",
					});
				});
		},
	});
}
