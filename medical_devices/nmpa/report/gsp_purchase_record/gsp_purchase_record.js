frappe.query_reports["GSP Purchase Record"] = medical_devices.gsp_record_report("GSP Purchase Record", "Supplier");
