"""Daily expiry job: expired device batches become Expired, near-expiry batches in stock are flagged.

Set-based on purpose: one query reads every device batch that is expired or inside the widest alert window,
the rest is grouped UPDATEs and one bulk insert of history rows, so 100k batches take seconds, not minutes
(docs/performance.md). Alerts go out once per batch and window, when the batch enters a narrower window.
"""

import datetime

import frappe
from frappe import _
from frappe.utils import add_days, formatdate, get_url_to_report, getdate, now_datetime

from medical_devices import stored_texts
from medical_devices.audit import trail
from medical_devices.gsp import rules
from medical_devices.medical_devices.doctype.medical_device_settings.medical_device_settings import (
	alert_windows,
	certificate_reminder_windows,
)

CHUNK = 5000
FLAG_EXPIRING = f"{__name__}.flag_expiring_batches"
MARK_EXPIRED = f"{__name__}.mark_expired"
REMIND = f"{__name__}.remind_expiring_certificates"


def run_daily_expiry_check():
	"""Scheduler entry point (daily); also callable as `bench execute` for a given date in tests."""
	flag_expiring_batches(getdate())


def flag_expiring_batches(on_date: datetime.date) -> dict:
	on_date = getdate(on_date)
	windows = alert_windows()
	horizon = add_days(on_date, max(windows) if windows else 0)
	batch = frappe.qb.DocType("Batch")
	item = frappe.qb.DocType("Item")
	rows = (
		frappe.qb.from_(batch)
		.join(item)
		.on(item.name == batch.item)
		.select(
			batch.name,
			batch.batch_id,
			batch.item,
			batch.expiry_date,
			batch.batch_qty,
			batch.md_batch_status,
			batch.md_expiry_alert_window,
		)
		.where(item.md_is_medical_device == 1)
		.where(batch.expiry_date.isnotnull())
		.where(batch.expiry_date <= horizon)
		.where(batch.disabled == 0)
		.run(as_dict=True)
	)

	newly_expired = []
	window_changes: dict[int, list[str]] = {}
	entered: dict[int, list] = {}
	for row in rows:
		days_left = (getdate(row.expiry_date) - on_date).days
		if days_left < 0:
			if row.md_batch_status not in (rules.EXPIRED, rules.RECALLED):
				newly_expired.append(row)
				if row.batch_qty > 0:
					entered.setdefault(0, []).append(row)
			continue
		if row.batch_qty <= 0:
			continue
		window = rules.alert_window(days_left, windows)
		if window is None or window == row.md_expiry_alert_window:
			continue
		window_changes.setdefault(window, []).append(row.name)
		if not row.md_expiry_alert_window or window < row.md_expiry_alert_window:
			entered.setdefault(window, []).append(row)

	mark_expired(newly_expired, on_date)
	for window, names in window_changes.items():
		trail.set_values(
			"Batch",
			names,
			{"md_expiry_alert_window": window},
			FLAG_EXPIRING,
			stored_texts.EXPIRY_WINDOW.text(window),
			update_modified=False,
		)
	alert_entered_windows(entered, on_date)
	return {
		"expired": len(newly_expired),
		"flagged": sum(len(names) for names in window_changes.values()),
		"alerted": {window: len(rows) for window, rows in entered.items()},
	}


def mark_expired(rows: list, on_date: datetime.date):
	"""Expired batches become Expired, with their history and trail entries (the job's function named on each)."""
	if not rows:
		return
	from medical_devices.gsp.batch_status import append_history

	changed_on = now_datetime()
	reason = stored_texts.EXPIRED.text()
	for start in range(0, len(rows), CHUNK):
		chunk = rows[start : start + CHUNK]
		trail.set_values(
			"Batch",
			[row.name for row in chunk],
			{
				"md_batch_status": rules.EXPIRED,
				"md_status_reason": reason,
				"md_status_changed_by": frappe.session.user,
				"md_status_changed_on": changed_on,
			},
			MARK_EXPIRED,
			reason,
		)
		append_history(
			[
				{
					"batch": row.name,
					"batch_id": row.batch_id,
					"item": row.item,
					"from_status": row.md_batch_status,
					"to_status": rules.EXPIRED,
					"reason": stored_texts.EXPIRED_ON.text(row.expiry_date),
					"changed_on": changed_on,
				}
				for row in chunk
			],
			MARK_EXPIRED,
		)


def alert_entered_windows(entered: dict[int, list], on_date: datetime.date):
	from medical_devices.gsp.alerts import send_alert

	link = get_url_to_report("Expiry Risk", "Script Report", "Batch")
	for window, rows in sorted(entered.items()):
		if window == 0:
			subject = _("{0} device batches in stock have expired").format(len(rows))
		else:
			subject = _("{0} device batches in stock expire within {1} days").format(len(rows), window)
		lines = [
			f"{row.batch_id} ({row.item}): {formatdate(row.expiry_date)}, {row.batch_qty:g}"
			for row in sorted(rows, key=lambda r: r.expiry_date)[:50]
		]
		body = "<br>".join(lines)
		if len(rows) > 50:
			body += "<br>" + _("and {0} more").format(len(rows) - 50)
		body += "<br><a href='{}'>{}</a>".format(link, _("Open the Expiry Risk report"))
		send_alert(subject, body, link="/app/query-report/Expiry Risk")


def remind_expiring_certificates(on_date: datetime.date | None = None) -> list[str]:
	"""Daily: one reminder per certificate as it passes each reminder day (e.g. 90 and 30 days ahead)."""
	from medical_devices.gsp.alerts import send_alert

	on_date = getdate(on_date)
	windows = certificate_reminder_windows()
	if not windows:
		return []
	horizon = add_days(on_date, max(windows))
	reminded = []
	for row in frappe.get_all(
		"Qualification Certificate",
		filters={"disabled": 0, "valid_to": ("between", (on_date, horizon))},
		fields=[
			"name",
			"party_type",
			"party",
			"licence_type",
			"certificate_number",
			"valid_to",
			"last_reminder_days",
		],
	):
		window = rules.alert_window((getdate(row.valid_to) - on_date).days, windows)
		if window is None or (row.last_reminder_days and row.last_reminder_days <= window):
			continue
		trail.set_values("Qualification Certificate", row.name, {"last_reminder_days": window}, REMIND)
		send_alert(
			_("{0} {1} of {2} {3} expires on {4}").format(
				_(row.licence_type),
				row.certificate_number,
				_(row.party_type),
				row.party,
				formatdate(row.valid_to),
			),
			_("Ask the party for the renewed licence and record it before trading stops."),
			document_type="Qualification Certificate",
			document_name=row.name,
		)
		reminded.append(row.name)
	for row in frappe.get_all(
		"Registration Certificate",
		filters={"expiry_date": ("between", (on_date, horizon))},
		fields=["name", "product_name", "expiry_date", "last_reminder_days"],
	):
		window = rules.alert_window((getdate(row.expiry_date) - on_date).days, windows)
		if window is None or (row.last_reminder_days and row.last_reminder_days <= window):
			continue
		trail.set_values("Registration Certificate", row.name, {"last_reminder_days": window}, REMIND)
		send_alert(
			_("Registration certificate {0} ({1}) expires on {2}").format(
				row.name, row.product_name, formatdate(row.expiry_date)
			),
			_("Renewal must be filed at least 6 months before expiry; sales stop on the expiry date."),
			document_type="Registration Certificate",
			document_name=row.name,
		)
		reminded.append(row.name)
	return reminded
