import frappe
from frappe.utils.dashboard import cache_source

from medical_devices.md_finance.trends import cost_chart


@frappe.whitelist()
@cache_source
def get(
	chart_name=None,
	chart=None,
	no_cache=None,
	filters=None,
	from_date=None,
	to_date=None,
	timespan=None,
	time_interval=None,
	heatmap_year=None,
):
	frappe.has_permission("GL Entry", "read", throw=True)
	return cost_chart(filters)
