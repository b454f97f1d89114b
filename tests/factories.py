"""The one place where tests and benchmarks build their records: companies' warehouses, items, batches, parties,
users, and what lets device items trade under the GSP rules (licences, first-business approval, registration).

Every record is named _Test MD ... and made idempotently. A test module builds what it needs through these in its
own module-scoped fixture, and imports nothing from another test module.
"""

import contextlib

import frappe
from frappe.utils import add_days, flt, today

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
		record_first_business_decision(doctype, name, "Approved", "Approved for the test", check_role=False)


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


def ensure_uom(uom: str) -> str:
	"""A unit of measure of that name."""
	if not frappe.db.exists("UOM", uom):
		frappe.get_doc({"doctype": "UOM", "uom_name": uom}).insert()
	return uom


def ensure_device_identifier(
	di: str, item_code: str, package_level: str = "Minimum Sales Unit", base_quantity: float = 1, **fields
) -> str:
	"""A GS1 device identifier (DI) of the item at the package level."""
	if not frappe.db.exists("UDI Device Identifier", di):
		frappe.get_doc(
			{
				"doctype": "UDI Device Identifier",
				"di": di,
				"issuing_agency": "GS1",
				"item": item_code,
				"package_level": package_level,
				"base_quantity": base_quantity,
				**fields,
			}
		).insert()
	return di


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


def ensure_user(email: str, *roles: str, first_name: str | None = None, language: str | None = None) -> str:
	"""A desk user holding at least `roles` (given back each time: a reinstall of the app drops its roles)."""
	if not frappe.db.exists("User", email):
		user = {
			"doctype": "User",
			"email": email,
			"first_name": first_name or email.split("@")[0],
			"send_welcome_email": 0,
		}
		if language:
			user["language"] = language
		frappe.get_doc(user).insert(ignore_permissions=True)
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


def company_stores() -> "frappe._dict":
	"""The test company and its Stores warehouse, as `.company` and `.stores`: worked out from the site each time,
	so that a module's helpers need no context kept between calls."""
	company, stores = first_company_stores()
	return frappe._dict(company=company, stores=stores)


def company_warehouse(warehouse_name: str, company: str | None = None) -> str:
	"""The full name of a warehouse of the company (the test company unless given), as ensure_warehouse names it."""
	company = company or first_company()
	return f"{warehouse_name} - {frappe.get_cached_value('Company', company, 'abbr')}"


def submit(doc: dict, company: str | None = None):
	"""Insert and submit a document of the company (the test company unless given)."""
	doc = frappe.get_doc({"company": company or first_company(), **doc})
	doc.insert()
	doc.submit()
	return doc


def outgoing_email_account():
	"""A default outgoing account, stored without the SMTP login Email Account.validate would attempt."""
	if frappe.db.exists("Email Account", "_Test MD Outgoing"):
		return
	account = frappe.get_doc(
		{
			"doctype": "Email Account",
			"email_account_name": "_Test MD Outgoing",
			"email_id": "md-outgoing@example.com",
			"enable_outgoing": 1,
			"default_outgoing": 1,
			"smtp_server": "localhost",
		}
	)
	account.db_insert()


BROKEN_VOUCHER = "MD-BROKEN-0001"


def inject_gl(
	account: str,
	debit: float = 0,
	credit: float = 0,
	voucher_no: str = BROKEN_VOUCHER,
	company: str | None = None,
):
	"""A GL row no document explains, written past every controller, as a faulty script or import would; in the
	account's company unless told."""
	company = company or frappe.db.get_value("Account", account, "company")
	template = frappe.db.get_value("GL Entry", {"company": company, "is_cancelled": 0}, "*", as_dict=True)
	row = dict(template)
	row.update(
		name=frappe.generate_hash(length=12),
		account=account,
		debit=debit,
		credit=credit,
		debit_in_account_currency=debit,
		credit_in_account_currency=credit,
		voucher_type="Journal Entry",
		voucher_no=voucher_no,
		against_voucher_type=None,
		against_voucher=None,
		party_type=None,
		party=None,
	)
	columns = [c for c in row if c in frappe.db.get_table_columns("GL Entry")]
	frappe.db.sql(
		f"insert into `tabGL Entry` ({', '.join(f'`{c}`' for c in columns)}) values ({', '.join(['%s'] * len(columns))})",
		[row[c] for c in columns],
	)


# --- the traceability story: two component batches received, repacked into a finished batch, sold to three
# customers, one of whom returns part of it (traceability, recall and cost tests build on it) -------------------

TRACE_COMPONENT = "_Test MD Trace Component"
TRACE_FINISHED = "_Test MD Trace Finished"
TRACE_SUPPLIER = "_Test MD Trace Supplier"
TRACE_CUSTOMERS = ["_Test MD Trace Hospital A", "_Test MD Trace Hospital B", "_Test MD Trace Distributor C"]


