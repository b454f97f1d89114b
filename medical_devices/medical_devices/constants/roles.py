from frappe.desk.page.setup_wizard.install_fixtures import _  # marks names for translation, stores English

ROLES = [
	{"role_name": _("Regulatory Affairs Manager"), "desk_access": 1},
	{"role_name": _("QA Reviewer"), "desk_access": 1},
]
