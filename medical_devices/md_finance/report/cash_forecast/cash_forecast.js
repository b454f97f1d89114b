frappe.query_reports["Cash Forecast"] = {
	filters: [
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
			default: frappe.defaults.get_user_default("Company"),
			reqd: 1,
		},
		{
			fieldname: "cash_forecast",
			label: __("Cash Forecast"),
			fieldtype: "Link",
			options: "Cash Forecast",
			get_query: () => ({
				filters: { company: frappe.query_report.get_filter_value("company") },
			}),
			description: __("Empty: the latest forecast of the company."),
		},
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "variance" && data && data.variance < 0) {
			value = `<span class="text-danger">${value}</span>`;
		}
		return value;
	},
};
