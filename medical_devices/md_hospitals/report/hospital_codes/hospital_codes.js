frappe.query_reports["Hospital Codes"] = {
	filters: [
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
			default: frappe.defaults.get_user_default("Company"),
			reqd: 1,
		},
		{ fieldname: "customer", label: __("Hospital"), fieldtype: "Link", options: "Customer" },
		{
			fieldname: "voucher_type",
			label: __("Document Type"),
			fieldtype: "Select",
			options: ["Delivery Note", "Sales Invoice"],
			default: "Delivery Note",
		},
		{ fieldname: "voucher_no", label: __("Document"), fieldtype: "Data" },
		{ fieldname: "from_date", label: __("From Date"), fieldtype: "Date" },
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date" },
	],
};
