// The quality loop: a new CAPA or nonconformance filled by the server from the complaint or nonconformance open in
// the form (medical_devices/md_quality: make_capa, make_nonconformance).
window.md_quality_new_from = function (doctype, frm) {
	const method = {
		CAPA: "medical_devices.md_quality.doctype.capa.capa.make_capa",
		"Device Nonconformance":
			"medical_devices.md_quality.doctype.device_nonconformance.device_nonconformance.make_nonconformance",
	}[doctype];
	frappe.call(method, { source_doctype: frm.doctype, source_name: frm.doc.name }).then((r) => {
		frappe.model.with_doctype(doctype, () => {
			const doc = frappe.model.get_new_doc(doctype);
			const values = Object.assign({}, r.message);
			delete values.doctype;
			(values.sources || []).forEach((row) => frappe.model.add_child(doc, "sources", row));
			delete values.sources;
			Object.assign(doc, values);
			frappe.set_route("Form", doctype, doc.name);
		});
	});
};
