// The set's status, contents and reprocessing are the server's: the form shows them and asks for a reprocessing.
frappe.ui.form.on("Loaner Set", {
	refresh(frm) {
		const rules = frappe.boot.md_rules.loaner_set;
		if (!frm.is_new() && rules.colours[frm.doc.status]) {
			frm.page.set_indicator(__(frm.doc.status, null, "Loaner Set"), rules.colours[frm.doc.status]);
		}
		if (frm.is_new() || frm.doc.current_loan || !frappe.user.has_role(rules.reprocessors)) return;
		frm.add_custom_button(__("Record Reprocessing"), () =>
			frappe.prompt(
				{ fieldname: "sterilisation_batch", fieldtype: "Data", label: __("Sterilisation Batch"), reqd: 1 },
				(values) =>
					frappe
						.call({
							method: "medical_devices.md_hospitals.doctype.loaner_set.loaner_set.record_sterilisation",
							args: { loaner_set: frm.doc.name, sterilisation_batch: values.sterilisation_batch },
						})
						.then(() => frm.reload_doc()),
				__("Record Reprocessing"),
				__("Save")
			)
		);
		if (frm.doc.warehouse) {
			frm.add_custom_button(__("Stock Balance"), () =>
				frappe.set_route("query-report", "Stock Balance", { company: frm.doc.company, warehouse: frm.doc.warehouse })
			);
		}
	},
});
