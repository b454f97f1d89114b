"""Who may see what, for the app's endpoints: a record (its doctype's permission, its sharing and the user's User
Permissions, as Frappe decides them for the document itself), and a company's figures (the doctype they come from,
and a company outside the user's User Permissions is refused like a record of it)."""

import frappe
from frappe import _

from medical_devices import inputs


def record(doctype: str, name, ptype: str = "read", label: str | None = None) -> str:
	"""The name of an existing record the user may `ptype`; 404 when there is none, 403 when not permitted."""
	name = inputs.docname(doctype, name, label or _(doctype))
	frappe.has_permission(doctype, ptype, name, throw=True)
	return name


def may(doctype: str, name, ptype: str = "read") -> bool:
	"""Whether the user may `ptype` that record (remembered for the request: a trace asks about many)."""
	if not name:
		return True
	cache = getattr(frappe.local, "md_access_cache", None)
	if cache is None:
		cache = frappe.local.md_access_cache = {}
	key = (frappe.session.user, doctype, name, ptype)
	if key not in cache:
		cache[key] = bool(frappe.db.exists(doctype, name)) and bool(
			frappe.has_permission(doctype, ptype, name)
		)
	return cache[key]


def allowed_companies(user: str | None = None) -> set[str] | None:
	"""The companies the user's User Permissions allow, or None when they restrict no company."""
	from frappe.permissions import get_user_permissions

	rows = get_user_permissions(user or frappe.session.user).get("Company")
	if not rows:
		return None
	return {row.get("doc") for row in rows}


def company(value, doctype: str = "GL Entry", ptype: str = "read", required: bool = False) -> str:
	"""A company whose `doctype` records the user may `ptype`: the one asked for, or else (unless `required`, as
	for anything that creates) the user's default, or the first company they may see."""
	frappe.has_permission(doctype, ptype, throw=True)
	allowed = allowed_companies()
	if required and inputs.missing(value):
		inputs.refuse(_("Company"), _("missing"))
	if inputs.missing(value):
		value = frappe.defaults.get_user_default("Company")
		if not value or (allowed is not None and value not in allowed):
			companies = frappe.get_all("Company", pluck="name", order_by="creation asc")
			value = next((name for name in companies if allowed is None or name in allowed), None)
		if not value:
			frappe.throw(_("Select a company."), inputs.InvalidInputError, title=_("Invalid Input"))
	value = inputs.docname("Company", value, _("Company"))
	if allowed is not None and value not in allowed:
		frappe.throw(
			_("You are not permitted to see the records of company {0}.").format(frappe.bold(value)),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
	return value


def desk_user():
	"""Endpoints for staff at the desk: portal users (customers, suppliers) are refused."""
	if frappe.get_cached_value("User", frappe.session.user, "user_type") != "System User":
		frappe.throw(_("This is for desk users."), frappe.PermissionError, title=_("Not Permitted"))


# --- records about records: the trail, signatures, signature attempts ------------------------------------------

READ_LIKE = ("read", "print", "email", "export", "report")


def may_read_referenced(doc, ptype=None, user=None, debug=False):
	"""has_permission of the app's records about another record (an audit entry holds the record's content): read
	by those who may read the record it is about. Refuses nothing else."""
	if ptype not in READ_LIKE or not doc or isinstance(doc, str):
		return True
	user = user or frappe.session.user
	if user == "Administrator" or not doc.get("ref_doctype") or not doc.get("ref_name"):
		return True
	if "System Manager" in frappe.get_roles(user) and allowed_companies(user) is None:
		return True  # who administers the site reviews its whole trail, as the list query lets them
	if not frappe.db.exists("DocType", doc.ref_doctype) or not frappe.db.exists(
		doc.ref_doctype, doc.ref_name
	):
		return True  # a record deleted or renamed since: its history stays with the trail's readers
	return bool(frappe.has_permission(doc.ref_doctype, "read", doc.ref_name, user=user))


def referenced_query(doctype: str, user: str | None = None) -> str:
	"""Lists of those records: only about doctypes the user may read, and for a user whose User Permissions allow
	some companies only, only about records of those companies (or of doctypes that have no company)."""
	from frappe.permissions import get_user_permissions

	user = user or frappe.session.user
	companies = [row.get("doc") for row in get_user_permissions(user).get("Company") or []]
	if user == "Administrator" or ("System Manager" in frappe.get_roles(user) and not companies):
		return ""
	readable = sorted(
		name
		for name in referenced_doctypes()
		if frappe.db.exists("DocType", {"name": name, "istable": 0})
		and frappe.has_permission(name, "read", user=user)
	)
	if not readable:
		return "1 = 0"
	table = f"`tab{doctype}`"
	if not companies:
		return f"{table}.ref_doctype in ({', '.join(frappe.db.escape(name) for name in readable)})"
	allowed = ", ".join(frappe.db.escape(company) for company in companies)
	clauses = []
	for name in readable:
		meta = frappe.get_meta(name)
		if meta.issingle:
			continue
		if meta.has_field("company") and meta.get_field("company").options == "Company":
			clauses.append(
				f"({table}.ref_doctype = {frappe.db.escape(name)} and {table}.ref_name in "
				f"(select name from `tab{name}` where company in ({allowed})))"
			)
		else:
			clauses.append(f"{table}.ref_doctype = {frappe.db.escape(name)}")
	return "(" + " or ".join(clauses) + ")" if clauses else "1 = 0"


def referenced_doctypes() -> set[str]:
	from medical_devices.audit.scope import audited_doctypes

	return set(audited_doctypes())


def trail_query(user=None):
	return referenced_query("Audit Trail Entry", user)


def signature_query(user=None):
	return referenced_query("Electronic Signature", user)


def signature_attempt_query(user=None):
	return referenced_query("Signature Attempt", user)
