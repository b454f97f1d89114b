frappe.ui.form.on("Annual Self Inspection", {
	onload(frm) {
		if (frm.is_new() && !frm.doc.year) {
			frm.set_value("year", new Date().getFullYear() - 1);
		}
	},
	refresh(frm) {
		if (!frm.is_new() && frm.doc.docstatus === 0) {
			frm.add_custom_button(__("Collect Facts"), () =>
				frm.call("refresh_facts").then(() => frm.reload_doc())
			);
		}
		if (frm.doc.docstatus === 1 && !frm.doc.submitted_to_authority_on) {
			const days = frappe.datetime.get_diff(frm.doc.due_date, frappe.datetime.get_today());
			frm.dashboard.set_headline(
				days >= 0
					? __("Due to the authority by {0} ({1} days left).", [
							frappe.datetime.str_to_user(frm.doc.due_date),
							days,
					  ])
					: __("Overdue since {0}.", [frappe.datetime.str_to_user(frm.doc.due_date)]),
				days >= 0 ? "blue" : "red"
			);
		}
	},
});
