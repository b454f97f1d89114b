frappe.query_reports["Access and Export Log"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_days(frappe.datetime.get_today(), -30),
			reqd: 1,
		},
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date", default: frappe.datetime.get_today(), reqd: 1 },
		{ fieldname: "user", label: __("User"), fieldtype: "Link", options: "User" },
		{
			fieldname: "event",
			label: __("Event"),
			fieldtype: "Select",
			options: [
				{ value: "", label: "" },
				{ value: "Login", label: __("Login") },
				{ value: "Failed Login", label: __("Failed Login") },
				{ value: "Logout", label: __("Logout") },
				{ value: "Export", label: __("Export") },
				{ value: "Print", label: __("Print") },
				{ value: "Download", label: __("Download") },
			],
		},
		{ fieldname: "regulated_only", label: __("Regulated Records Only"), fieldtype: "Check" },
	],
};
