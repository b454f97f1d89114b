app_name = "medical_devices"
app_title = "Medical Devices"
app_publisher = "medical_devices developers"
app_description = (
	"Medical-device compliance for ERPNext: UDI, GSP, traceability and recalls, NMPA reports, "
	"strict audit and device finance"
)
app_email = "dev@medical-devices.invalid"
app_license = "GPL-3.0-or-later"
required_apps = ["erpnext"]

add_to_apps_screen = [
	{
		"name": "medical_devices",
		"logo": "/assets/medical_devices/images/logo.svg",
		"title": "Medical Devices",
		"route": "/app/medical-devices",
	}
]

# Install lifecycle: every custom field, property setter, role and default comes from
# medical_devices.setup, applied on install and re-applied from patches.txt on migrate.
before_install = "medical_devices.install.check_version_compatibility"
before_migrate = "medical_devices.install.check_version_compatibility"
after_install = "medical_devices.install.after_install"
before_uninstall = "medical_devices.install.before_uninstall"

before_tests = "medical_devices.testing.before_tests"

# doc_events: every rule that changes or refuses data, one binding each, in the order they run. Handlers of core
# doctypes live in the domain's overrides/ package (one module per core doctype, or per rule spanning doctypes);
# the audit's rules bind every doctype. Every rule binds only medical-device items and the documents and parties
# that touch them (medical_devices/devices.py, md_regulated_records below).
doc_events = {
	# Audit, on every doctype. Inputs of the app's doctypes are refused when junk, not coerced. Controlled fields
	# (medical_devices/controls.py) change only through their app functions; regulated records need a reason to
	# change and are never deleted or merged; the submits and cancels the signature rules name need an
	# e-signature. Each is checked early (a clear refusal before any work) and again in on_change, which every
	# write path passes after all flags and server scripts, inside the transaction; then the write is chained into
	# the trail.
	"*": {
		"before_insert": "medical_devices.audit.controlled.normalise_insert",
		"before_validate": [
			"medical_devices.inputs.check_app_document_values",
			"medical_devices.audit.controlled.check",
			"medical_devices.audit.signature.refuse_unreviewed_changes",
		],
		"validate": "medical_devices.audit.reason.require_reason",
		"before_submit": "medical_devices.audit.signature.require_signature",
		"before_cancel": [
			"medical_devices.audit.controlled.check",
			"medical_devices.audit.reason.require_reason",
			"medical_devices.audit.signature.require_signature",
		],
		"before_update_after_submit": [
			"medical_devices.inputs.check_app_document_values",
			"medical_devices.audit.controlled.check",
			"medical_devices.audit.reason.require_reason",
		],
		"before_rename": [
			"medical_devices.audit.controlled.refuse_append_only",
			"medical_devices.audit.reason.refuse_regulated_merge",
			"medical_devices.audit.reason.require_reason",
		],
		"on_change": [
			"medical_devices.audit.controlled.check",
			"medical_devices.audit.reason.require_reason",
			"medical_devices.audit.signature.write_signed_action",
			"medical_devices.audit.trail.on_change",
		],
		"onload": "medical_devices.audit.boot.mark_regulated",
		"on_trash": [
			"medical_devices.audit.controlled.refuse_append_only",
			# NMPA retention: a record under retention is refused naming until when it is kept
			"medical_devices.nmpa.overrides.retention.refuse_deleting_retained",
			"medical_devices.audit.reason.refuse_regulated_delete",
			"medical_devices.audit.trail.on_trash",
		],
		"after_rename": "medical_devices.audit.trail.after_rename",
	},
	"Version": {
		# Personal data: the version history keeps keyed hashes of patients' details, not their text.
		"before_insert": "medical_devices.personal_data.mask_version",
		# Audit: Frappe's own version history of audited records is neither changed nor deleted.
		"validate": "medical_devices.audit.protection.protect_version",
		"on_trash": "medical_devices.audit.protection.protect_version",
	},
	# Personal data: every read of a patient's record is in the Access Log (the form here, any other path in
	# has_permission below).
	"Patient Record": {"onload": "medical_devices.personal_data.log_read"},
	# Audit: Track Changes stays on for audited doctypes.
	"Property Setter": {"validate": "medical_devices.audit.protection.refuse_track_changes_off"},
	# Dates and numbers: the formats Frappe prints with are the ones System Settings shows.
	"System Settings": {
		"on_update": "medical_devices.medical_devices.overrides.system_settings.sync_format_defaults"
	},
	# Device master data lives on ERPNext's Item: class, storage range, traceability by batch or serial.
	"Item": {
		"validate": [
			"medical_devices.medical_devices.overrides.item.validate",
			# Quality: an item bought from the approved supplier list only stays so, unless its keepers change it.
			"medical_devices.md_quality.overrides.item.keep_supplier_control",
			# Hospitals: a device's charge code at each hospital (三码合一) is well formed and that hospital's own.
			"medical_devices.md_hospitals.overrides.item.check_charge_codes",
			# Hospitals: only the regulatory roles put an item under the two-invoice rule or take it out.
			"medical_devices.md_hospitals.overrides.item.guard_two_invoice_rule",
		]
	},
	# GSP: a device batch starts in Quarantine, whatever the client sent, with its first history record.
	"Batch": {
		"before_insert": "medical_devices.gsp.overrides.batch.set_initial_status",
		"after_insert": "medical_devices.gsp.overrides.batch.record_initial_status",
		# Hospitals: the units by expiry at each hospital follow a batch's expiry date.
		"on_update": "medical_devices.md_hospitals.overrides.consignment_stock.keep_batch_expiry",
	},
	# GSP: a submitted inspection releases (Accepted) or blocks (Rejected) a quarantined device batch.
	"Quality Inspection": {
		"on_submit": [
			"medical_devices.gsp.overrides.quality_inspection.apply_quality_inspection",
			# Quality: a rejected device batch is nonconforming product, held until its disposition.
			"medical_devices.md_quality.overrides.quality_inspection.raise_nonconformance",
		]
	},
	"Delivery Note": {
		"validate": [
			# GSP: a device row saved without a batch gets the first-expiring batches that may leave (FEFO) ...
			"medical_devices.gsp.overrides.fefo.pick_device_batches",
			# ... then no unreleased, expired or too-short-dated device batch leaves stock, by any path ...
			"medical_devices.gsp.overrides.outward_stock.validate_stock_document",
			# ... and the customer, its licences and the items' registrations are approved for first business.
			"medical_devices.gsp.overrides.transaction.validate_document_qualification",
			# Quality: product a nonconformance holds in a rejected warehouse leaves only by its disposition.
			"medical_devices.md_quality.overrides.held_stock.refuse_moving_held_stock",
			# Hospitals: consignment stock leaves a hospital's warehouse only as its reported, unbilled use.
			"medical_devices.md_hospitals.overrides.consignment_stock.check_sales_document",
			# Hospitals: a loaner set's contents leave it only by the loan's return; nothing moves while it is out.
			"medical_devices.md_hospitals.overrides.loaner_stock.check_stock_document",
		],
		"on_submit": [
			# Hospitals: no sale to a hospital under the two-invoice rule goes out on a third invoice, or without
			# the purchase invoices that show its chain (checked once the ledger is written, so a refusal rolls
			# the whole submit back).
			"medical_devices.md_hospitals.overrides.two_invoice_rule.check_chain",
			# Recall: a return naming a recall updates its progress.
			"medical_devices.recall.overrides.recall_progress.refresh_linked_recall",
			# Hospitals: the usage reports it bills show what is billed.
			"medical_devices.md_hospitals.overrides.consignment_stock.refresh_usage_billing",
		],
		"on_cancel": [
			"medical_devices.recall.overrides.recall_progress.refresh_linked_recall",
			"medical_devices.md_hospitals.overrides.consignment_stock.refresh_usage_billing",
		],
	},
	"Sales Invoice": {
		"validate": [
			"medical_devices.gsp.overrides.fefo.pick_device_batches",
			"medical_devices.gsp.overrides.outward_stock.validate_stock_document",
			"medical_devices.gsp.overrides.transaction.validate_document_qualification",
			"medical_devices.md_quality.overrides.held_stock.refuse_moving_held_stock",
			"medical_devices.md_hospitals.overrides.consignment_stock.check_sales_document",
			"medical_devices.md_hospitals.overrides.loaner_stock.check_stock_document",
			# Hospitals: the purchase invoices of a row under the two-invoice rule are the server's (on submit).
			"medical_devices.md_hospitals.overrides.two_invoice_rule.clear_purchase_invoices",
		],
		"on_submit": [
			"medical_devices.md_hospitals.overrides.two_invoice_rule.check_chain",
			"medical_devices.md_hospitals.overrides.consignment_stock.refresh_usage_billing",
			"medical_devices.md_hospitals.overrides.loaner_stock.refresh_sets",
		],
		"on_cancel": [
			"medical_devices.md_hospitals.overrides.consignment_stock.refresh_usage_billing",
			"medical_devices.md_hospitals.overrides.loaner_stock.refresh_sets",
		],
	},
	"POS Invoice": {
		"validate": [
			"medical_devices.gsp.overrides.outward_stock.validate_stock_document",
			"medical_devices.md_quality.overrides.held_stock.refuse_moving_held_stock",
			"medical_devices.md_hospitals.overrides.consignment_stock.check_sales_document",
			"medical_devices.md_hospitals.overrides.loaner_stock.check_stock_document",
		],
		"on_submit": "medical_devices.md_hospitals.overrides.two_invoice_rule.check_chain",
	},
	"Pick List": {
		"validate": [
			"medical_devices.gsp.overrides.outward_stock.validate_stock_document",
			"medical_devices.md_quality.overrides.held_stock.refuse_moving_held_stock",
		]
	},
	"Stock Entry": {
		"validate": [
			"medical_devices.gsp.overrides.outward_stock.validate_stock_document",
			"medical_devices.md_quality.overrides.held_stock.refuse_moving_held_stock",
			# Quality: a Manufacture entry makes new device batches (or adds to a quarantined one): its record releases them.
			"medical_devices.md_quality.overrides.manufacture.refuse_making_into_released_batches",
			# Hospitals: a hospital's consignment stock is replenished by a transfer the GSP guard passes for it.
			"medical_devices.md_hospitals.overrides.consignment_stock.check_stock_entry",
			"medical_devices.md_hospitals.overrides.loaner_stock.check_stock_document",
		],
		"on_submit": [
			"medical_devices.recall.overrides.recall_progress.refresh_linked_recall",
			# Hospitals: a loaner set's status follows what its warehouse holds.
			"medical_devices.md_hospitals.overrides.loaner_stock.refresh_sets",
		],
		"on_cancel": [
			"medical_devices.recall.overrides.recall_progress.refresh_linked_recall",
			"medical_devices.md_hospitals.overrides.loaner_stock.refresh_sets",
		],
		# Postings: a Stock Entry one of the app's source documents posted is reversed through that document.
		"before_cancel": "medical_devices.medical_devices.ledger.refuse_cancel_alone",
	},
	"Journal Entry": {
		# Postings: ERPNext's Reverse Journal Entry of a posting of a submitted source is a cancel by another name.
		"validate": "medical_devices.medical_devices.ledger.refuse_reversing_alone",
		"before_cancel": "medical_devices.medical_devices.ledger.refuse_cancel_alone",
	},
	# GSP: the batches a bundle finally takes out pass the same guard; counted stock of a batch that is not
	# Released is corrected by quality staff only.
	"Serial and Batch Bundle": {
		"validate": "medical_devices.gsp.overrides.outward_stock.validate_bundle",
		# Audit: ERPNext creates serial numbers with SQL (bulk insert); the bundle that brings them in records them.
		"on_submit": "medical_devices.audit.trail.record_created_serial_nos",
	},
	# Hospitals: what stands at each hospital is kept as the ledger moves, for the report by hospital.
	"Stock Ledger Entry": {
		# Hospitals: no other document moves consignment stock than those whose rules check it there.
		"before_submit": "medical_devices.md_hospitals.overrides.consignment_stock.refuse_unchecked_movements",
		"on_submit": "medical_devices.md_hospitals.overrides.consignment_stock.keep_hospital_figures",
	},
	# Hospitals: a repost rewrites ledger entries without posting; what it rewrote at a hospital is recomputed.
	"Repost Item Valuation": {
		"on_change": "medical_devices.md_hospitals.overrides.consignment_stock.follow_repost"
	},
	"Stock Reconciliation": {
		"validate": [
			"medical_devices.gsp.overrides.stock_reconciliation.validate_stock_reconciliation",
			# Quality: a count of a rejected warehouse keeps what nonconformances hold there.
			"medical_devices.md_quality.overrides.held_stock.refuse_moving_held_stock",
			# Hospitals: a hospital's stock is counted with a reviewed Consignment Stock Count.
			"medical_devices.md_hospitals.overrides.consignment_stock.refuse_reconciling_consignment",
			"medical_devices.md_hospitals.overrides.loaner_stock.check_stock_document",
		]
	},
	# Quality: a rejected warehouse holding nonconforming product stays one, and is not merged away.
	"Warehouse": {
		"validate": "medical_devices.md_quality.overrides.held_stock.keep_holding_warehouse",
		"before_rename": "medical_devices.md_quality.overrides.held_stock.refuse_merging_holding_warehouse",
	},
	# GSP: first-business approval, party licences and registration certificates on purchases and sales.
	"Purchase Order": {
		"validate": [
			"medical_devices.gsp.overrides.transaction.validate_document_qualification",
			# Quality: items under supplier control come from the approved supplier list only.
			"medical_devices.md_quality.overrides.purchase.refuse_unapproved_suppliers",
		]
	},
	"Purchase Receipt": {
		"validate": [
			"medical_devices.gsp.overrides.transaction.validate_document_qualification",
			"medical_devices.md_quality.overrides.purchase.refuse_unapproved_suppliers",
			# Quality: a purchase return takes held product only as the nonconformance's disposition prepared it.
			"medical_devices.md_quality.overrides.held_stock.refuse_moving_held_stock",
			# Hospitals: goods are received at the company's own warehouse, not at a hospital.
			"medical_devices.md_hospitals.overrides.consignment_stock.refuse_receiving_into_consignment",
			"medical_devices.md_hospitals.overrides.loaner_stock.check_stock_document",
		]
	},
	"Purchase Invoice": {
		"validate": [
			"medical_devices.gsp.overrides.transaction.validate_document_qualification",
			"medical_devices.md_quality.overrides.purchase.refuse_unapproved_suppliers",
			"medical_devices.md_quality.overrides.held_stock.refuse_moving_held_stock",
			"medical_devices.md_hospitals.overrides.consignment_stock.refuse_receiving_into_consignment",
			"medical_devices.md_hospitals.overrides.loaner_stock.check_stock_document",
		],
		# Hospitals: a purchase invoice a sale under the two-invoice rule was checked against stays.
		"before_cancel": "medical_devices.md_hospitals.overrides.two_invoice_rule.keep_checked_purchase_invoices",
	},
	"Sales Order": {"validate": "medical_devices.gsp.overrides.transaction.validate_document_qualification"},
	# GSP: a reviewed party whose identity changes, or that becomes (or stops being) one of the group's own
	# companies, is reviewed again.
	"Customer": {"validate": "medical_devices.gsp.overrides.party.review_again_when_identity_changes"},
	# Hospitals: whose invoice is the first under the two-invoice rule is the regulatory roles' decision.
	"Registration Certificate": {
		"validate": "medical_devices.md_hospitals.overrides.registration_certificate.guard_first_sellers"
	},
	# Hospitals: a reviewed hospital whose address moves it in or out of a province under the two-invoice rule is
	# reviewed again.
	"Address": {
		"validate": "medical_devices.md_hospitals.overrides.address.review_hospitals_again",
		"on_trash": "medical_devices.md_hospitals.overrides.address.review_hospitals_again",
	},
	"Supplier": {"validate": "medical_devices.gsp.overrides.party.review_again_when_identity_changes"},
	# NMPA retention: bulk deletion of a company's transactions would bypass every document's own refusal.
	"Transaction Deletion Record": {
		"before_submit": "medical_devices.nmpa.overrides.retention.refuse_deleting_retained_transactions"
	},
}

