"""The one place where tests and benchmarks build their records: companies' warehouses, items, batches, parties,
users, and what lets device items trade under the GSP rules (licences, first-business approval, registration).

Every record is named _Test MD ... and made idempotently. A test module builds what it needs through these in its
own module-scoped fixture, and imports nothing from another test module.
"""

import contextlib

import frappe
from frappe.utils import add_days, today

LICENCES_FOR = {
	"Class I": (),
	"Class II": ("Class II Distribution Filing",),
	"Class III": ("Distribution Licence",),
}


def qualify_party(party_type: str, party: str, classes=("Class II", "Class III"), valid_to=None):
	"""A business licence and the distribution licences the classes need, valid for years; then approval."""
	valid_to = valid_to or add_days(today(), 1500)
	add_licence(party_type, party, "Business Licence", f"BL-{party}", valid_to=valid_to)
	for device_class in classes:
		for licence_type in LICENCES_FOR[device_class]:
			add_licence(
				party_type,
				party,
				licence_type,
				f"{licence_type[:4]}-{party}",
				valid_to=valid_to,
				**{f"covers_class_{device_class.split()[-1].lower()}": 1},
			)
	approve_first_business(party_type, party)


def add_licence(party_type, party, licence_type, number, valid_from=None, valid_to=None, **fields):
	existing = frappe.db.get_value(
		"Qualification Certificate", {"party_type": party_type, "party": party, "certificate_number": number}
	)
	if existing:
		return frappe.get_doc("Qualification Certificate", existing)
	return frappe.get_doc(
		{
			"doctype": "Qualification Certificate",
			"party_type": party_type,
			"party": party,
			"licence_type": licence_type,
			"certificate_number": number,
			"issuer": "Test MPA",
			"valid_from": valid_from or add_days(today(), -400),
			"valid_to": valid_to,
			**fields,
		}
	).insert(ignore_permissions=True)


def approve_first_business(doctype: str, name: str):
	"""Approved through the app's one writer of the approval (the review's own checks are the tests' business)."""
	from medical_devices.gsp.qualification import record_first_business_decision

	if frappe.db.get_value(doctype, name, "md_first_business_status") != "Approved":
		record_first_business_decision(doctype, name, "Approved", "Approved for the test")


def register_item(item_code: str, device_class: str = "Class II", expiry=None, approval=None):
	"""A registration (or Class I filing) certificate covering the item, and its first-business approval."""
	number = f"_Test MD Reg {item_code}"
	if not frappe.db.exists("Registration Certificate", number):
		frappe.get_doc(
			{
				"doctype": "Registration Certificate",
				"certificate_number": number,
				"certificate_type": "Filing Certificate"
				if device_class == "Class I"
				else "Registration Certificate",
				"device_class": device_class,
				"holder": "Test Registrant",
				"product_name": item_code,
				"approval_date": approval or add_days(today(), -400),
				"expiry_date": None if device_class == "Class I" else (expiry or add_days(today(), 1500)),
				"items": [{"item": item_code}],
			}
		).insert(ignore_permissions=True)
	approve_first_business("Item", item_code)
	return number


def release(batch: str, reason: str = "Released for the test"):
	from medical_devices.gsp.batch_status import set_batch_status

	set_batch_status(batch, "Released", reason, check_role=False)


def ensure_item(item_code: str, device_class: str | None = "Class II", **fields) -> str:
	"""A stock item tracked by batch, a medical device of `device_class` unless that is None."""
	if not frappe.db.exists("Item", item_code):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": item_code,
				"item_group": frappe.db.get_value("Item Group", {"is_group": 0}),
				"stock_uom": "Nos",
				"is_stock_item": 1,
				"has_batch_no": 1,
				"md_is_medical_device": 1 if device_class else 0,
				"md_device_class": device_class,
				**fields,
			}
		).insert()
	return item_code


