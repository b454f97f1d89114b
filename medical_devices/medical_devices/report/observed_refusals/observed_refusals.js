frappe.query_reports["Observed Refusals"] = {
	filters: [
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
			default: frappe.defaults.get_user_default("Company"),
			reqd: 1,
		},
		{ fieldname: "observation", label: __("Go-Live Observation"), fieldtype: "Link", options: "Go-Live Observation" },
		{
			fieldname: "rule",
			label: __("Rule"),
			fieldtype: "Select",
			options: ["", "Qualification (Licences and First Business)", "Batch Release and Expiry", "Two-Invoice Rule"],
		},
	],
	onload(report) {
		report.page.add_menu_item(__("End Observe Period"), async () => {
			const company = report.get_filter_value("company");
			const open = await frappe.db.get_value("Go-Live Observation", { company, status: "Observing" }, "name");
			const name = open.message && open.message.name;
			if (!name) {
				frappe.msgprint(__("{0} is not being observed.", [company]));
				return;
			}
			frappe.confirm(__("End the observe period of {0}? Its controls refuse again from now on.", [company]), async () => {
				const r = await frappe.xcall("medical_devices.golive.end_observation", { observation: name });
				frappe.show_alert({ message: __("Observe period ended: {0} refusals observed.", [r.refusals]), indicator: "green" });
				report.refresh();
			});
		});
	},
};
