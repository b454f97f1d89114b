frappe.ui.form.on("Ledger Reconciliation", {
	refresh(frm) {
		if (frm.is_new()) {
			frm.set_intro(__("Saving queues the check in the background; this form updates when it is done."));
			return;
		}
		if (frm.doc.status === "Differences Found") {
			frm.add_custom_button(__("Show Documents"), () =>
				frappe.set_route("query-report", "Ledger Reconciliation Differences", {
					company: frm.doc.company,
					as_of_date: frm.doc.as_of_date,
				})
			);
		}
		const colour = { Balanced: "green", "Differences Found": "red", Error: "red" }[frm.doc.status] || "blue";
		frm.dashboard.set_headline(__(frm.doc.status), colour);
	},
	onload(frm) {
		if (frm.is_new() && !frm.doc.as_of_date) frm.set_value("as_of_date", frappe.datetime.get_today());
	},
});