def ensure_party(doctype: str, name: str) -> str:
	"""A Supplier or Customer of that name, in the first group (and territory) the site has."""
	if not frappe.db.exists(doctype, name):
		if doctype == "Supplier":
			extra = {
				"supplier_name": name,
				"supplier_group": frappe.db.get_value("Supplier Group", {"is_group": 0}),
			}
		else:
			extra = {
				"customer_name": name,
				"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0}),
				"territory": frappe.db.get_value("Territory", {"is_group": 0}),
			}
		frappe.get_doc({"doctype": doctype, **extra}).insert()
	return name


def set_settings(**values):
	"""Change Medical Device Settings as an administrator would (with a reason, in the trail)."""
	settings_doc = frappe.get_single("Medical Device Settings")
	if all(settings_doc.get(field) == value for field, value in values.items()):
		return
	settings_doc.update(values)
	settings_doc.md_reason = "Changed for a test"
	settings_doc.save()
	frappe.clear_document_cache("Medical Device Settings", "Medical Device Settings")


@contextlib.contextmanager
def settings(**values):
	"""Medical Device Settings changed for the block, then put back."""
	before = {field: frappe.db.get_single_value("Medical Device Settings", field) for field in values}
	set_settings(**values)
	try:
		yield
	finally:
		set_settings(**before)


def ensure_warehouse(warehouse_name: str, beside: str, **fields) -> str:
	"""A warehouse of `beside`'s company under the same parent; returns its full name."""
	company, parent = frappe.db.get_value("Warehouse", beside, ["company", "parent_warehouse"])
	name = f"{warehouse_name} - {frappe.db.get_value('Company', company, 'abbr')}"
	if not frappe.db.exists("Warehouse", name):
		frappe.get_doc(
			{
				"doctype": "Warehouse",
				"warehouse_name": warehouse_name,
				"company": company,
				"parent_warehouse": parent,
				**fields,
			}
		).insert()
	return name


def ensure_user(email: str, *roles: str) -> str:
	"""A desk user holding at least `roles`."""
	if not frappe.db.exists("User", email):
		frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": email.split("@")[0], "send_welcome_email": 0}
		).insert()
	frappe.get_doc("User", email).add_roles(*roles)
	return email


def first_company() -> str:
	"""The test site's first company (ERPNext's test company, whatever companies the demo adds later)."""
	return frappe.get_all("Company", order_by="creation asc", limit=1, pluck="name")[0]


def first_company_stores() -> tuple[str, str]:
	"""The test company and its Stores warehouse."""
	company = first_company()
	return company, frappe.db.get_value(
		"Warehouse", {"company": company, "is_group": 0, "warehouse_name": "Stores"}
	)


def new_batch(item_code: str, prefix: str, expiry_days: int | None = 300) -> "frappe.model.document.Document":
	"""A batch of the item with a unique ID starting with `prefix`."""
	from frappe.utils import add_days, today

	return frappe.get_doc(
		{
			"doctype": "Batch",
			"item": item_code,
			"batch_id": f"{prefix}-{frappe.generate_hash(length=6)}",
			"expiry_date": add_days(today(), expiry_days) if expiry_days else None,
		}
	).insert(ignore_permissions=True)


def material_receipt(batch, qty: float, rate: float = 10, submit: bool = True):
	"""A Material Receipt of `qty` units of the batch into the first company's Stores."""
	company, warehouse = first_company_stores()
	frappe.flags.pop("warehouse_account_map", None)
	entry = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Receipt",
			"purpose": "Material Receipt",
			"company": company,
			"items": [
				{
					"item_code": batch.item,
					"qty": qty,
					"basic_rate": rate,
					"t_warehouse": warehouse,
					"batch_no": batch.name,
					"use_serial_batch_fields": 1,
				}
			],
		}
	).insert()
	if submit:
		entry.submit()
	return entry


def adverse_event_report(item_code: str, aware_at, severity: str = "Serious Injury", **fields):
	"""An unsaved Adverse Event Report of the device, learned of at `aware_at`."""
	return frappe.get_doc(
		{
			"doctype": "Adverse Event Report",
			"company": first_company(),
			"aware_at": aware_at,
			"severity": severity,
			"event_manifestation": "导管断裂 Catheter fractured",
			"item_code": item_code,
			**fields,
		}
	)
