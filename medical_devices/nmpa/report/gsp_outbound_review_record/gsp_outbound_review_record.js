frappe.query_reports["GSP Outbound Review Record"] = medical_devices.gsp_record_report("GSP Outbound Review Record", "Customer");
