import pytest

from tests.frappe_site import connect


@pytest.fixture(scope="session", autouse=True)
def site():
	frappe = connect()
	from medical_devices.testing import before_tests

	before_tests()
	yield frappe.local.site
	frappe.db.rollback()
	frappe.destroy()


@pytest.fixture(autouse=True)
def rollback_after_each_test(site):
	import frappe

	frappe.set_user("Administrator")
	yield
	frappe.db.rollback()
	frappe.set_user("Administrator")
