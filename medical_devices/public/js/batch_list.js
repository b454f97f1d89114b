// Batch list: a device batch that may not leave stock shows its GSP status instead of ERPNext's "Active".
(() => {
	const settings = frappe.listview_settings["Batch"] || {};
	const erpnext_indicator = settings.get_indicator;
	// the form's colours (medical_devices/boot.py); a released batch keeps ERPNext's own indicator
	const colours = { ...frappe.boot.md_rules.batch_status.colours };
	delete colours.Released;
	settings.add_fields = [...(settings.add_fields || []), "md_batch_status"];
	settings.get_indicator = (doc) => {
		if (!doc.disabled && colours[doc.md_batch_status]) {
			return [
				__(doc.md_batch_status, null, "Batch"),
				colours[doc.md_batch_status],
				`md_batch_status,=,${doc.md_batch_status}`,
			];
		}
		return erpnext_indicator ? erpnext_indicator(doc) : null;
	};
	frappe.listview_settings["Batch"] = settings;
})();