app_include_js = [
	"/assets/medical_devices/js/audit_reason.js",
	"/assets/medical_devices/js/gsp_records.js",
	# the barcode scan names the document it fills (a receiving clerk's scan of a new lot creates its batch)
	"/assets/medical_devices/js/scan_context.js",
	# statuses read in their doctype's context (docs/vocabulary.md)
	"/assets/medical_devices/js/select_context.js",
	# texts the app stores (status and trail reasons) read in the reader's language (medical_devices/stored_texts.py)
	"/assets/medical_devices/js/stored_texts.js",
	# the stock forms' item grids: a batch's expiry beside it (medical_devices/gsp/constants/grids.py)
	"/assets/medical_devices/js/stock_grids.js",
	# the quality loop: a CAPA or nonconformance opened from the record it follows
	"/assets/medical_devices/js/quality.js",
]
# The desk reads the audited doctypes and signature rules, and the rules' roles, transitions, meanings and colours,
# from the server (its scripts repeat none of them).
boot_session = ["medical_devices.audit.boot.add_audited_doctypes", "medical_devices.boot.add_desk_rules"]
doctype_list_js = {"Batch": "public/js/batch_list.js"}

doctype_js = {
	"Batch": "public/js/batch.js",
	"Supplier": "public/js/first_business.js",
	"Customer": ["public/js/first_business.js", "public/js/hospital.js"],
	"Item": ["public/js/first_business.js", "public/js/item.js"],
	"Quality Inspection": "public/js/quality_inspection.js",
}

