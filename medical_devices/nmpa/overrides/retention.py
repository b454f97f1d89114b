"""NMPA retention, on every record's deletion and on Transaction Deletion Record: a regulated record under
retention is refused with the date until which it is kept (medical_devices/nmpa/retention.py)."""

import frappe
from frappe import _
from frappe.utils import format_date, getdate, today

from medical_devices.audit.scope import is_audited, is_regulated
from medical_devices.nmpa.retention import retention_of
from medical_devices.nmpa.retention_rules import is_retained, retain_until


def refuse_deleting_retained(doc, method=None):
	"""on_trash of every doctype: a regulated record still under retention is refused, naming until when it is
	kept (the audit's own refusal of deleting any regulated record follows this one)."""
	if frappe.flags.in_uninstall or frappe.flags.in_install or frappe.flags.in_migrate:
		return
	if doc.meta.istable or not is_audited(doc.doctype) or not is_regulated(doc):
		return
	applies, until = retention_of(doc)
	if applies and until is None:
		message = _(
			"{0} {1} concerns an implantable device and must be kept permanently; it cannot be deleted."
		)
	elif applies and is_retained(until, getdate(today())):
		message = _(
			"{0} {1} must be kept until {2} (two years after the device's expiry, at least five years) and cannot be deleted; cancel it instead."
		)
	else:
		return
	frappe.throw(
		message.format(_(doc.doctype), doc.name, until and format_date(until)),
		frappe.PermissionError,
		title=_("Not Permitted"),
	)


def refuse_deleting_retained_transactions(doc, method=None):
	"""Transaction Deletion Record deletes a company's transactions in bulk, past every document's own hooks."""
	last = frappe.db.sql(
		"""select max(sle.posting_date) as posting_date, max(batch.expiry_date) as expiry_date,
			max(item.md_is_implant) as implant
		from `tabStock Ledger Entry` sle
		join `tabItem` item on item.name = sle.item_code and item.md_is_medical_device = 1
		left join `tabBatch` batch on batch.name = sle.batch_no
		where sle.company = %s and sle.is_cancelled = 0""",
		doc.company,
		as_dict=True,
	)[0]
	if not last.posting_date:
		return
	until = retain_until(
		getdate(last.posting_date),
		[getdate(last.expiry_date)] if last.expiry_date else [],
		bool(last.implant),
	)
	if is_retained(until, getdate(today())):
		frappe.throw(
			_(
				"{0} holds medical-device stock records that must be kept {1}; its transactions cannot be deleted."
			).format(
				frappe.bold(doc.company),
				_("permanently") if until is None else _("until {0}").format(format_date(until)),
			),
			frappe.PermissionError,
			title=_("Records under Retention"),
		)
