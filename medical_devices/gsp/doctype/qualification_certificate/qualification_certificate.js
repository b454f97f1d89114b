frappe.ui.form.on("Qualification Certificate", {
	licence_type(frm) {
		if (frm.doc.licence_type === "Class II Distribution Filing") {
			frm.set_value({ covers_class_i: 0, covers_class_ii: 1, covers_class_iii: 0 });
		} else if (frm.doc.licence_type === "Distribution Licence") {
			frm.set_value("covers_class_iii", 1);
		}
	},
});
