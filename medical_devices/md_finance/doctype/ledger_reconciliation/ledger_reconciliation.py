"""A dated check that the stock ledger, the party sub-ledgers and the recall postings agree with the general
ledger (medical_devices.md_finance.reconciliation). Saved once per run; the check itself runs as a background job,
daily for every company and whenever someone creates a record."""

import time

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import add_days, get_url_to_form, now_datetime, today

from medical_devices.audit import trail
from medical_devices.audit.origin import acting_as
from medical_devices.md_finance.reconciliation import is_difference, reconcile

RUN_RECONCILIATION = f"{__name__}.run_reconciliation"


class LedgerReconciliation(Document):
	def after_insert(self):
		frappe.enqueue(
			"medical_devices.md_finance.doctype.ledger_reconciliation.ledger_reconciliation.run_reconciliation",
			queue="long",
			timeout=3600,
			job_id=f"md-ledger-reconciliation::{self.name}",
			deduplicate=True,
			enqueue_after_commit=True,
			reconciliation=self.name,
		)


def reconcile_every_company():
	"""Daily: every company's ledgers as of the end of yesterday."""
	for company in frappe.get_all("Company", pluck="name"):
		frappe.get_doc(
			{"doctype": "Ledger Reconciliation", "company": company, "as_of_date": add_days(today(), -1)}
		).insert(ignore_permissions=True)


def run_reconciliation(reconciliation: str):
	with acting_as(RUN_RECONCILIATION):
		_run_reconciliation(reconciliation)


def _run_reconciliation(reconciliation: str):
	doc = frappe.get_doc("Ledger Reconciliation", reconciliation)
	doc.db_set("status", "Running")
	started = time.perf_counter()
	try:
		lines = reconcile(doc.company, doc.as_of_date)
		currency = frappe.get_cached_value("Company", doc.company, "default_currency")
		found = [dict(row, currency=currency) for row in lines if is_difference(row)]
		doc.set("differences", found)
		doc.update(
			{
				"lines_checked": len(lines),
				"differences_found": len(found),
				"total_difference": sum(abs(row["difference"]) for row in found),
				"currency": currency,
				"status": "Differences Found" if found else "Balanced",
				"checked_on": now_datetime(),
				"seconds": round(time.perf_counter() - started, 2),
				"error": None,
			}
		)
		doc.save(ignore_permissions=True)
		if found:
			notify_accounts_managers(doc)
	except Exception:
		frappe.db.rollback()
		trail.set_values(
			"Ledger Reconciliation",
			reconciliation,
			{"status": "Error", "error": frappe.get_traceback()[-2000:]},
			RUN_RECONCILIATION,
		)
		frappe.log_error(title=_("Ledger reconciliation {0} failed").format(reconciliation))
	frappe.db.commit()  # nosemgrep: a background job ends its own transaction
	frappe.get_doc("Ledger Reconciliation", reconciliation).notify_update()


def notify_accounts_managers(doc):
	from medical_devices.gsp.alerts import send_alert
	from medical_devices.medical_devices.doctype.medical_device_settings.medical_device_settings import (
		users_with_roles,
	)

	users = users_with_roles(["Accounts Manager"])
	subject = _("{0}: {1} ledger differences as of {2}").format(
		doc.company, doc.differences_found, frappe.format(doc.as_of_date, "Date")
	)
	lines = [
		"{}: {} {}".format(
			_(row.check),
			row.account or row.device_recall or row.batch,
			frappe.format(row.difference, "Currency", currency=doc.currency),
		)
		for row in doc.differences[:20]
	]
	link = get_url_to_form(doc.doctype, doc.name)
	body = "<br>".join(lines) + f"<br><a href='{link}'>{_('Open the reconciliation')}</a>"
	return send_alert(subject, body, doc.doctype, doc.name, recipients=users)
