// ERPNext's barcode scan tells the server the warehouse and company only; the document being filled decides
// whether a receiving clerk's scan of a new lot may create its batch, and whether the batch scanned into an outward
// document may leave stock (medical_devices.udi.scanning).
(() => {
	const Scanner = window.erpnext && erpnext.utils && erpnext.utils.BarcodeScanner;
	if (!Scanner || Scanner.prototype.md_sends_doctype) return;
	Scanner.prototype.md_sends_doctype = true;
	Scanner.prototype.scan_api_call = function (input, callback) {
		frappe
			.call({
				method: this.scan_api,
				args: {
					search_value: input,
					ctx: {
						set_warehouse: this.frm.doc.set_warehouse,
						company: this.frm.doc.company,
						doctype: this.frm.doctype,
						customer: this.frm.doc.customer,
						posting_date: this.frm.doc.posting_date,
					},
				},
			})
			.then((r) => {
				// the scanned batch's expiry, for the grid (stock_grids.js)
				if (r && r.message && r.message.batch_no && r.message.md_expiry_date) {
					frappe.provide("medical_devices.batch_expiry");
					medical_devices.batch_expiry[r.message.batch_no] = r.message.md_expiry_date;
				}
				// a batch the GSP guard will refuse on this document is said at once, not at submit
				if (r && r.message && r.message.md_warning) {
					frappe.msgprint({
						title: __("Batch Cannot Leave Stock"),
						message: r.message.md_warning,
						indicator: "orange",
					});
				}
				callback(r);
			});
	};
})();

// On a draft stock document, the scan field has the focus: a warehouse clerk scans first.
(() => {
	const forms = (frappe.boot.md_rules && frappe.boot.md_rules.stock_forms) || [];
	forms.forEach((doctype) =>
		frappe.ui.form.on(doctype, {
			refresh(frm) {
				const field = frm.fields_dict.scan_barcode;
				if (frm.doc.docstatus !== 0 || !field || !field.$input) return;
				setTimeout(() => {
					if (!document.activeElement || document.activeElement === document.body) field.$input.focus();
				}, 300);
			},
		})
	);
})();
