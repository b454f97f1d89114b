// The loan's contents are the set's stock when it leaves; Record Return counts each row back (the server bills
// what was used, charges or writes off what is missing, and decides every figure again).
frappe.ui.form.on("Loaner Set Loan", {
	setup(frm) {
		frm.set_query("loaner_set", () => ({ filters: { company: frm.doc.company } }));
	},
	refresh(frm) {
		const colours = frappe.boot.md_rules.loaner_set_loan.colours;
		if (!frm.is_new() && colours[frm.doc.status]) {
			frm.page.set_indicator(__(frm.doc.status, null, "Loaner Set Loan"), colours[frm.doc.status]);
		}
		if (frm.doc.docstatus !== 1 || frm.doc.status !== "On Loan") return;
		if (!frappe.user.has_role(frappe.boot.md_rules.loaner_set.reprocessors)) return;
		frm.add_custom_button(__("Record Return"), () => record_return(frm));
	},
});

function record_return(frm) {
	const rows = frm.doc.items.map((row) => ({
		row: row.name,
		item_code: row.item_code,
		component: row.component,
		unit: row.serial_no || row.batch_no || "",
		qty: row.qty,
		returned_qty: row.component === "Instrument" ? row.qty : 0,
		used_qty: row.component === "Implant" ? 0 : 0,
		resolution: "",
	}));
	const dialog = new frappe.ui.Dialog({
		title: __("Record Return"),
		size: "extra-large",
		fields: [
			{
				fieldname: "rows",
				fieldtype: "Table",
				label: __("Items"),
				cannot_add_rows: true,
				in_place_edit: true,
				data: rows,
				fields: [
					{ fieldname: "item_code", fieldtype: "Link", options: "Item", label: __("Item"), read_only: 1, in_list_view: 1 },
					{ fieldname: "component", fieldtype: "Data", label: __("Component"), read_only: 1, in_list_view: 1 },
					{ fieldname: "unit", fieldtype: "Data", label: __("Batch or Serial No"), read_only: 1, in_list_view: 1 },
					{ fieldname: "qty", fieldtype: "Float", label: __("Quantity"), read_only: 1, in_list_view: 1 },
					{ fieldname: "returned_qty", fieldtype: "Float", label: __("Came Back"), in_list_view: 1 },
					{ fieldname: "used_qty", fieldtype: "Float", label: __("Used in Surgery"), in_list_view: 1 },
					{
						fieldname: "resolution",
						fieldtype: "Select",
						options: ["", "Charge Hospital", "Write Off"],
						label: __("Missing Resolution"),
						in_list_view: 1,
					},
					{ fieldname: "row", fieldtype: "Data", hidden: 1 },
				],
			},
			{ fieldname: "hospital_record_no", fieldtype: "Data", label: __("Hospital Record No.") },
		],
		primary_action_label: __("Save"),
		primary_action(values) {
			frappe
				.call({
					method: "medical_devices.md_hospitals.doctype.loaner_set_loan.loaner_set_loan.record_return",
					args: {
						loan: frm.doc.name,
						rows: values.rows.map(({ row, returned_qty, used_qty, resolution }) => ({
							row,
							returned_qty,
							used_qty,
							resolution,
						})),
						hospital_record_no: values.hospital_record_no,
					},
				})
				.then(() => {
					dialog.hide();
					frm.reload_doc();
				});
		},
	});
	dialog.show();
}
