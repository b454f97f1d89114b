frappe.listview_settings["Registration Certificate"] = {
	get_indicator(doc) {
		const colors = {
			Valid: "green",
			"Expiring Soon": "orange",
			Expired: "red",
			"Not Yet Valid": "gray",
		};
		return [__(doc.status), colors[doc.status] || "gray", "status,=," + doc.status];
	},
};
