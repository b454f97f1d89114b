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


def allowed_companies() -> set[str] | None:
	"""The companies the user's User Permissions allow, or None when they restrict no company."""
	from frappe.permissions import get_user_permissions

	rows = get_user_permissions(frappe.session.user).get("Company")
	if not rows:
		return None
	return {row.get("doc") for row in rows}


def company(value, doctype: str = "GL Entry", ptype: str = "read") -> str:
	"""A company whose `doctype` records the user may `ptype`: the one asked for, or else the user's default (or
	the first company they may see)."""
	frappe.has_permission(doctype, ptype, throw=True)
	allowed = allowed_companies()
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
