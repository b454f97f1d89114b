"""Frappe Webhooks the app presets, disabled, so that a WMS, MES or a hospital's SPD system can be told of batch
status changes, recalls and reported use without code: an administrator sets the URL (and a secret) and enables
one. Made once by setup; what an administrator changes in them is kept; uninstall removes them
(docs/integration.md)."""

BATCH_STATUS = """{
	"event": "batch_status_changed",
	"change": {{ doc.name | tojson }},
	"batch": {{ doc.batch | tojson }},
	"batch_id": {{ doc.batch_id | tojson }},
	"item_code": {{ doc.item | tojson }},
	"from_status": {{ doc.from_status | tojson }},
	"to_status": {{ doc.to_status | tojson }},
	"reason": {{ doc.reason | tojson }},
	"changed_by": {{ doc.changed_by | tojson }},
	"changed_on": "{{ doc.changed_on }}"
}"""

RECALL = """{
	"event": "{{ event }}",
	"recall": {{ doc.name | tojson }},
	"company": {{ doc.company | tojson }},
	"recall_class": {{ doc.recall_class | tojson }},
	"status": {{ doc.status | tojson }},
	"is_mock": {{ doc.is_mock | int }},
	"start_date": "{{ doc.start_date }}",
	"reason": {{ doc.reason | tojson }},
	"batches": [{% for row in doc["batches"] %}{"batch": {{ row.batch | tojson }}, "item_code": {{ row.item_code | tojson }}}{% if not loop.last %}, {% endif %}{% endfor %}]
}"""

USAGE = """{
	"event": "usage_reported",
	"report": {{ doc.name | tojson }},
	"company": {{ doc.company | tojson }},
	"hospital": {{ doc.customer | tojson }},
	"hospital_reference": {{ doc.hospital_reference | tojson }},
	"report_date": "{{ doc.report_date }}",
	"items": [{% for row in doc["items"] %}{"item_code": {{ row.item_code | tojson }}, "batch_no": {{ row.batch_no | tojson }}, "serial_no": {{ row.serial_no | tojson }}, "qty": {{ row.qty }}, "surgery_date": {{ (row.surgery_date | string if row.surgery_date else None) | tojson }}, "patient_reference": {{ row.patient_reference | tojson }}}{% if not loop.last %}, {% endif %}{% endfor %}]
}"""

URL = "https://receiver.example.invalid/medical-devices/"

WEBHOOKS = [
	{
		"name": "MD Batch Status Changed",
		"webhook_doctype": "Batch Status Change",
		"webhook_docevent": "after_insert",
		"webhook_json": BATCH_STATUS,
	},
	{
		"name": "MD Recall Started",
		"webhook_doctype": "Device Recall",
		"webhook_docevent": "on_submit",
		"webhook_json": "{% set event = 'recall_started' %}" + RECALL,
	},
	{
		"name": "MD Recall Updated",
		"webhook_doctype": "Device Recall",
		"webhook_docevent": "on_update_after_submit",
		"webhook_json": "{% set event = 'recall_updated' %}" + RECALL,
	},
	{
		"name": "MD Usage Reported",
		"webhook_doctype": "Consignment Usage Report",
		"webhook_docevent": "on_submit",
		"webhook_json": USAGE,
	},
]
