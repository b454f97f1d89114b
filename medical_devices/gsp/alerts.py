"""Alerts to the roles chosen in Medical Device Settings: a desk notification and a queued e-mail."""

import frappe

from medical_devices.medical_devices.doctype.medical_device_settings.medical_device_settings import (
	alert_recipients,
)


def send_alert(
	subject: str,
	body: str,
	document_type: str | None = None,
	document_name: str | None = None,
	link: str | None = None,
	recipients: list[str] | None = None,
) -> list[str]:
	"""To `recipients` (users), or else to the alert roles of Medical Device Settings."""
	recipients = alert_recipients() if recipients is None else recipients
	if not recipients:
		return []
	for user in recipients:
		notification = frappe.new_doc("Notification Log")
		notification.update(
			{
				"subject": subject,
				"email_content": body,
				"for_user": user,
				"type": "Alert",
				"document_type": document_type,
				"document_name": document_name,
				"link": link,
			}
		)
		# Frappe never e-mails "Alert" notifications itself; the one e-mail below goes to all recipients.
		notification.flags.ignore_permissions = True
		notification.insert()
	try:
		frappe.sendmail(
			recipients=recipients,
			subject=subject,
			message=body,
			reference_doctype=document_type,
			reference_name=document_name,
			delayed=True,
		)
	except frappe.OutgoingEmailError:
		pass  # no outgoing e-mail account on this site: the desk notifications above still reach everyone
	return recipients
