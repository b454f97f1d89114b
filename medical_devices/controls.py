"""What is controlled: per doctype, the fields that only the app's own functions change, and who may ask them to.

The server enforces this table on every write path (medical_devices.audit.controls): whatever a desk form, a REST
call, frappe.client, run_doc_method, Data Import, a bulk edit, a rename or a server script sends, a controlled
field keeps its value unless one of the functions named here set exactly that value; on insert it holds its initial
value, whatever the client sent. The functions check the roles listed here before they act. Append-only doctypes
cannot be inserted, changed, renamed or deleted through the document API at all; the app writes them directly.

docs/security.md explains each row; tests/e2e/test_controls_every_path.py tries every row on every path.
"""

from typing import NamedTuple

from frappe import _lt


class Control(NamedTuple):
	doctype: str
	fields: tuple[str, ...]  # parent fields or child tables
	functions: tuple[str, ...]  # the app functions that change them (dotted paths)
	changed_by: object  # how a user has them changed, for the refusal message
	roles: tuple[str, ...] = ()  # who may ask those functions; () = the app itself (jobs, derived values)
	initial: dict | None = None  # values on insert (fields not named: empty), unless free_on_insert
	free_on_insert: bool = False  # any value on insert; controlled from then on


QA_ROLES = ("Quality Manager", "QA Reviewer")
FIRST_BUSINESS_REVIEWERS = ("Quality Manager", "QA Reviewer", "Regulatory Affairs Manager")
RECALL_MANAGERS = ("Regulatory Affairs Manager", "Quality Manager")
WRITE_OFF_APPROVERS = ("Accounts Manager", "Quality Manager")
DEVICE_CLASSIFIERS = ("Regulatory Affairs Manager", "Quality Manager")
COMPLAINT_DECIDERS = ("Regulatory Affairs Manager", "Quality Manager")
SUPPLIER_QUALIFIERS = ("Quality Manager", "Regulatory Affairs Manager")
WAREHOUSE_MANAGERS = ("Stock Manager", "System Manager")
SET_REPROCESSORS = ("Stock User", "Stock Manager", "Quality Manager", "QA Reviewer")

BATCH_STATUS_FIELDS = ("md_batch_status", "md_status_reason", "md_status_changed_by", "md_status_changed_on")
FIRST_BUSINESS_FIELDS = (
	"md_first_business_status",
	"md_first_business_approved_by",
	"md_first_business_approved_on",
	"md_first_business_remarks",
)
RECALL_SCOPE_FIELDS = (
	"notify_by",
	"plan_due",
	"customers_affected",
	"total_shipped",
	"total_returned",
	"total_in_stock",
	"recovery_rate",
	"trace_seconds",
	"affected_batches",
	"customers",
	"stock",
	"implants",
	"notification_overdue",
	"last_progress_update",
)

_BATCH = "medical_devices.gsp.batch_status"
_EXPIRY = "medical_devices.gsp.expiry_alerts"
_QUALIFICATION = "medical_devices.gsp.qualification"
_REGISTRATION = "medical_devices.udi.doctype.registration_certificate.registration_certificate"
_LICENCE = "medical_devices.gsp.doctype.qualification_certificate.qualification_certificate"
_RECALL = "medical_devices.recall.doctype.device_recall.device_recall"
_RECALL_COST = "medical_devices.recall.doctype.recall_cost_entry.recall_cost_entry"
_WRITE_OFF = "medical_devices.md_finance.doctype.device_write_off.device_write_off"
_QUALITY_COST = "medical_devices.md_finance.doctype.quality_cost_entry.quality_cost_entry"
_ADVERSE_EVENT = "medical_devices.nmpa.doctype.adverse_event_report.adverse_event_report"
_LEDGER = "medical_devices.medical_devices.ledger"
_COMPLAINT = "medical_devices.md_quality.doctype.device_complaint.device_complaint"
_NONCONFORMANCE = "medical_devices.md_quality.doctype.device_nonconformance.device_nonconformance"
_CAPA = "medical_devices.md_quality.doctype.capa.capa"
_BATCH_RECORD = "medical_devices.md_quality.doctype.device_batch_record.device_batch_record"
_APPROVED_SUPPLIER = "medical_devices.md_quality.doctype.approved_supplier.approved_supplier"
_SUPPLIER_AUDIT = "medical_devices.md_quality.doctype.supplier_audit.supplier_audit"
_CONSIGNMENT = "medical_devices.md_hospitals.consignment"
_USAGE = "medical_devices.md_hospitals.doctype.consignment_usage_report.consignment_usage_report"
_COUNT = "medical_devices.md_hospitals.doctype.consignment_stock_count.consignment_stock_count"
_LOANER_SETS = "medical_devices.md_hospitals.loaner_sets"
_LOANER_SET = "medical_devices.md_hospitals.doctype.loaner_set.loaner_set"
_LOAN = "medical_devices.md_hospitals.doctype.loaner_set_loan.loaner_set_loan"