def trace_masters():
	"""The story's registered items and its qualified supplier and customers, committed (a module fixture's job)."""
	for code in (TRACE_COMPONENT, TRACE_FINISHED):
		register_item(ensure_item(code, valuation_rate=10))
	qualify_party("Supplier", ensure_party("Supplier", TRACE_SUPPLIER))
	for name in TRACE_CUSTOMERS:
		qualify_party("Customer", ensure_party("Customer", name))
	frappe.db.commit()  # nosemgrep: shared by a module's tests, each of which rolls back its own work


def named_batch(batch_id: str, item: str, expiry_days: int = 700) -> str:
	"""A batch with exactly this ID, expiring in `expiry_days`; returns its name."""
	return (
		frappe.get_doc(
			{
				"doctype": "Batch",
				"batch_id": batch_id,
				"item": item,
				"expiry_date": add_days(today(), expiry_days),
			}
		)
		.insert()
		.name
	)


def trace_story():
	"""The story's documents, submitted in the test company's Stores (the masters must exist: trace_masters)."""
	from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_return

	stores = company_stores().stores
	lot_a, lot_b = named_batch("TRACE-A", TRACE_COMPONENT), named_batch("TRACE-B", TRACE_COMPONENT)
	receipt = submit(
		{
			"doctype": "Purchase Receipt",
			"supplier": TRACE_SUPPLIER,
			"items": [
				{
					"item_code": TRACE_COMPONENT,
					"qty": 50,
					"rate": 4,
					"warehouse": stores,
					"batch_no": lot_a,
					"use_serial_batch_fields": 1,
				},
				{
					"item_code": TRACE_COMPONENT,
					"qty": 30,
					"rate": 4,
					"warehouse": stores,
					"batch_no": lot_b,
					"use_serial_batch_fields": 1,
				},
			],
		}
	)
	release(lot_a), release(lot_b)
	finished = named_batch("TRACE-F", TRACE_FINISHED)
	made = submit(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Repack",
			"purpose": "Repack",
			"items": [
				{
					"item_code": TRACE_COMPONENT,
					"qty": 20,
					"s_warehouse": stores,
					"batch_no": lot_a,
					"use_serial_batch_fields": 1,
				},
				{
					"item_code": TRACE_COMPONENT,
					"qty": 10,
					"s_warehouse": stores,
					"batch_no": lot_b,
					"use_serial_batch_fields": 1,
				},
				{
					"item_code": TRACE_FINISHED,
					"qty": 10,
					"t_warehouse": stores,
					"batch_no": finished,
					"use_serial_batch_fields": 1,
					"is_finished_item": 1,
				},
			],
		}
	)
	release(finished)
	notes = [
		submit(
			{
				"doctype": "Delivery Note",
				"customer": customer,
				"items": [
					{
						"item_code": TRACE_FINISHED,
						"qty": qty,
						"rate": 50,
						"warehouse": stores,
						"batch_no": finished,
						"use_serial_batch_fields": 1,
					}
				],
			}
		)
		for customer, qty in zip(TRACE_CUSTOMERS, (4, 3, 2), strict=True)
	]
	ret = make_sales_return(notes[0].name)
	ret.items[0].qty = -1
	ret.insert()
	ret.submit()
	return frappe._dict(
		lot_a=lot_a, lot_b=lot_b, finished=finished, receipt=receipt, made=made, notes=notes, ret=ret
	)


def device_recall(batches, recall_class: str = "Class I Recall", **fields):
	"""An unsaved Device Recall of the batches by the test company, started on a Friday."""
	return frappe.get_doc(
		{
			"doctype": "Device Recall",
			"company": first_company(),
			"recall_class": recall_class,
			"start_date": "2026-11-27",  # a Friday
			"reason": "Seal of the sterile barrier may open",
			"batches": [{"batch": batch} for batch in batches],
			**fields,
		}
	)


# --- supplier control: the approved supplier list and supplier audits (medical_devices/md_quality) ---------------


def ensure_item_group(name: str, parent: str = "All Item Groups") -> str:
	"""An item group (not a group of groups) of that name under `parent`."""
	if not frappe.db.exists("Item Group", name):
		frappe.get_doc(
			{"doctype": "Item Group", "item_group_name": name, "parent_item_group": parent, "is_group": 0}
		).insert()
	return name


