import sys
from pathlib import Path

import pytest
from hypothesis import settings

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
	sys.path.insert(0, str(REPO))


@pytest.fixture(scope="session")
def frappe_site():
	"""One connection to the run's site, shared by integration and browser tests (unit tests never ask)."""
	from tests.frappe_site import connect

	frappe = connect()
	from medical_devices.testing import before_tests

	before_tests()
	yield frappe.local.site
	if getattr(frappe.local, "db", None):
		frappe.db.rollback()
	frappe.destroy()


# Property tests: no example database on disk (CI clones are fresh) and no deadline on a loaded 2-core machine.
settings.register_profile("md", database=None, deadline=None)
settings.load_profile("md")
