"""Warehouses are audited now: a hospital's consignment warehouse and a loaner set's warehouse are controlled
records (whose consignment, whose set), so a change made to them around the app must show in md-verify-audit.
Each existing warehouse gets its Baseline entry: the trail starts from what it holds at the upgrade."""

from medical_devices.audit.scope import clear_audited_doctypes_cache
from medical_devices.audit.trail import baseline


def execute():
	clear_audited_doctypes_cache()
	baseline(["Warehouse"], commit=True)
