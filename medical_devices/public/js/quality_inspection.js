// The quality loop: a rejected inspection has raised its nonconformance (medical_devices/md_quality/overrides/
// quality_inspection.py); the form links to it.
frappe.ui.form.on("Quality Inspection", {
	refresh(frm) {
		if (frm.doc.docstatus !== 1 || frm.doc.status !== "Rejected") return;
		frappe.db
			.get_value("Device Nonconformance", { quality_inspection: frm.doc.name }, "name")
			.then((r) => {
				const name = r.message && r.message.name;
				if (name) {
					frm.add_custom_button(__("Nonconformance {0}", [name]), () =>
						frappe.set_route("Form", "Device Nonconformance", name)
					);
				}
			});
	},
});
