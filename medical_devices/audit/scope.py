"""What the trail covers and what is regulated, asked once.

- *Audited* doctypes: every app's `md_audited_doctypes` hook, this app's own doctypes, and those chosen in Medical
  Device Settings; every write of their records is chained into the trail.
- *Regulated* records: this app's own records, and the core records a domain declares in the `md_regulated_records`
  hook (doctype -> functions of the record; any true makes it regulated: an Item that is a medical device, a
  delivery of one, a reviewed supplier, a posting of a recall). They need a reason to change and are never
  deleted. The audit module knows no domain: the domains say, through the hook, when their rules make a record
  regulated.
"""

import frappe

# Not audited themselves: the trail and its machinery, and what Frappe writes for every request anyway.
NEVER_AUDITED = {
	"Audit Trail Entry",
	"Audit Chain Head",
	"Audit Trail Stage",
	"Audit Hash Definition",
	"Signature Attempt",
	# figures kept from the stock ledger and checked against it (md_hospitals/consignment_balance.py)
	"Consignment Batch Balance",
	"Consignment Arrival",
	"Version",
	"Access Log",
	"Activity Log",
	"Error Log",
	"Comment",
	"Communication",
}


def audited_doctypes() -> frozenset[str]:
	"""Hook `md_audited_doctypes` of every app, this app's own doctypes, and the extra ones in the settings."""
	cached = getattr(frappe.local, "md_audited_doctypes", None)
	if cached is None:
		cached = frappe.cache.get_value("md_audited_doctypes", generator=_load_audited_doctypes)
		cached = frappe.local.md_audited_doctypes = frozenset(cached)
	return cached


def _load_audited_doctypes() -> list[str]:
	names = set(frappe.get_hooks("md_audited_doctypes"))
	names |= set(
		frappe.get_all(
			"DocType",
			filters={"module": ("in", app_modules()), "istable": 0},
			pluck="name",
		)
	)
	if frappe.db.table_exists("MD Audited DocType"):
		names |= set(
			frappe.get_all(
				"MD Audited DocType",
				filters={"parenttype": "Medical Device Settings"},
				pluck="audited_doctype",
			)
		)
	return sorted(names - NEVER_AUDITED)


def app_modules() -> list[str]:
	return frappe.get_module_list("medical_devices")


def clear_audited_doctypes_cache():
	frappe.cache.delete_value("md_audited_doctypes")
	frappe.local.md_audited_doctypes = None


def is_audited(doctype: str) -> bool:
	return doctype in audited_doctypes()


def is_regulated(doc) -> bool:
	if frappe.get_meta(doc.doctype).module in app_modules():
		return True
	return any(frappe.get_attr(function)(doc) for function in regulation_rules(doc.doctype))


def was_or_is_regulated(doc) -> bool:
	before = None if doc.is_new() else doc.get_doc_before_save()
	return is_regulated(doc) or bool(before and is_regulated(before))


def regulation_rules(doctype: str) -> list[str]:
	return (frappe.get_hooks("md_regulated_records") or {}).get(doctype) or []
