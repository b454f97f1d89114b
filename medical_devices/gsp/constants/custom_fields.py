from frappe.desk.page.setup_wizard.install_fixtures import _  # marks labels for translation, stores English

from medical_devices.gsp.constants.grids import GRID_COLUMNS
from medical_devices.gsp.rules import BATCH_STATUSES

FIRST_BUSINESS_STATUSES = ("Pending", "Approved", "Rejected")


def first_business_fields(insert_after: str, depends_on: str | None = None) -> list[dict]:
	"""首营企业 / 首营品种: the approval a new supplier, customer or device item needs before it may transact."""
	section = {
		"fieldname": "md_first_business_section",
		"label": _("First-Business Approval (GSP)"),
		"fieldtype": "Section Break",
		"insert_after": insert_after,
		"collapsible": 1,
	}
	if depends_on:
		section["depends_on"] = depends_on
	return [
		section,
		{
			"fieldname": "md_first_business_status",
			"label": _("First-Business Status"),
			"fieldtype": "Select",
			"options": "\n".join(FIRST_BUSINESS_STATUSES),
			"default": "Pending",
			"read_only": 1,
			"insert_after": "md_first_business_section",
			"in_standard_filter": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "md_first_business_approved_by",
			"label": _("First-Business Reviewed By"),
			"fieldtype": "Link",
			"options": "User",
			"read_only": 1,
			"insert_after": "md_first_business_status",
			"no_copy": 1,
		},
		{
			"fieldname": "md_first_business_column",
			"fieldtype": "Column Break",
			"insert_after": "md_first_business_approved_by",
		},
		{
			"fieldname": "md_first_business_approved_on",
			"label": _("First-Business Reviewed On"),
			"fieldtype": "Datetime",
			"read_only": 1,
			"insert_after": "md_first_business_column",
			"no_copy": 1,
		},
		{
			"fieldname": "md_first_business_remarks",
			"label": _("First-Business Review Remarks"),
			"fieldtype": "Small Text",
			"read_only": 1,
			"insert_after": "md_first_business_approved_on",
			"no_copy": 1,
		},
	]


def expiry_field() -> dict:
	"""The batch's expiry beside the batch on the stock forms' item grids (medical_devices/gsp/constants/grids.py)."""
	return {
		"fieldname": "md_expiry_date",
		"label": _("Expiry Date"),
		"fieldtype": "Date",
		"fetch_from": "batch_no.expiry_date",
		"read_only": 1,
		"insert_after": "batch_no",
		"no_copy": 1,
	}


def shelf_life_field(insert_after: str, depends_on: str | None = None) -> dict:
	field = {
		"fieldname": "md_min_remaining_shelf_life_days",
		"label": _("Minimum Remaining Shelf Life at Sale (Days)"),
		"fieldtype": "Int",
		"non_negative": 1,
		"insert_after": insert_after,
		"description": _(
			"Batches with less shelf life left on the posting date cannot be delivered; 0 uses the default."
		),
	}
	if depends_on:
		field["depends_on"] = depends_on
	return field


CUSTOM_FIELDS = {
	"Batch": [
		{
			"fieldname": "md_gsp_section",
			"label": _("GSP Status"),
			"fieldtype": "Section Break",
			"insert_after": "produced_qty",
		},
		{
			"fieldname": "md_batch_status",
			"label": _("Batch Status"),
			"fieldtype": "Select",
			"options": "\n" + "\n".join(BATCH_STATUSES),
			"read_only": 1,
			"in_list_view": 1,
			"in_standard_filter": 1,
			"insert_after": "md_gsp_section",
			"no_copy": 1,
			"description": _(
				"Only Released batches may leave stock. Change it with the buttons under Batch Status."
			),
		},
		{
			"fieldname": "md_status_reason",
			"label": _("Status Reason"),
			"fieldtype": "Small Text",
			"read_only": 1,
			"insert_after": "md_batch_status",
			"no_copy": 1,
		},
		{
			"fieldname": "md_gsp_column",
			"fieldtype": "Column Break",
			"insert_after": "md_status_reason",
		},
		{
			"fieldname": "md_status_changed_by",
			"label": _("Status Changed By"),
			"fieldtype": "Link",
			"options": "User",
			"read_only": 1,
			"insert_after": "md_gsp_column",
			"no_copy": 1,
		},
		{
			"fieldname": "md_status_changed_on",
			"label": _("Status Changed On"),
			"fieldtype": "Datetime",
			"read_only": 1,
			"insert_after": "md_status_changed_by",
			"no_copy": 1,
		},
		{
			"fieldname": "md_expiry_alert_window",
			"label": _("Expiry Alert Window (Days)"),
			"fieldtype": "Int",
			"read_only": 1,
			"insert_after": "md_status_changed_on",
			"no_copy": 1,
			"description": _(
				"The narrowest near-expiry window this batch has entered; set by the daily job."
			),
		},
	],
	"Item": [
		shelf_life_field("md_storage_temperature_max", depends_on="eval:doc.md_is_medical_device"),
		{
			"fieldname": "md_classification_code",
			"label": _("Classification Code"),
			"fieldtype": "Data",
			"insert_after": "md_min_remaining_shelf_life_days",
			"depends_on": "eval:doc.md_is_medical_device",
			"description": _(
				"Device classification catalogue code, e.g. 14-01; licences must cover its category (14)."
			),
		},
		*first_business_fields("md_default_di", depends_on="eval:doc.md_is_medical_device"),
	],
	"Customer": [
		*first_business_fields("customer_details"),
		shelf_life_field("md_first_business_remarks"),
	],
	"Supplier": first_business_fields("supplier_details"),
	"Warehouse": [
		{
			"fieldname": "md_is_quarantine_warehouse",
			"label": _("Is Quarantine Warehouse"),
			"fieldtype": "Check",
			"insert_after": "is_rejected_warehouse",
			"description": _("Batches that are not released may be moved here (待验区 / 不合格品区)."),
		},
		{
			"fieldname": "md_temperature_min",
			"label": _("Storage Temperature Min (°C)"),
			"fieldtype": "Float",
			"insert_after": "md_is_quarantine_warehouse",
		},
		{
			"fieldname": "md_temperature_max",
			"label": _("Storage Temperature Max (°C)"),
			"fieldtype": "Float",
			"insert_after": "md_temperature_min",
		},
	],
	**{table: [expiry_field()] for table in GRID_COLUMNS},
	"Stock Entry": [
		{
			"fieldname": "md_is_disposal",
			"label": _("Device Disposal"),
			"fieldtype": "Check",
			"insert_after": "inspection_required",
			"depends_on": "eval:doc.purpose=='Material Issue'",
			"description": _("Destruction of blocked, recalled or expired device batches; QA roles only."),
		},
	],
}
