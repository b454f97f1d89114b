frappe.ui.form.on("Registration Certificate", {
	setup(frm) {
		frm.set_query("item", "items", () => ({ filters: { md_is_medical_device: 1 } }));
	},
	device_class(frm) {
		if (frm.doc.device_class) {
			frm.set_value(
				"certificate_type",
				frm.doc.device_class === "Class I" ? "Filing Certificate" : "Registration Certificate"
			);
		}
	},
});