def approved_supplier(
	supplier: str,
	item_code: str | None = None,
	item_group: str | None = None,
	status: str | None = "Approved",
	conditions: str | None = None,
):
	"""The supplier's entry on the approved supplier list for the item (or item group), with `status` decided
	through the app's one writer of the decision (None: left pending)."""
	from medical_devices.md_quality.doctype.approved_supplier.approved_supplier import qualify_supplier

	scope = (
		{"scope": "Item", "item_code": item_code}
		if item_code
		else {"scope": "Item Group", "item_group": item_group}
	)
	name = frappe.db.get_value(
		"Approved Supplier", {"supplier": supplier, **{k: v for k, v in scope.items() if k != "scope"}}
	)
	if not name:
		name = frappe.get_doc({"doctype": "Approved Supplier", "supplier": supplier, **scope}).insert().name
	current = frappe.db.get_value("Approved Supplier", name, ["status", "conditions"], as_dict=True)
	if status and (current.status, current.conditions or None) != (status, conditions):
		qualify_supplier(name, status, f"{status} for the test", conditions)
	return frappe.get_doc("Approved Supplier", name)


def supplier_audit(
	supplier: str,
	score: float = 90,
	result: str = "Approved",
	audit_date=None,
	next_audit_due=None,
	submit: bool = True,
	**fields,
):
	"""A Supplier Audit of the supplier done on `audit_date` (today unless given), next due a year later unless
	given; submitted unless told (a draft is a planned audit). The same audit asked for again is the one made."""
	audit_date = audit_date or today()
	if next_audit_due is None and result != "Disqualified":
		next_audit_due = add_days(audit_date, 365)
	key = {"supplier": supplier, "audit_date": audit_date, "score": score, "result": result, "docstatus": 1}
	existing = submit and frappe.db.get_value("Supplier Audit", key)
	if existing:
		return frappe.get_doc("Supplier Audit", existing)
	doc = frappe.get_doc(
		{
			"doctype": "Supplier Audit",
			"supplier": supplier,
			"company": first_company(),
			"audit_type": "Periodic",
			"planned_date": audit_date,
			"audit_date": audit_date,
			"auditor": "Administrator",
			"score": score,
			"result": result,
			"next_audit_due": next_audit_due,
			**fields,
		}
	).insert()
	if submit:
		doc.submit()
	return doc


# --- the quality loop: manufacture by Work Order, inspections, rejected stock ------------------------------------


def ensure_bom(item_code: str, components: dict[str, float]) -> str:
	"""The item's active default BOM of these components (per unit), submitted."""
	existing = frappe.db.get_value("BOM", {"item": item_code, "is_default": 1, "docstatus": 1})
	if existing:
		return existing
	bom = frappe.get_doc(
		{
			"doctype": "BOM",
			"item": item_code,
			"company": first_company(),
			"quantity": 1,
			"is_active": 1,
			"is_default": 1,
			"rm_cost_as_per": "Valuation Rate",
			"items": [{"item_code": code, "qty": qty, "rate": 4} for code, qty in components.items()],
		}
	)
	bom.insert()
	bom.submit()
	return bom.name


def manufacture(
	item_code: str, qty: float, inputs: list[tuple[str, str, float]], batch_id: str | None = None
):
	"""A submitted Work Order of `qty` units and its Manufacture entry consuming `inputs` ([(item, batch, qty)])
	from Stores into a new batch of the item; returns {work_order, entry, batch}."""
	from erpnext.manufacturing.doctype.work_order.work_order import make_stock_entry

	stores = company_stores().stores
	bom = ensure_bom(item_code, {code: flt_qty / qty for code, _batch, flt_qty in inputs[:1]})
	work_order = frappe.get_doc(
		{
			"doctype": "Work Order",
			"production_item": item_code,
			"bom_no": bom,
			"qty": qty,
			"company": first_company(),
			"skip_transfer": 1,
			"source_warehouse": stores,
			"wip_warehouse": stores,
			"fg_warehouse": stores,
		}
	)
	work_order.insert()
	work_order.submit()
	batch = named_batch(batch_id or f"MFG-{frappe.generate_hash(length=6)}", item_code)
	entry = frappe.get_doc(make_stock_entry(work_order.name, "Manufacture", qty))
	finished = [row for row in entry.items if row.is_finished_item]
	entry.items = []
	for code, input_batch, input_qty in inputs:
		entry.append(
			"items",
			{
				"item_code": code,
				"qty": input_qty,
				"s_warehouse": stores,
				"batch_no": input_batch,
				"use_serial_batch_fields": 1,
			},
		)
	for row in finished:
		row.update({"batch_no": batch, "use_serial_batch_fields": 1, "t_warehouse": stores})
		entry.append("items", row)
	entry.insert()
	entry.submit()
	return frappe._dict(work_order=work_order.name, entry=entry.name, batch=batch)


def quality_inspection(item_code: str, batch: str, status: str = "Accepted", reference=("Stock Entry", None)):
	"""A submitted manual Quality Inspection of the batch with this result."""
	inspection = frappe.get_doc(
		{
			"doctype": "Quality Inspection",
			"inspection_type": "In Process" if reference[0] == "Stock Entry" else "Incoming",
			"reference_type": reference[0],
			"reference_name": reference[1],
			"item_code": item_code,
			"batch_no": batch,
			"sample_size": 1,
			"inspected_by": "Administrator",
			"status": status,
			"manual_inspection": 1,
		}
	).insert()
	inspection.submit()
	return inspection.name


