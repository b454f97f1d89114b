frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Quality and Recall Costs"] = {
	method: "medical_devices.md_finance.dashboard_chart_source.quality_and_recall_costs.quality_and_recall_costs.get",
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