CONTROLS = (
	Control(
		"Batch",
		BATCH_STATUS_FIELDS,
		(
			f"{_BATCH}.set_batch_status",
			"medical_devices.gsp.overrides.batch.set_initial_status",
			f"{_BATCH}.release_existing_batches",
			f"{_BATCH}.quarantine_batches_of",
			f"{_EXPIRY}.mark_expired",
		),
		_lt("the Release Batch, Block Batch and Put in Quarantine buttons, a quality inspection or a recall"),
		QA_ROLES,
	),
	Control(
		"Batch",
		("item",),
		(),
		_lt("nothing: a batch stays with the item it was made for"),
		free_on_insert=True,
	),
	Control(
		"Batch",
		("md_expiry_alert_window",),
		(f"{_EXPIRY}.flag_expiring_batches",),
		_lt("the daily expiry check"),
	),
	*(
		Control(
			doctype,
			FIRST_BUSINESS_FIELDS,
			(
				f"{_QUALIFICATION}.record_first_business_decision",
				"medical_devices.gsp.overrides.party.review_again_when_identity_changes",
			),
			_lt("the First-Business Review button or a Go-Live Opening"),
			FIRST_BUSINESS_REVIEWERS,
			{"md_first_business_status": "Pending"},
		)
		for doctype in ("Supplier", "Customer", "Item")
	),
	Control(
		"Item",
		("md_is_medical_device",),
		("medical_devices.medical_devices.overrides.item.change_device_classification",),
		_lt("Change Device Classification on the item"),
		DEVICE_CLASSIFIERS,
		free_on_insert=True,
	),
	Control(
		"Registration Certificate",
		("status",),
		(f"{_REGISTRATION}.RegistrationCertificate.validate", f"{_REGISTRATION}.update_certificate_statuses"),
		_lt("the certificate's dates (the status follows them)"),
	),
	Control(
		"Qualification Certificate",
		("status",),
		(f"{_LICENCE}.QualificationCertificate.validate", f"{_LICENCE}.update_qualification_statuses"),
		_lt("the licence's dates and Revoked (the status follows them)"),
	),
	*(
		Control(
			doctype,
			("last_reminder_days",),
			(f"{_EXPIRY}.remind_expiring_certificates",),
			_lt("the daily certificate reminders"),
		)
		for doctype in ("Registration Certificate", "Qualification Certificate")
	),
	Control(
		"Device Recall",
		("status", "closed_on", "effectiveness_check"),
		(f"{_RECALL}.DeviceRecall.before_submit", f"{_RECALL}.close_recall"),
		_lt("submitting the recall and Close Recall"),
		RECALL_MANAGERS,
		{"status": "Draft"},
	),
	Control(
		"Device Recall",
		RECALL_SCOPE_FIELDS,
		(
			f"{_RECALL}.DeviceRecall.compute_scope",
			f"{_RECALL}.refresh_progress",
			f"{_RECALL}.send_notices",
			f"{_RECALL}.flag_overdue_recalls",
		),
		_lt("the recall's trace (Update Progress, Send Notices)"),
	),
	Control(
		"Device Recall",
		("total_cost",),
		(f"{_RECALL_COST}.update_recall_cost",),
		_lt("submitting and cancelling its Recall Cost Entries"),
	),
	Control(
		"Device Write Off",
		("approved_by", "stock_entry"),
		(f"{_WRITE_OFF}.DeviceWriteOff.before_submit", f"{_WRITE_OFF}.DeviceWriteOff.on_submit"),
		_lt("the approver's submit"),
		WRITE_OFF_APPROVERS,
	),
	Control(
		"Quality Cost Entry",
		("journal_entry",),
		(f"{_QUALITY_COST}.QualityCostEntry.on_submit",),
		_lt("submitting the entry"),
	),
	Control(
		"Recall Cost Entry",
		("journal_entry", "stock_entry"),
		(f"{_RECALL_COST}.RecallCostEntry.on_submit",),
		_lt("submitting the entry"),
	),
	Control(
		"Adverse Event Report",
		("report_due", "group_notice_due", "group_cases_due", "overdue"),
		(
			f"{_ADVERSE_EVENT}.AdverseEventReport.validate",
			f"{_ADVERSE_EVENT}.AdverseEventReport.before_submit",
			f"{_ADVERSE_EVENT}.flag_overdue_reports",
		),
		_lt("the report's awareness time and severity (the deadlines follow them)"),
	),
	Control(
		"Adverse Event Report",
		("device_complaint",),
		(f"{_COMPLAINT}.decide_reportability", f"{_ADVERSE_EVENT}.AdverseEventReport.before_insert"),
		_lt("Decide Reportability on the complaint"),
		COMPLAINT_DECIDERS,
	),
	Control(
		"Device Complaint",
		("reportability", "reportability_reason", "decided_by", "decided_on"),
		(f"{_COMPLAINT}.decide_reportability",),
		_lt("Decide Reportability on the complaint"),
		COMPLAINT_DECIDERS,
	),
	Control(
		"Device Complaint",
		("adverse_event_report",),
		(f"{_COMPLAINT}.decide_reportability", f"{_COMPLAINT}.follow_amendment"),
		_lt("Decide Reportability on the complaint (and the amendment of its cancelled report)"),
		COMPLAINT_DECIDERS,
	),
	Control(
		"Device Complaint",
		("status", "closed_by", "closed_on"),
		(f"{_COMPLAINT}.decide_reportability", f"{_COMPLAINT}.close_complaint"),
		_lt("Decide Reportability and Close Complaint"),
		COMPLAINT_DECIDERS,
		{"status": "Open"},
	),
	Control(
		"Device Complaint",
		("report_due",),
		(
			f"{_COMPLAINT}.decide_reportability",
			f"{_COMPLAINT}.follow_report_clock",
			f"{_COMPLAINT}.follow_amendment",
		),
		_lt("the adverse event report's deadline"),
	),
	Control(
		"Device Complaint",
		("delivery_doctype", "delivery"),
		(f"{_COMPLAINT}.DeviceComplaint.validate",),
		_lt("the complaint's batch or serial number (the delivery is found from the trace)"),
	),
	# The approved supplier list (合格供方名录): a supplier's standing changes by a decision or by a disqualifying
	# audit; what its last audit found comes from the audit's submit only.
	Control(
		"Approved Supplier",
		("status", "conditions", "decided_by", "decided_on", "decision_reason"),
		(f"{_APPROVED_SUPPLIER}.qualify_supplier", f"{_SUPPLIER_AUDIT}.SupplierAudit.on_submit"),
		_lt("Change Status on the entry, or a supplier audit with the result Disqualified"),
		SUPPLIER_QUALIFIERS,
		{"status": "Pending"},
	),
	Control(
		"Approved Supplier",
		("last_audit", "last_audit_score", "next_audit_due"),
		(f"{_SUPPLIER_AUDIT}.SupplierAudit.on_submit",),
		_lt("submitting a Supplier Audit of the supplier"),
		SUPPLIER_QUALIFIERS,
	),
	Control(
		"Device Nonconformance",
		("company", "item_code", "batch", "serial_nos", "qty", "hold", "warehouse", "rejected_warehouse"),
		(),
		_lt("nobody once it holds its product (raise a new nonconformance)"),
		free_on_insert=True,
	),
	Control(
		"Device Nonconformance",
		("status_before_hold", "hold_entry"),
		(f"{_NONCONFORMANCE}.DeviceNonconformance.after_insert",),
		_lt("raising the nonconformance (its hold)"),
	),
	Control(
		"Device Nonconformance",
		(
			"dispositioned_by",
			"dispositioned_on",
			"stock_entry",
			"scrap_value",
			"journal_entry",
			"purchase_return",
		),
		(f"{_NONCONFORMANCE}.DeviceNonconformance.on_submit",),
		_lt("the signed disposition (Submit)"),
	),
	Control(
		"CAPA",
		("effectiveness_period_days",),
		(),
		_lt("nobody once the CAPA is saved (it is set when the CAPA is raised)"),
		free_on_insert=True,
	),
	Control(
		"CAPA",
		("status", "effectiveness_due", "cost"),
		(f"{_CAPA}.CAPA.validate", f"{_CAPA}.CAPA.before_submit"),
		_lt("the CAPA's actions and closure (derived)"),
	),
	Control(
		"CAPA",
		(
			"effectiveness_result",
			"effectiveness_evidence",
			"effectiveness_checked_by",
			"effectiveness_checked_on",
		),
		(f"{_CAPA}.record_effectiveness",),
		_lt("Record Effectiveness on the CAPA"),
		("Quality Manager", "QA Reviewer"),
	),
	Control(
		"CAPA",
		("closed_by", "closed_on"),
		(f"{_CAPA}.CAPA.before_submit",),
		_lt("the signed closure (Submit)"),
		("Quality Manager",),
	),
	Control(
		"Device Batch Record",
		(
			"item_code",
			"item_name",
			"work_order",
			"bom_no",
			"qty_produced",
			"stock_uom",
			"manufacturing_date",
			"expiry_date",
			"sterilisation_batch",
			"production_entries",
			"inputs",
			"inspections",
			"nonconformances",
			"label_sample",
			"prepared_by",
			"prepared_on",
		),
		(f"{_BATCH_RECORD}.DeviceBatchRecord.validate", f"{_BATCH_RECORD}.DeviceBatchRecord.before_submit"),
		_lt("the ledger (the record is assembled from it on each save)"),
	),
	Control(
		"Device Batch Record",
		("status", "released_by", "released_on"),
		(f"{_BATCH_RECORD}.DeviceBatchRecord.validate", f"{_BATCH_RECORD}.DeviceBatchRecord.before_submit"),
		_lt("the signed release (Submit) by a second QA person"),
		QA_ROLES,
		{"status": "Draft"},
	),
	Control(
		"Device Complaint",
		("capa",),
		(f"{_CAPA}.CAPA.link_sources",),
		_lt("the CAPA that names it as a source"),
	),
	Control(
		"Device Nonconformance",
		("capa",),
		(f"{_CAPA}.CAPA.link_sources",),
		_lt("the CAPA that names it as a source"),
	),
	# Hospitals: a warehouse becomes a hospital's consignment warehouse when it is made as one, and stays that
	# hospital's (its stock and its ledger are the hospital's consignment).
	Control(
		"Warehouse",
		("md_consignment_customer",),
		(f"{_CONSIGNMENT}.make_consignment_warehouse",),
		_lt("Consignment Warehouse on the customer (a new warehouse)"),
		WAREHOUSE_MANAGERS,
	),
	# Hospitals: a loaner set's warehouse is made with the set, and is that set's.
	Control(
		"Warehouse",
		("md_loaner_set",),
		(f"{_LOANER_SETS}.make_set_warehouse",),
		_lt("making the Loaner Set (its warehouse is made with it)"),
	),
	Control(
		"Loaner Set",
		("warehouse", "status", "missing", "current_loan", "last_sterilised_on", "last_sterilisation_batch"),
		(
			f"{_LOANER_SET}.LoanerSet.validate",
			f"{_LOANER_SETS}.refresh_status",
			f"{_LOANER_SET}.record_sterilisation",
			f"{_LOAN}.set_current_loan",
		),
		_lt("its loans, Record Reprocessing and its stock (the status follows them)"),
		SET_REPROCESSORS,
		{"status": "Incomplete"},
	),
	Control(
		"Loaner Set Loan",
		(
			"items",
			"status",
			"loaned_on",
			"returned_on",
			"received_by",
			"sales_invoice",
			"write_off_entry",
			"sterilised_on",
			"sterilisation_batch",
			"sterilised_by",
			"turnaround_days",
		),
		(
			f"{_LOAN}.LoanerSetLoan.validate",
			f"{_LOAN}.LoanerSetLoan.before_submit",
			f"{_LOAN}.record_return",
			f"{_LOAN}.record_reprocessing",
		),
		_lt("the loan's submit (the set's contents), Record Return and the set's reprocessing"),
		SET_REPROCESSORS,
		{"status": "Draft"},
	),
	Control(
		"Sales Invoice",
		("md_loaner_set_loan",),
		(f"{_LOAN}.record_return",),
		_lt("Record Return on the loan (the implants used, the instruments charged)"),
	),
	Control(
		"Consignment Usage Report",
		("status", "billed_qty", "per_billed"),
		(f"{_USAGE}.ConsignmentUsageReport.validate", f"{_USAGE}.refresh_billing"),
		_lt("its submit and the invoices that bill it"),
		initial={"status": "Draft"},
	),
	# Personal data: a patient named on a usage report is found again by its pseudonym, of that hospital only.
	Control(
		"Patient Record",
		("hospital", "patient_reference"),
		(f"{_USAGE}.patient_records_for",),
		_lt("the usage report that first names the patient"),
	),
	Control(
		"Consignment Stock Count",
		("difference_account", "approved_by", "issue_entry", "receipt_entry"),
		(
			f"{_COUNT}.ConsignmentStockCount.validate",
			f"{_COUNT}.ConsignmentStockCount.before_submit",
			f"{_COUNT}.ConsignmentStockCount.on_submit",
		),
		_lt("the approver's submit"),
	),
	# Postings: a Journal Entry or Stock Entry names its source document only when that document's submit posts it
	# (medical_devices/medical_devices/ledger.py); one made by hand cannot pose as a posting.
	Control(
		"Journal Entry",
		("md_recall_cost_entry", "md_quality_cost_entry", "md_device_nonconformance"),
		(f"{_LEDGER}.post_journal_entry",),
		_lt("the submit of the document that posts it"),
	),
	Control(
		"Stock Entry",
		(
			"md_recall_cost_entry",
			"md_device_write_off",
			"md_device_nonconformance",
			"md_consignment_stock_count",
			"md_loaner_set_loan",
		),
		(f"{_LEDGER}.post_stock_entry",),
		_lt("the submit of the document that posts it"),
	),
	# Go-live: an observe period is started by making it and ended by End Observe Period, by the observers.
	Control(
		"Go-Live Observation",
		("status", "started_by", "started_on", "ended_by", "ended_on"),
		(
			"medical_devices.medical_devices.doctype.go_live_observation.go_live_observation.GoLiveObservation.validate",
			"medical_devices.golive.end_observation",
		),
		_lt("making the observation (it starts) and End Observe Period"),
		("System Manager", "Quality Manager", "Regulatory Affairs Manager"),
		{"status": "Observing"},
	),
)

# Written once by the app, directly; never through the document API (Administrator included).
APPEND_ONLY = (
	"Audit Trail Entry",
	"Audit Chain Head",
	"Audit Trail Stage",
	"Audit Hash Definition",
	"Electronic Signature",
	"Signature Attempt",
	"Batch Status Change",
	"Observed Refusal",
	# kept from the stock ledger (medical_devices/md_hospitals/consignment_balance.py)
	"Consignment Batch Balance",
	"Consignment Arrival",
)


_BY_DOCTYPE: dict[str, dict[str, Control]] = {}
for _control in CONTROLS:
	for _field in _control.fields:
		_BY_DOCTYPE.setdefault(_control.doctype, {})[_field] = _control


def controls_of(doctype: str) -> dict[str, Control]:
	"""Field -> its control, for the controlled fields of `doctype`."""
	return _BY_DOCTYPE.get(doctype, {})


def check_function(doctype: str, fields, function: str):
	"""A programming error, not a user's: an app function writing a controlled field it is not declared for."""
	for field in fields:
		control = controls_of(doctype).get(field)
		if control and function not in control.functions:
			raise RuntimeError(
				f"{function} is not declared for {doctype}.{field} in medical_devices.controls"
			)
