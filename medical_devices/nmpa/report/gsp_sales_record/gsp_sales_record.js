frappe.query_reports["GSP Sales Record"] = medical_devices.gsp_record_report("GSP Sales Record", "Customer");
