"""Records that let device items trade under the GSP rules: licences, first-business approval, registration.

Used by integration tests and benchmarks; every record is named _Test MD ... and made idempotently.
"""

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
	frappe.db.set_value(
		doctype,
		name,
		{
			"md_first_business_status": "Approved",
			"md_first_business_approved_by": "Administrator",
			"md_first_business_approved_on": frappe.utils.now_datetime(),
		},
	)


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
