frappe.ui.form.on("UDI Device Identifier", {
	setup(frm) {
		frm.set_query("item", () => ({ filters: { md_is_medical_device: 1 } }));
		frm.set_query("parent_di", () => ({
			filters: { item: frm.doc.item, name: ["!=", frm.doc.name || ""] },
		}));
		frm.set_query("registration_certificate", () => ({
			filters: { status: ["!=", "Expired"] },
		}));
	},
});
