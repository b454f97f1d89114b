// A stored select value (a status) reads in the context of its doctype, as Frappe already translates labels and
// status indicators: where the domain's word differs from Frappe's generic one (a blocked batch is 冻结, an open
// recall 进行中, docs/vocabulary.md), the translation with that context is used; any other value reads as before.
frappe.form.formatters.Select = function (value, df) {
	return __(frappe.form.formatters.Data(value, df), null, df && df.parent);
};
