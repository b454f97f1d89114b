"""The quality system's daily checks: a product whose complaints pass the alert rate (Medical Device Settings) is
reported to the alert roles, once a day; CAPA owners hear of their overdue actions and checks (capa.alert_overdue)."""

import frappe
from frappe import _
from frappe.utils import add_days, getdate, today

from medical_devices.gsp.alerts import send_alert
from medical_devices.md_quality.report.complaint_trend.complaint_trend import trend
from medical_devices.medical_devices.doctype.medical_device_settings.medical_device_settings import (
	get_settings,
)

LINK = "/app/query-report/Complaint Trend"


def alert_complaint_trends() -> list[dict]:
	"""Daily: per company, the products above the complaint alert rate over the trend period."""
	settings = get_settings()
	rate = float(settings.get("complaint_alert_ppm") or 0)
	if not rate:
		return []
	days = int(settings.get("complaint_trend_days") or 90)
	to_date = getdate(today())
	alerted = []
	for company in frappe.get_all("Device Complaint", distinct=True, pluck="company"):
		filters = frappe._dict(
			company=company,
			from_date=add_days(to_date, -days),
			to_date=to_date,
			group_by="Item",
			alert_ppm=rate,
		)
		for row in trend(filters):
			if not row["above_alert"]:
				continue
			subject = _(
				"Complaints about {0}: {1} per million units shipped in {2} days (alert above {3})"
			).format(row["group"], row["per_million"] if row["per_million"] is not None else "-", days, rate)
			if frappe.db.exists(
				"Notification Log",
				{
					"document_type": "Item",
					"document_name": row["group"],
					"link": LINK,
					"creation": (">=", today()),
				},
			):
				continue
			send_alert(subject, subject, "Item", row["group"], LINK)
			alerted.append(row)
	return alerted
