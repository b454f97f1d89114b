frappe.query_reports["Temperature Excursions"] = {
	filters: [
		{ fieldname: "company", label: __("Company"), fieldtype: "Link", options: "Company" },
		{
			fieldname: "reference_type",
			label: __("Reference Type"),
			fieldtype: "Select",
			options: ["", "Warehouse", "Delivery Note", "Batch"],
		},
		{ fieldname: "reference_name", label: __("Reference"), fieldtype: "Data" },
		{ fieldname: "from_date", label: __("From Date"), fieldtype: "Date" },
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date" },
	],
	formatter: medical_devices.translated_values({ reference_type: "" }),
};
