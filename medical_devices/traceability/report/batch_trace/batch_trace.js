frappe.query_reports["Batch Trace"] = {
	filters: [
		{
			fieldname: "direction",
			label: __("Direction"),
			fieldtype: "Select",
			options: [
				{ value: "Forward", label: __("Forward (where it went)") },
				{ value: "Backward", label: __("Backward (what it came from)") },
			],
			default: "Forward",
			reqd: 1,
		},
		{ fieldname: "batch", label: __("Batch"), fieldtype: "Link", options: "Batch" },
		{ fieldname: "serial_no", label: __("Serial No"), fieldtype: "Link", options: "Serial No" },
	],
	tree: true,
	name_field: "id",
	parent_field: "parent_node",
	initial_depth: 3,
	formatter: medical_devices.translated_values({ voucher_type: "", party_type: "" }),
};
