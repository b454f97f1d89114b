// Reason for change (audit trail): asked before a regulated record is changed after its first save, updated after
// submit, cancelled or amended. The server refuses the change without one; this only asks for it in time.
frappe.provide("medical_devices.audit");

medical_devices.audit.ask_reason = function (title, optional) {
	return new Promise((resolve) => {
		let answered = false;
		const dialog = new frappe.ui.Dialog({
			title: title,
			fields: [
				{
					fieldname: "reason",
					fieldtype: "Small Text",
					label: __("Reason for Change"),
					reqd: optional ? 0 : 1,
					description: optional ? __("Needed for regulated records (medical devices and what concerns them).") : "",
				},
			],
			primary_action_label: __("Confirm"),
			primary_action({ reason }) {
				answered = true;
				dialog.hide();
				resolve(optional ? reason || "" : reason);
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
			// a submit of a saved, unchanged draft changes nothing: no reason asked, as on the server
			const editing =
				!frm.doc.__islocal &&
				frm.doc.docstatus === 0 &&
				frm.is_dirty() &&
				medical_devices.audit.is_regulated(frm);
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

// Electronic signatures (21 CFR Part 11): before a submit or cancel the rules ask for, the user signs with the
// password (and authenticator code) and a meaning; the server refuses the action without that signature.
medical_devices.audit.sign = function (frm, action) {
	const meanings = frappe.boot.md_rules.signature.meanings;
	return new Promise((resolve) => {
		let signed = false;
		const dialog = new frappe.ui.Dialog({
			title: __("Electronic Signature"),
			fields: [
				{
					fieldtype: "HTML",
					options: `<p>${__("Signing {0} {1} to {2}.", [
						__(frm.doctype),
						frm.docname,
						__(action).toLowerCase(),
					])}</p>`,
				},
				{
					fieldname: "meaning",
					fieldtype: "Select",
					label: __("Meaning"),
					options: meanings.map((m) => ({ value: m, label: __(m) })),
					default: action === "Cancel" ? "Cancelled" : "Approved",
					reqd: 1,
				},
				{ fieldname: "password", fieldtype: "Password", label: __("Password"), reqd: 1 },
				{
					fieldname: "otp",
					fieldtype: "Data",
					label: __("Authentication Code"),
					description: __("Only when two-factor login is on for you."),
				},
			],
			primary_action_label: __("Sign"),
			primary_action(values) {
				frappe
					.call({
						method: "medical_devices.audit.signature.sign",
						args: {
							doctype: frm.doctype,
							name: frm.docname,
							action: action,
							meaning: values.meaning,
							password: values.password,
							otp: values.otp,
						},
					})
					.then(() => {
						signed = true;
						dialog.hide();
						resolve(true);
					});
			},
		});
		dialog.onhide = () => {
			if (!signed) resolve(false);
		};
		dialog.show();
	});
};

medical_devices.audit.review = function (frm) {
	const dialog = new frappe.ui.Dialog({
		title: __("Two-Person Review"),
		fields: [
			{
				fieldtype: "HTML",
				options: `<p>${__("You sign {0} {1} as Reviewed. Any change after this needs a new review.", [
					__(frm.doctype),
					frm.docname,
				])}</p>`,
			},
			{ fieldname: "password", fieldtype: "Password", label: __("Password"), reqd: 1 },
			{ fieldname: "otp", fieldtype: "Data", label: __("Authentication Code") },
		],
		primary_action_label: __("Sign as Reviewed"),
		primary_action(values) {
			frappe
				.call({
					method: "medical_devices.audit.signature.review",
					args: { doctype: frm.doctype, name: frm.docname, password: values.password, otp: values.otp },
				})
				.then(() => {
					dialog.hide();
					frappe.show_alert({ message: __("Reviewed"), indicator: "green" });
					frm.reload_doc();
				});
		},
	});
	dialog.show();
};

medical_devices.audit.register_signatures = function (doctype, rule) {
	frappe.ui.form.on(doctype, {
		before_submit(frm) {
			if (!rule.sign_submit) return;
			return medical_devices.audit.sign(frm, "Submit").then((ok) => {
				if (!ok) frappe.validated = false;
			});
		},
		before_cancel(frm) {
			if (!rule.sign_cancel || !frappe.validated) return;
			return medical_devices.audit.sign(frm, "Cancel").then((ok) => {
				if (!ok) frappe.validated = false;
			});
		},
		refresh(frm) {
			const reviewer =
				frappe.user.has_role(frappe.boot.md_rules.signature.reviewer_role) &&
				frm.doc.owner !== frappe.session.user;
			if (rule.require_review && frm.doc.docstatus === 0 && !frm.is_new() && reviewer) {
				frm.add_custom_button(__("Review and Sign"), () => medical_devices.audit.review(frm));
			}
		},
	});
};

// Renames and the list's bulk edit and cancel send no document body: the reason is noted for each record first
// (kept 10 minutes, so a rename or bulk action that runs as a background job finds it too).
medical_devices.audit.reason_calls = {
	"frappe.model.rename_doc.update_document_title": (args) =>
		window.cur_frm && cur_frm.doctype === args.doctype && medical_devices.audit.is_regulated(cur_frm)
			? { names: [args.docname], title: __("Reason for Renaming"), optional: false }
			: null,
	"frappe.desk.doctype.bulk_update.bulk_update.submit_cancel_or_update_docs": (args) =>
		["cancel", "update"].includes(args.action) &&
		(frappe.boot.md_audited_doctypes || []).includes(args.doctype)
			? {
					names: typeof args.docnames === "string" ? JSON.parse(args.docnames) : args.docnames,
					title: args.action === "cancel" ? __("Reason for Cancelling") : __("Reason for Change"),
					optional: true,
			  }
			: null,
};

medical_devices.audit.with_reason = function (method, args) {
	const ask = medical_devices.audit.reason_calls[method](args || {});
	if (!ask) return Promise.resolve(args);
	return medical_devices.audit.ask_reason(ask.title, ask.optional).then((reason) => {
		if (reason === null) return Promise.reject(new Error(__("Cancelled")));
		if (!reason) return args;
		return frappe
			.call({
				method: "medical_devices.audit.reason.note_reasons",
				args: { doctype: args.doctype, names: ask.names, reason: reason },
			})
			.then(() => Object.assign({}, args, { md_reason: reason }));
	});
};

(function wrap_calls() {
	const xcall = frappe.xcall;
	frappe.xcall = function (method, params, ...rest) {
		if (medical_devices.audit.reason_calls[method]) {
			return medical_devices.audit
				.with_reason(method, params)
				.then((args) => xcall.call(this, method, args, ...rest));
		}
		return xcall.call(this, method, params, ...rest);
	};
	const call = frappe.call;
	frappe.call = function (opts, ...rest) {
		if (opts && typeof opts === "object" && medical_devices.audit.reason_calls[opts.method]) {
			return medical_devices.audit
				.with_reason(opts.method, opts.args)
				.then((args) => call.call(this, Object.assign({}, opts, { args: args })));
		}
		return call.call(this, opts, ...rest);
	};
})();

$(document).on("app_ready", () => {
	(frappe.boot.md_audited_doctypes || []).forEach(medical_devices.audit.register);
	Object.entries(frappe.boot.md_signature_rules || {}).forEach(([doctype, rule]) =>
		medical_devices.audit.register_signatures(doctype, rule)
	);
});
