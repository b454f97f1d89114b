frappe.query_reports["Ledger Reconciliation Differences"] = {
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
			fieldname: "as_of_date",
			label: __("As of Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
			reqd: 1,
		},
		{
			fieldname: "check",
			label: __("Check"),
			fieldtype: "Select",
			options: [
				"",
				{ value: "Stock", label: __("Stock") },
				{ value: "Receivable", label: __("Receivable") },
				{ value: "Payable", label: __("Payable") },
				{ value: "Recall Costs", label: __("Recall Costs") },
				{ value: "Quality Costs", label: __("Quality Costs") },
			],
		},
		{
			fieldname: "account",
			label: __("Account"),
			fieldtype: "Link",
			options: "Account",
			get_query: () => ({
				filters: { company: frappe.query_report.get_filter_value("company"), is_group: 0 },
			}),
		},
	],
	formatter: medical_devices.translated_values({ voucher_type: "" }),
};
