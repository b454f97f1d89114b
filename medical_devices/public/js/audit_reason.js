// Reason for change (audit trail): asked before a regulated record is changed after its first save, updated after
// submit, cancelled or amended. The server refuses the change without one; this only asks for it in time.
frappe.provide("medical_devices.audit");

medical_devices.audit.ask_reason = function (title) {
	return new Promise((resolve) => {
		let answered = false;
		const dialog = new frappe.ui.Dialog({
			title: title,
			fields: [
				{
					fieldname: "reason",
					fieldtype: "Small Text",
					label: __("Reason for Change"),
					reqd: 1,
				},
			],
			primary_action_label: __("Confirm"),
			primary_action({ reason }) {
				answered = true;
				dialog.hide();
				resolve(reason);
			},
		});
		dialog.onhide = () => {
			if (!answered) resolve(null);
		};
		dialog.show();
	});
};

medical_devices.audit.is_regulated = function (frm) {
	return !!(frm.doc.__onload && frm.doc.__onload.md_reason_required);
};

medical_devices.audit.register = function (doctype) {
	frappe.ui.form.on(doctype, {
		validate(frm) {
			const amending = frm.doc.__islocal && frm.doc.amended_from;
			const editing =
				!frm.doc.__islocal && frm.doc.docstatus === 0 && medical_devices.audit.is_regulated(frm);
			if (!(amending || editing) || frm.doc.md_reason) return;
			return medical_devices.audit.ask_reason(__("Reason for Change")).then((reason) => {
				if (reason) frm.doc.md_reason = reason;
				else frappe.validated = false;
			});
		},
		before_cancel(frm) {
			if (!medical_devices.audit.is_regulated(frm)) return;
			return medical_devices.audit.ask_reason(__("Reason for Cancelling")).then((reason) => {
				if (!reason) {
					frappe.validated = false;
					return;
				}
				return frappe.call({
					method: "medical_devices.audit.reason.note_reason",
					args: { doctype: frm.doctype, name: frm.docname, reason: reason },
				});
			});
		},
		onload_post_render(frm) {
			// "Update" after submit runs no form event before it is sent: ask in front of the save itself.
			if (frm.__md_audit_wrapped) return;
			frm.__md_audit_wrapped = true;
			const save = frm.save.bind(frm);
			frm.save = function (action, ...rest) {
				if (action === "Update" && medical_devices.audit.is_regulated(frm) && !frm.doc.md_reason) {
					return medical_devices.audit.ask_reason(__("Reason for Change")).then((reason) => {
						if (!reason) return;
						frm.doc.md_reason = reason;
						return save(action, ...rest);
					});
				}
				return save(action, ...rest);
			};
		},
		after_save(frm) {
			delete frm.doc.md_reason;
		},
	});
};

$(document).on("app_ready", () => {
	(frappe.boot.md_audited_doctypes || []).forEach(medical_devices.audit.register);
});