scheduler_events = {
	"daily": [
		"medical_devices.udi.doctype.registration_certificate.registration_certificate.update_certificate_statuses",
		"medical_devices.gsp.doctype.qualification_certificate.qualification_certificate.update_qualification_statuses",
		"medical_devices.gsp.expiry_alerts.run_daily_expiry_check",
		"medical_devices.gsp.expiry_alerts.remind_expiring_certificates",
		"medical_devices.recall.doctype.device_recall.device_recall.flag_overdue_recalls",
		"medical_devices.nmpa.doctype.adverse_event_report.adverse_event_report.flag_overdue_reports",
		"medical_devices.audit.anchor.export_daily",
		"medical_devices.md_quality.alerts.alert_complaint_trends",
		"medical_devices.md_quality.doctype.capa.capa.alert_overdue",
	],
	"daily_long": [
		"medical_devices.md_finance.doctype.ledger_reconciliation.ledger_reconciliation.reconcile_every_company",
		"medical_devices.md_finance.kpis.refresh_every_company",
		"medical_devices.md_hospitals.consignment_balance.check_every_company",
	],
	"weekly_long": [
		"medical_devices.md_finance.doctype.cash_forecast.cash_forecast.make_weekly_forecasts",
	],
}

# One scan of a UDI fills the row (item via DI, batch, serial); other barcodes fall back to ERPNext's lookup.
override_whitelisted_methods = {
	"erpnext.stock.utils.scan_barcode": "medical_devices.udi.scanning.scan_barcode",
	# Audit: report exports are logged in Frappe's Access Log (v15 logs list exports only).
	"frappe.desk.query_report.export_query": "medical_devices.audit.access_log.export_query",
	# Audit: ERPNext endpoints that check no permission or write with SQL, held to the document rules.
	"erpnext.stock.doctype.delivery_note.delivery_note.update_delivery_note_status": (
		"medical_devices.audit.overrides.endpoints.update_delivery_note_status"
	),
	"erpnext.stock.doctype.purchase_receipt.purchase_receipt.update_purchase_receipt_status": (
		"medical_devices.audit.overrides.endpoints.update_purchase_receipt_status"
	),
	"erpnext.selling.doctype.sales_order.sales_order.update_status": (
		"medical_devices.audit.overrides.endpoints.update_sales_order_status"
	),
	"erpnext.buying.doctype.purchase_order.purchase_order.update_status": (
		"medical_devices.audit.overrides.endpoints.update_purchase_order_status"
	),
	"erpnext.selling.page.point_of_sale.point_of_sale.set_customer_info": (
		"medical_devices.audit.overrides.endpoints.set_customer_info"
	),
	"erpnext.accounts.doctype.purchase_invoice.purchase_invoice.change_release_date": (
		"medical_devices.audit.overrides.endpoints.change_release_date"
	),
	"erpnext.accounts.doctype.purchase_invoice.purchase_invoice.block_invoice": (
		"medical_devices.audit.overrides.endpoints.block_invoice"
	),
	"erpnext.accounts.doctype.purchase_invoice.purchase_invoice.unblock_invoice": (
		"medical_devices.audit.overrides.endpoints.unblock_invoice"
	),
	"erpnext.stock.doctype.serial_and_batch_bundle.serial_and_batch_bundle.update_serial_or_batch": (
		"medical_devices.audit.overrides.endpoints.update_serial_or_batch"
	),
}

