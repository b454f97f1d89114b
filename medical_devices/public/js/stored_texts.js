// A text the app stored (a batch status's reason, a trail entry's reason) holds the facts in English, the source
// language: wherever the desk formats it (form, list, grid, report view) it reads in the reader's language, from
// the same messages the server uses (medical_devices/stored_texts.py). Any other text reads as it was written.
frappe.provide("medical_devices");

medical_devices.stored_texts = (function () {
	const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
	let messages = null;

	function compiled() {
		if (!messages) {
			const rules = (frappe.boot.md_rules && frappe.boot.md_rules.stored_texts) || { messages: [] };
			messages = rules.messages.map((m) => ({
				...m,
				pattern: new RegExp("^" + m.message.split(/\{\d+\}/).map(escape).join("([\\s\\S]*?)") + "$"),
			}));
		}
		return messages;
	}

	function read_fact(kind, fact) {
		if (kind === undefined || kind === null) return fact;
		if (kind === "date") return /^\d{4}-\d{2}-\d{2}$/.test(fact) ? frappe.datetime.str_to_user(fact) : fact;
		return __(fact, null, kind || null);
	}

	function translated(text) {
		if (!text || typeof text !== "string") return text;
		for (const m of compiled()) {
			const match = text.match(m.pattern);
			if (match) {
				const facts = match.slice(1).map((fact, i) => read_fact(m.facts[i], fact));
				return __(m.message, facts);
			}
		}
		return text;
	}

	function holds_stored_text(df) {
		const rules = frappe.boot.md_rules && frappe.boot.md_rules.stored_texts;
		return !!(df && df.parent && rules && (rules.fields[df.parent] || []).includes(df.fieldname));
	}

	return { translated, holds_stored_text };
})();

(function () {
	const format = frappe.format;
	frappe.format = function (value, df, options, doc) {
		if (medical_devices.stored_texts.holds_stored_text(df)) {
			value = medical_devices.stored_texts.translated(value);
		}
		return format(value, df, options, doc);
	};
})();

// The list view writes a text field's value as it is stored, without formatting it: it reads the translated text.
(function () {
	const ListView = frappe.views && frappe.views.ListView;
	if (!ListView) return;
	const get_column_html = ListView.prototype.get_column_html;
	ListView.prototype.get_column_html = function (col, doc) {
		const df = (col && col.df) || {};
		if (doc && medical_devices.stored_texts.holds_stored_text(df)) {
			const value = medical_devices.stored_texts.translated(doc[df.fieldname]);
			doc = Object.assign({}, doc, { [df.fieldname]: value });
		}
		return get_column_html.call(this, col, doc);
	};
})();
