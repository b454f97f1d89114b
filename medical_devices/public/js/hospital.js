// A customer that is a hospital gets its consignment warehouse of a company from here (the server makes it on
// its own stock account; only stock managers may).
frappe.ui.form.on("Customer", {
	refresh(frm) {
		if (frm.is_new() || !frappe.user.has_role(frappe.boot.md_rules.consignment.warehouse_managers)) return;
		frm.add_custom_button(
			__("Consignment Warehouse"),
			() =>
				frappe.prompt(
					{ fieldname: "company", fieldtype: "Link", options: "Company", label: __("Company"), reqd: 1,
						default: frappe.defaults.get_user_default("Company") },
					(values) =>
						frappe
							.call({
								method: "medical_devices.md_hospitals.consignment.make_consignment_warehouse",
								args: { customer: frm.doc.name, company: values.company },
							})
							.then((r) => frappe.set_route("Form", "Warehouse", r.message)),
					__("Consignment Warehouse"),
					__("Make")
				),
			__("Create")
		);
	},
});