# Postings (medical_devices/medical_devices/ledger.py): each source document of the app that posts to the ledger,
# and the link field its Journal Entry and Stock Entry carry back to it. A new one posts through that module.
md_posting_sources = {
	"Recall Cost Entry": "md_recall_cost_entry",
	"Quality Cost Entry": "md_quality_cost_entry",
	"Device Write Off": "md_device_write_off",
	"Device Nonconformance": "md_device_nonconformance",
	"Consignment Stock Count": "md_consignment_stock_count",
	"Loaner Set Loan": "md_loaner_set_loan",
}

# GSP: rules that may refuse a batch's release (medical_devices/gsp/batch_status.py): a manufactured device batch is
# released by the signed approval of its batch record only.
md_release_rules = ["medical_devices.md_quality.batch_records.release_refusal"]

# Signatures: actions that are signed whatever Medical Device Settings' rules say (medical_devices/audit/signature.py):
# a nonconformance's disposition, a CAPA's closure, a batch record's release.
md_signed_actions = {
	"Device Nonconformance": ["Submit"],
	"CAPA": ["Submit"],
	"Device Batch Record": ["Submit"],
}

# Print formats call this to draw GS1-128 UDI symbols.
jinja = {
	"methods": [
		"medical_devices.udi.labels.udi_label",
		"medical_devices.recall.forms.recall_form_data",
		# the 随货同行单 of a delivery: its device rows as the GSP records list them
		"medical_devices.nmpa.gsp_records.accompanying_list",
		"medical_devices.audit.signature.signatures_of",
		"medical_devices.personal_data.readable_patient",
		# Chinese forms: amounts in capitals (人民币玖佰陆拾元整), formal dates (2026年11月29日), dates in the site's format
		"medical_devices.chinese_forms.amount_in_capitals",
		"medical_devices.chinese_forms.formal_date",
		"medical_devices.chinese_forms.printed_date",
		"medical_devices.chinese_forms.quantity",
		# the purchase invoices of a hospital's invoice under the two-invoice rule (两票制)
		"medical_devices.md_hospitals.two_invoice.invoice_chain",
		# the units a hospital receives with their three codes: UDI, the hospital's charge code, the NHSA code
		"medical_devices.md_hospitals.three_codes.document_rows",
	]
}

