import pytest


@pytest.fixture(autouse=True)
def rollback_after_each_test(frappe_site):
	import frappe

	frappe.set_user("Administrator")
	yield
	frappe.db.rollback()
	frappe.set_user("Administrator")
