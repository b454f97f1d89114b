frappe.ui.form.on("Device Data Export", {
	refresh(frm) {
		if (frm.is_new()) return;
		const busy = ["Queued", "Running"].includes(frm.doc.status);
		if (!busy) {
			const label = frm.doc.status === "Draft" ? __("Generate") : __("Generate Again");
			frm.add_custom_button(label, () =>
				frm.call("generate").then(() => frm.reload_doc())
			).addClass("btn-primary");
		}
		const colour = {
			Completed: "green",
			"Failed Validation": "red",
			Error: "red",
			Queued: "blue",
			Running: "blue",
		}[frm.doc.status];
		if (frm.doc.status === "Failed Validation" && frm.doc.problem_count) {
			frm.dashboard.set_headline(
				__("{0} problems in {1} devices: no file was written. Fix them and generate again.", [
					frm.doc.problem_count,
					frm.doc.device_count,
				]),
				colour
			);
		} else if (frm.doc.status === "Completed") {
			frm.dashboard.set_headline(
				__("{0} devices exported.", [frm.doc.device_count]) +
					` <a href="${encodeURI(frm.doc.export_file)}" target="_blank">${__("Download")}</a>`,
				colour
			);
		} else if (busy) {
			frm.dashboard.set_headline(__("The export is running in the background."), colour);
		}
	},
	regulator(frm) {
		if (frm.doc.regulator !== "NMPA UDID") frm.set_value("file_format", "Excel Workbook");
	},
});