# Personal data (PIPL, GDPR): the fields that hold it, kept only in doctypes that the regulatory and quality roles
# alone can read; the trail and the version history keep keyed hashes of them (medical_devices/personal_data.py).
md_personal_fields = {
	"Patient Record": [
		"patient_name",
		"patient_age",
		"patient_sex",
		"medical_record_no",
		"intended_treatment",
	],
}
has_permission = {
	"Patient Record": "medical_devices.personal_data.has_permission",
	# Least privilege: an audit entry or a signature is read by those who may read the record it is about.
	"Audit Trail Entry": "medical_devices.access.may_read_referenced",
	"Electronic Signature": "medical_devices.access.may_read_referenced",
	"Signature Attempt": "medical_devices.access.may_read_referenced",
}
permission_query_conditions = {
	"Audit Trail Entry": "medical_devices.access.trail_query",
	"Electronic Signature": "medical_devices.access.signature_query",
	"Signature Attempt": "medical_devices.access.signature_attempt_query",
	"Patient Record": "medical_devices.personal_data.patient_list_query_conditions",
	"Adverse Event Report": "medical_devices.personal_data.linked_patient_query_conditions",
}

# Regulated records (medical_devices/audit/scope.py): this app's own, and the core records each domain's rules make
# regulated. They need a reason to change and are never deleted. Other apps may add theirs.
md_regulated_records = {
	"Item": "medical_devices.devices.is_device_item",
	"Batch": "medical_devices.devices.of_device",
	"Serial No": "medical_devices.devices.of_device",
	"Quality Inspection": "medical_devices.devices.of_device",
	"Purchase Order": "medical_devices.devices.moves_devices",
	"Purchase Receipt": "medical_devices.devices.moves_devices",
	"Purchase Invoice": "medical_devices.devices.moves_devices",
	"Sales Order": "medical_devices.devices.moves_devices",
	"Delivery Note": "medical_devices.devices.moves_devices",
	"Sales Invoice": "medical_devices.devices.moves_devices",
	"POS Invoice": "medical_devices.devices.moves_devices",
	"Stock Entry": [
		"medical_devices.devices.moves_devices",
		# Postings: a Material Issue one of the app's source documents posted (a recall's replacement product)
		"medical_devices.medical_devices.ledger.is_posting",
	],
	"Stock Reconciliation": "medical_devices.devices.moves_devices",
	"Pick List": "medical_devices.devices.moves_devices",
	# GSP: a supplier or customer once reviewed for first business, or with a licence on file
	"Supplier": "medical_devices.gsp.qualification.is_reviewed_party",
	"Customer": "medical_devices.gsp.qualification.is_reviewed_party",
	# Postings: the journals of the app's source documents, and any journal booked to a recall
	"Journal Entry": [
		"medical_devices.medical_devices.ledger.is_posting",
		"medical_devices.recall.ledger.carries_recall",
	],
}

