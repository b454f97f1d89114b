// A stored select value (a status) reads in the context of its doctype, as Frappe already translates labels and
// status indicators: where the domain's word differs from Frappe's generic one (a blocked batch is 冻结, an open
// recall 进行中, docs/vocabulary.md), the translation with that context is used; any other value reads as before.
frappe.form.formatters.Select = function (value, df) {
	return __(frappe.form.formatters.Data(value, df), null, df && df.parent);
};

// A report's stored values (voucher types, party types, statuses) read in the reader's language: the report sends
// the facts (its links and exports keep them), the desk translates them, in the context named per column ("" for
// the plain translation).
frappe.provide("medical_devices");
medical_devices.translated_values = function (contexts, then) {
	return function (value, row, column, data, default_formatter) {
		if (value && typeof value === "string" && column && column.fieldname in contexts) {
			value = __(value, null, contexts[column.fieldname] || null);
		}
		return then
			? then(value, row, column, data, default_formatter)
			: default_formatter(value, row, column, data);
	};
};

// Frappe appends the time zone to a Datetime field's description before the description is translated, so the
// joined text matches no translation and the description reads in English: translate it first.
(function () {
	const ControlDatetime = frappe.ui.form.ControlDatetime;
	if (!ControlDatetime) return;
	const set_description = ControlDatetime.prototype.set_description;
	ControlDatetime.prototype.set_description = function () {
		if (this.df.description && !this.df.md_description_translated) {
			this.df.description = __(this.df.description, null, this.df.parent);
			this.df.md_description_translated = true;
		}
		return set_description.call(this);
	};
})();

// The list view writes a Select column's value through __(value) without its doctype's context (a blocked batch
// status change would read 已屏蔽): the value reads as the form and the indicators read it.
(function () {
	const ListView = frappe.views && frappe.views.ListView;
	if (!ListView) return;
	const get_column_html = ListView.prototype.get_column_html;
	ListView.prototype.get_column_html = function (col, doc) {
		const html = get_column_html.call(this, col, doc);
		const df = (col && col.df) || {};
		const value = df.fieldtype === "Select" && doc[df.fieldname];
		if (!value || typeof value !== "string") return html;
		const escape = frappe.utils.escape_html;
		const shown = __(escape(value)); // as the list view writes it
		const in_context = escape(__(value, null, df.parent));
		return shown === in_context ? html : html.split(` ${shown} `).join(` ${in_context} `);
	};
})();
