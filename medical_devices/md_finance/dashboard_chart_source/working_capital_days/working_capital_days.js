frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Working Capital Days"] = {
	method: "medical_devices.md_finance.dashboard_chart_source.working_capital_days.working_capital_days.get",
	filters: [
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
			default: frappe.defaults.get_user_default("Company"),
			reqd: 1,
		},
	],
};
