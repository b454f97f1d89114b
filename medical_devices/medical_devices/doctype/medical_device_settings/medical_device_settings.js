frappe.ui.form.on("Medical Device Settings", {
	refresh(frm) {
		frm.set_intro(
			__("These settings apply to items marked as medical devices only."),
			"blue"
		);
	},
});