def rejected_warehouse() -> str:
	"""The test company's rejected warehouse (Is Rejected Warehouse)."""
	warehouse = ensure_warehouse("_Test MD Rejected", company_stores().stores, is_rejected_warehouse=1)
	frappe.flags.pop("warehouse_account_map", None)  # ERPNext's map of this process, built before it existed
	return warehouse


# --- hospitals: consignment (medical_devices/md_hospitals) --------------------------------------------------------


def consignment_hospital(name: str, company: str | None = None, qualified: bool = True) -> frappe._dict:
	"""A hospital customer (qualified for Class II and III unless not `qualified`) and its consignment warehouse."""
	from medical_devices.md_hospitals.consignment import make_consignment_warehouse

	customer = ensure_party("Customer", name)
	if qualified:
		qualify_party("Customer", customer)
	warehouse = make_consignment_warehouse(customer, company or first_company())
	frappe.flags.pop("warehouse_account_map", None)
	return frappe._dict(customer=customer, warehouse=warehouse)


def implant_item(item_code: str, di: str, device_class: str = "Class III") -> str:
	"""A registered implant kept by batch and serial number, with its GS1 device identifier."""
	if not frappe.db.exists("Item", item_code):
		ensure_item(
			item_code, device_class, has_serial_no=1, md_is_implant=1, valuation_rate=800, standard_rate=2000
		)
	register_item(item_code, device_class)
	ensure_device_identifier(di, item_code)
	return item_code


def receive_units(
	item_code: str, batch: str, qty: float, serial_nos=(), rate: float = 800, posting_date=None
) -> str:
	"""A Purchase Receipt from the trace supplier into Stores (the batch released after); returns its name."""
	receipt = submit(
		{
			"doctype": "Purchase Receipt",
			"supplier": TRACE_SUPPLIER,
			**posted_on(posting_date),
			"items": [
				{
					"item_code": item_code,
					"qty": qty,
					"rate": rate,
					"warehouse": company_stores().stores,
					"batch_no": batch,
					"serial_no": "\n".join(serial_nos) or None,
					"use_serial_batch_fields": 1,
				}
			],
		}
	)
	if frappe.db.get_value("Batch", batch, "md_batch_status") != "Released":
		release(batch)
	return receipt.name


def replenish(
	warehouse: str,
	item_code: str,
	batch: str,
	qty: float,
	serial_nos=(),
	submit_it: bool = True,
	posting_date=None,
	source: str | None = None,
):
	"""A Material Transfer from Stores (or `source`) to a hospital's consignment warehouse (or another)."""
	entry = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Transfer",
			"purpose": "Material Transfer",
			"company": first_company(),
			**posted_on(posting_date),
			"items": [
				{
					"item_code": item_code,
					"qty": qty,
					"s_warehouse": source or company_stores().stores,
					"t_warehouse": warehouse,
					"batch_no": batch,
					"serial_no": "\n".join(serial_nos) or None,
					"use_serial_batch_fields": 1,
				}
			],
		}
	)
	entry.insert()
	if submit_it:
		entry.submit()
	return entry


def posted_on(posting_date) -> dict:
	"""A stock document's fields for a posting on that day (nothing: today)."""
	return {"set_posting_time": 1, "posting_date": posting_date} if posting_date else {}


def gl_by_account(voucher_type: str, voucher_no: str) -> dict[str, float]:
	"""The voucher's ledger, net debit per account (not cancelled)."""
	totals = {}
	for row in frappe.get_all(
		"GL Entry",
		filters={"voucher_type": voucher_type, "voucher_no": voucher_no, "is_cancelled": 0},
		fields=["account", "debit", "credit"],
	):
		totals[row.account] = totals.get(row.account, 0) + flt(row.debit) - flt(row.credit)
	return totals


def data_import(doctype: str, import_type: str, content: str, reason: str | None = None) -> list[dict]:
	"""A CSV file run through Frappe's Data Import as its background worker runs it (committing row by row); the
	import's log rows."""
	from frappe.core.doctype.data_import.data_import import start_import

	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"import-{frappe.generate_hash(length=6)}.csv",
			"content": content,
			"is_private": 1,
		}
	).insert(ignore_permissions=True)
	job = frappe.get_doc(
		{
			"doctype": "Data Import",
			"reference_doctype": doctype,
			"import_type": import_type,
			"import_file": file.file_url,
			"md_reason": reason,
		}
	).insert()
	frappe.db.commit()  # nosemgrep: the import job commits row by row, as in a worker
	start_import(job.name)
	return frappe.get_all("Data Import Log", {"data_import": job.name}, ["success", "docname", "exception"])
