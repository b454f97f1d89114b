// 首营审核: First-Business Review button on Supplier, Customer and device Item forms.
frappe.provide("medical_devices");

medical_devices.setup_first_business_review = function (frm) {
	if (frm.is_new()) return;
	if (frm.doctype === "Item" && !frm.doc.md_is_medical_device) return;
	const reviewer = frappe.boot.md_rules.first_business_reviewers.some((role) => frappe.user.has_role(role));
	const status = frm.doc.md_first_business_status || "Pending";
	if (status !== "Approved") {
		frm.dashboard.set_headline_alert(
			__("First-business review: {0}. Device transactions are blocked until it is approved.", [__(status)]),
			status === "Rejected" ? "red" : "orange"
		);
	}
	if (!reviewer) return;
	frm.add_custom_button(__("First-Business Review"), () => {
		const dialog = new frappe.ui.Dialog({
			title: __("First-Business Review"),
			fields: [
				{
					fieldname: "decision",
					fieldtype: "Select",
					label: __("Decision"),
					options: [
						{ value: "Approved", label: __("Approved") },
						{ value: "Rejected", label: __("Rejected") },
					],
					default: "Approved",
					reqd: 1,
				},
				{ fieldname: "remarks", fieldtype: "Small Text", label: __("Remarks") },
			],
			primary_action_label: __("Confirm"),
			primary_action(values) {
				frappe
					.call({
						method: "medical_devices.gsp.qualification.review_first_business",
						args: { doctype: frm.doctype, name: frm.doc.name, ...values },
						freeze: true,
					})
					.then(() => {
						dialog.hide();
						frm.reload_doc();
					});
			},
		});
		dialog.show();
	});
	if (frm.doctype !== "Item") {
		frm.add_custom_button(__("Qualification Certificates"), () =>
			frappe.set_route("List", "Qualification Certificate", {
				party_type: frm.doctype,
				party: frm.doc.name,
			})
		);
	}
};

// Loaded with each of the three forms; register the handlers once.
if (!medical_devices.first_business_registered) {
	medical_devices.first_business_registered = true;
	["Supplier", "Customer", "Item"].forEach((doctype) => {
		frappe.ui.form.on(doctype, { refresh: medical_devices.setup_first_business_review });
	});
}
