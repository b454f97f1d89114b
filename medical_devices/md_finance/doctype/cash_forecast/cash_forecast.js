frappe.ui.form.on("Cash Forecast", {
	refresh(frm) {
		if (!frm.is_new()) {
			frm.add_custom_button(__("Forecast and Actuals"), () =>
				frappe.set_route("query-report", "Cash Forecast", {
					company: frm.doc.company,
					cash_forecast: frm.doc.name,
				})
			);
		}
	},
});
