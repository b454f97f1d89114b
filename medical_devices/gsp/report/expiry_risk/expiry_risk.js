frappe.query_reports["Expiry Risk"] = {
	filters: [
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
			default: frappe.defaults.get_user_default("Company"),
		},
		{
			fieldname: "as_on_date",
			label: __("As On Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
			reqd: 1,
		},
		{ fieldname: "warehouse", label: __("Warehouse"), fieldtype: "Link", options: "Warehouse" },
		{
			fieldname: "item_code",
			label: __("Item"),
			fieldtype: "Link",
			options: "Item",
			get_query: () => ({ filters: { md_is_medical_device: 1 } }),
		},
		{ fieldname: "bucket", label: __("Expiry Bucket"), fieldtype: "Data" },
		{ fieldname: "only_at_risk", label: __("Only Expired or Near Expiry"), fieldtype: "Check", default: 1 },
	],
	onload(report) {
		if (!frappe.model.can_create("Device Write Off")) return;
		report.page.add_inner_button(__("Write Off Expired Stock"), () =>
			frappe.new_doc("Device Write Off", {
				company: report.get_filter_value("company"),
				reason: "Expired",
			})
		);
	},
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "days_left" && data && data.days_left !== null) {
			if (data.days_left < 0) value = `<span class="text-danger">${value}</span>`;
			else if (data.days_left <= 30) value = `<span class="text-warning">${value}</span>`;
		}
		return value;
	},
};