# Audit: ERPNext doctypes whose records the trail covers (other apps may add theirs; this app's own doctypes and
# those chosen in Medical Device Settings are added at run time).
md_audited_doctypes = [
	"Item",
	"Batch",
	"Serial No",
	"Purchase Order",
	"Purchase Receipt",
	"Sales Order",
	"Delivery Note",
	"Stock Entry",
	"Stock Reconciliation",
	"Sales Invoice",
	"Purchase Invoice",
	"Journal Entry",
	"Quality Inspection",
	"Supplier",
	"Customer",
	"Warehouse",
]

# Audit: fields of audited records that ERPNext rewrites with SQL as a consequence of other documents (outside the
# document API, so no entry can see them): left out of the content the trail hashes, each with its reason in
# docs/audit.md. Everything else stored is hashed. Other apps may add theirs.
md_audit_rewritten_fields = {
	"Batch": ["batch_qty", "reference_doctype", "reference_name"],
	"Item": ["last_purchase_rate", "default_bom"],
	"Customer": ["primary_address", "loyalty_program_tier"],
	"Supplier": ["prevent_pos", "prevent_rfqs", "warn_pos", "warn_rfqs"],
	"Sales Invoice": ["status", "is_discounted"],
	"Purchase Invoice": ["status"],
	"Journal Entry": ["clearance_date", "inter_company_journal_entry_reference"],
	"Serial No": [
		"warehouse",
		"status",
		"company",
		"customer",
		"batch_no",
		"purchase_document_no",
		"purchase_rate",
		"warranty_expiry_date",
		"warranty_period",
		"maintenance_status",
	],
	"Stock Entry": ["total_incoming_value", "total_outgoing_value", "value_difference", "total_amount"],
	"Stock Entry Detail": ["basic_rate", "basic_amount", "additional_cost", "valuation_rate", "amount"],
	"Purchase Receipt Item": ["landed_cost_voucher_amount", "valuation_rate"],
	"Purchase Invoice Item": ["landed_cost_voucher_amount", "valuation_rate"],
	"Delivery Note Item": ["incoming_rate"],
	"Sales Invoice Item": ["incoming_rate"],
	"Packed Item": ["incoming_rate"],
}

# The trail refers to documents by name forever; that must not stop deleting a record that may be deleted.
ignore_links_on_delete = ["Audit Trail Entry"]
