// The reportability decision and closure are the quality and regulatory roles' (medical_devices/controls.py): the
// buttons call the server's functions, which check the roles again; the form never sets those fields itself.
const COMPLAINT = "medical_devices.md_quality.doctype.device_complaint.device_complaint";

frappe.ui.form.on("Device Complaint", {
	refresh(frm) {
		const rules = frappe.boot.md_rules.device_complaint;
		const colour = rules.colours[frm.doc.status];
		if (!frm.is_new() && colour) {
			frm.page.set_indicator(__(frm.doc.status, null, "Device Complaint"), colour);
		}
		const others = (frm.doc.__onload && frm.doc.__onload.other_complaints) || [];
		if (others.length) {
			frm.dashboard.add_comment(
				__("{0} other complaints on this batch or item: {1}", [
					others.length,
					others.map((row) => frappe.utils.escape_html(row.name)).join(", "),
				]),
				"orange",
				true
			);
		}
		if (frm.is_new()) return;
		if (frm.doc.batch) {
			frm.add_custom_button(__("Batch Trace"), () =>
				frappe.set_route("query-report", "Batch Trace", { batch: frm.doc.batch, direction: "Forward" })
			);
		}
		frm.add_custom_button(__("Nonconformance"), () => md_quality_new_from("Device Nonconformance", frm), __("Create"));
		if (!frm.doc.capa) {
			frm.add_custom_button(__("CAPA"), () => md_quality_new_from("CAPA", frm), __("Create"));
		}
		const decider = frappe.user.has_role(rules.deciders);
		if (!decider || frm.doc.status === "Closed") return;
		if (frm.doc.reportability !== "Reportable") {
			frm.add_custom_button(__("Decide Reportability"), () => decide(frm));
		}
		if (frm.doc.reportability) {
			frm.add_custom_button(__("Close Complaint"), () => close_complaint(frm));
		}
	},
});

function decide(frm) {
	const dialog = new frappe.ui.Dialog({
		title: __("Decide Reportability"),
		fields: [
			{
				fieldname: "reportability",
				fieldtype: "Select",
				label: __("Reportability"),
				options: [
					{ value: "Reportable", label: __("Reportable") },
					{ value: "Not Reportable", label: __("Not Reportable") },
				],
				reqd: 1,
			},
			{
				fieldname: "severity",
				fieldtype: "Select",
				label: __("Severity"),
				options: [
					{ value: "Death", label: __("Death") },
					{ value: "Serious Injury", label: __("Serious Injury") },
					{ value: "Other", label: __("Other") },
				],
				depends_on: "eval:doc.reportability === 'Reportable'",
				mandatory_depends_on: "eval:doc.reportability === 'Reportable'",
			},
			{
				fieldname: "death_at",
				fieldtype: "Datetime",
				label: __("Time of Death"),
				depends_on: "eval:doc.severity === 'Death'",
				mandatory_depends_on: "eval:doc.severity === 'Death'",
			},
			{
				fieldname: "report_source",
				fieldtype: "Select",
				label: __("Report Source"),
				options: [
					{ value: "Distributor", label: __("Distributor", null, "Adverse Event Report") },
					{ value: "Manufacturer", label: __("Manufacturer", null, "Adverse Event Report") },
					{ value: "User Facility", label: __("User Facility", null, "Adverse Event Report") },
				],
				default: "Distributor",
				depends_on: "eval:doc.reportability === 'Reportable'",
			},
			{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason for the Decision"), reqd: 1 },
		],
		primary_action_label: __("Decide"),
		primary_action(values) {
			frappe
				.call({
					method: `${COMPLAINT}.decide_reportability`,
					args: {
						complaint: frm.doc.name,
						reportable: values.reportability === "Reportable" ? 1 : 0,
						reason: values.reason,
						severity: values.severity,
						report_source: values.report_source,
						death_at: values.death_at,
					},
					freeze: true,
				})
				.then(() => {
					dialog.hide();
					frm.reload_doc();
				});
		},
	});
	dialog.show();
}

function close_complaint(frm) {
	frappe.prompt(
		[{ fieldname: "reason", fieldtype: "Small Text", label: __("Conclusion"), reqd: 1 }],
		(values) =>
			frappe
				.call({
					method: `${COMPLAINT}.close_complaint`,
					args: { complaint: frm.doc.name, reason: values.reason },
					freeze: true,
				})
				.then(() => frm.reload_doc()),
		__("Close Complaint"),
		__("Close Complaint")
	);
}
