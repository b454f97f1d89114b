// Filters and the Chinese print of the GSP record reports (进货查验记录, 销售记录, 出库复核记录).
frappe.provide("medical_devices");

medical_devices.gsp_record_report = function (report_name, party_type) {
	return {
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
				fieldname: "from_date",
				label: __("From Date"),
				fieldtype: "Date",
				default: frappe.datetime.add_months(frappe.datetime.get_today(), -1),
				reqd: 1,
			},
			{
				fieldname: "to_date",
				label: __("To Date"),
				fieldtype: "Date",
				default: frappe.datetime.get_today(),
				reqd: 1,
			},
			{
				fieldname: "item_code",
				label: __("Item"),
				fieldtype: "Link",
				options: "Item",
				get_query: () => ({ filters: { md_is_medical_device: 1 } }),
			},
			{ fieldname: "party", label: __(party_type), fieldtype: "Link", options: party_type },
		],
		formatter: medical_devices.translated_values({
			voucher_type: "",
			acceptance: "GSP Purchase Record",
			status_at_dispatch: "Batch",
		}),
		onload(report) {
			report.page.add_inner_button(__("Chinese Record (PDF)"), () => {
				const params = new URLSearchParams({
					report_name: report_name,
					filters: JSON.stringify(report.get_filter_values(true)),
				});
				window.open(
					`/api/method/medical_devices.nmpa.gsp_record_print.download_pdf?${params}`
				);
			});
		},
	};
};
