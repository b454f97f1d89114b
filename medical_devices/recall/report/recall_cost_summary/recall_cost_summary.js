frappe.query_reports["Recall Cost Summary"] = {
	filters: [
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
			default: frappe.defaults.get_user_default("Company"),
			reqd: 1,
		},
		{ fieldname: "device_recall", label: __("Device Recall"), fieldtype: "Link", options: "Device Recall" },
		{ fieldname: "from_date", label: __("From Date"), fieldtype: "Date" },
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date" },
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: [
				{ value: "Batch", label: __("Batch") },
				{ value: "Item", label: __("Item") },
				{ value: "Category", label: __("Category") },
				{ value: "Recall", label: __("Recall") },
			],
			default: "Batch",
		},
	],
};
