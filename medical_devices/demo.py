"""Demo data for a Chinese medical-device distributor: `bench --site S md-demo`.

Idempotent: every record is looked up by a natural key first, so running it again creates nothing twice.
"""

import frappe
from frappe.utils import add_days, getdate, now_datetime, today
from frappe.utils.nestedset import get_root_of

from medical_devices.audit import trail
from medical_devices.audit.origin import acting_as

COMPANY = "上海康达医疗器械有限公司"
COMPANY_ABBR = "KD"
CURRENCY = "CNY"
# ERPNext's only Chinese chart ("unverified") is a flat list without root or account types, on which
# company setup fails; the standard chart is used until ERPNext ships a verified one.
CHART_OF_ACCOUNTS = "Standard"
ITEM_GROUP = "医疗器械"
DEMO_USER = "ra@md-demo.localhost"
DEMO_USER_PASSWORD = "md-demo-2026"

ITEMS = [
	# item_code, item_name, class, shelf life (days), storage condition, (min, max) °C for cold chain
	("MD-I-MASK", "医用外科口罩", "Class I", 730, "常温、干燥", None),
	(
		"MD-II-SYRINGE",
		"一次性使用无菌注射器 5ml",
		"Class II",
		1095,
		"常温",
		None,
	),
	(
		"MD-II-THERMO",
		"医用电子体温计",
		"Class II",
		1825,
		"常温",
		None,
	),
	("MD-III-IVD", "新型冠状病毒（2019-nCoV）抗原检测试剂盒", "Class III", 540, "2-8 °C", (2, 8)),
	(
		"MD-III-STENT",
		"冠状动脉药物洗脱支架系统",
		"Class III",
		730,
		"常温、避光",
		None,
	),
]

SUPPLIERS = ["江苏华康医疗用品有限公司", "深圳迈瑞生物医疗电子股份有限公司"]
CUSTOMERS = ["上海市第一人民医院", "复旦大学附属华山医院", "浙江瑞康医药有限公司"]
# party: (address line, city, province, postal code, contact person, phone), as the GSP records print them
PARTY_ADDRESSES = {
	"江苏华康医疗用品有限公司": (
		"高新区华康路 18 号",
		"泰州市",
		"江苏省",
		"225300",
		"王建国",
		"0523-86201234",
	),
	"深圳迈瑞生物医疗电子股份有限公司": (
		"南山区高新技术产业园区科技南十二路",
		"深圳市",
		"广东省",
		"518057",
		"李敏",
		"0755-81888998",
	),
	"上海市第一人民医院": (
		"虹口区海宁路 100 号",
		"上海市",
		"上海市",
		"200080",
		"张丽（设备科）",
		"021-63240090",
	),
	"复旦大学附属华山医院": (
		"静安区乌鲁木齐中路 12 号",
		"上海市",
		"上海市",
		"200040",
		"陈伟（医学装备处）",
		"021-52889999",
	),
	"浙江瑞康医药有限公司": ("滨江区江南大道 3588 号", "杭州市", "浙江省", "310051", "刘洋", "0571-86651234"),
}

# batch_id, item_code, days until expiry (negative: expired), supplier index, qty received, rate
BATCHES = [
	("KZ20250601", "MD-I-MASK", 400, 0, 5000, 0.45),
	("KZ20241101", "MD-I-MASK", 45, 0, 2000, 0.42),
	("ZSQ2025A07", "MD-II-SYRINGE", 800, 0, 3000, 0.9),
	("TWJ2025B12", "MD-II-THERMO", 1500, 1, 200, 38.0),
	("IVD2025C03", "MD-III-IVD", 25, 1, 600, 12.5),
	("IVD2025A01", "MD-III-IVD", -10, 1, 100, 12.5),
	("ZJ2025D15", "MD-III-STENT", 600, 1, 40, 6800.0),
]

# Quality costs posted to batches, and damaged stock written off (prepared by the demo user, approved by the
# administrator): the Batch Cost report and the finance cards have something to show.
QUALITY_COSTS = [
	("ZSQ2025A07", "Laboratory Testing", 1500, "第三方检测"),
	("ZJ2025D15", "Inspection", 800, "入库检验"),
]
WRITE_OFFS = [("KZ20250601", 20, "Damaged", "仓库纸箱受潮")]

# Receipts and deliveries of these batches are invoiced (and left unpaid): payables and receivables.
INVOICED_BATCHES = ("KZ20250601", "ZSQ2025A07", "TWJ2025B12")

# customer index, batch_id, qty delivered, rate
# item_code, certificate number, registrant, approved (days ago), valid for (days; None: filing)
CERTIFICATES = [
	("MD-I-MASK", "沪械备20210031", "江苏华康医疗用品有限公司", 1600, None),
	("MD-II-SYRINGE", "苏械注准20232140123", "江苏华康医疗用品有限公司", 900, 1825),
	("MD-II-THERMO", "粤械注准20212070456", "深圳迈瑞生物医疗电子股份有限公司", 1790, 1825),  # expiring soon
	("MD-III-IVD", "国械注准20223400789", "深圳迈瑞生物医疗电子股份有限公司", 700, 1825),
	("MD-III-STENT", "国械注准20203130321", "深圳迈瑞生物医疗电子股份有限公司", 2100, 1825),  # expired
	("MD-III-STENT", "国械注准20253130888", "深圳迈瑞生物医疗电子股份有限公司", 300, 1825),  # its renewal
]

# party type, party, licence type, number, valid from (days ago), valid for (days; None: no term), classes
QUALIFICATIONS = [
	("Supplier", "江苏华康医疗用品有限公司", "Business Licence", "91320000MA1XK0001A", 3000, None, ()),
	(
		"Supplier",
		"江苏华康医疗用品有限公司",
		"Manufacturing Licence",
		"苏食药监械生产许20160012号",
		1200,
		1825,
		("I", "II"),
	),
	(
		"Supplier",
		"深圳迈瑞生物医疗电子股份有限公司",
		"Business Licence",
		"91440300MA5FK0002G",
		5000,
		None,
		(),
	),
	(
		"Supplier",
		"深圳迈瑞生物医疗电子股份有限公司",
		"Manufacturing Licence",
		"粤食药监械生产许20010001号",
		900,
		1825,
		("II", "III"),
	),
	(
		"Customer",
		"上海市第一人民医院",
		"Medical Institution Practice Licence",
		"PDY00000131010017A1001",
		1000,
		1825,
		(),
	),
	(
		"Customer",
		"复旦大学附属华山医院",
		"Medical Institution Practice Licence",
		"PDY00000131010617A1002",
		1500,
		1825,
		(),
	),
	("Customer", "浙江瑞康医药有限公司", "Business Licence", "91330000MA2CK0003Y", 2500, None, ()),
	(
		"Customer",
		"浙江瑞康医药有限公司",
		"Class II Distribution Filing",
		"浙杭食药监械经营备20190088号",
		1800,
		None,
		("II",),
	),
	# expired ten days ago: new Class III sales to this distributor are blocked until it is renewed
	(
		"Customer",
		"浙江瑞康医药有限公司",
		"Distribution Licence",
		"浙杭食药监械经营许20190045号",
		1835,
		1825,
		("III",),
	),
]

# A batch received a few days ago and still waiting for incoming inspection.
QUARANTINED_BATCH = ("ZSQ2025B02", "MD-II-SYRINGE", 900, 0, 1000, 0.92)

# What the UDI databases ask about each device (Item fields under "UDI Database Master Data").
DEVICE_MASTER = {
	"MD-I-MASK": {
		"md_model": "175mm×95mm 耳挂式",
		"md_product_category": "Consumable",
		"md_classification_code": "14-14-02",
		"md_single_use": 1,
		"md_sterile_packaging": 0,
		"md_mr_safety": "No MR Labelling",
	},
	"MD-II-SYRINGE": {
		"md_model": "5ml 带针 0.6×32mm",
		"md_product_category": "Consumable",
		"md_classification_code": "14-01-02",
		"md_single_use": 1,
		"md_sterile_packaging": 1,
		"md_mr_safety": "No MR Labelling",
	},
	"MD-II-THERMO": {
		"md_model": "MT-101",
		"md_product_category": "Equipment",
		"md_classification_code": "07-03-03",
		"md_max_reuses": 0,
		"md_mr_safety": "MR Unsafe",
	},
	"MD-III-IVD": {
		"md_model": "20人份/盒",
		"md_device_type": "In Vitro Diagnostic Reagent",
		"md_product_category": "Consumable",
		"md_classification_code": "6840",
		"md_single_use": 1,
		"md_mr_safety": "No MR Labelling",
	},
	"MD-III-STENT": {
		"md_model": "3.0mm×18mm",
		"md_is_implant": 1,
		"md_product_category": "Consumable",
		"md_classification_code": "13-06-01",
		"md_single_use": 1,
		"md_sterile_packaging": 1,
		"md_mr_safety": "MR Conditional",
		"md_special_size_note": "支架长度与直径见标签",
		"md_clinical_sizes": [
			{"size_type": "直径", "size_value": 3.0, "size_unit": "mm"},
			{"size_type": "长度", "size_value": 18, "size_unit": "mm"},
		],
	},
}

# The registrants' details on their certificates, for the UDI database.
REGISTRANTS = {
	"江苏华康医疗用品有限公司": {
		"holder_credit_code": "91320000MA1XK0001A",
		"holder_name_en": "Jiangsu Huakang Medical Supplies Co., Ltd.",
		"holder_address": "江苏省南京市江宁区科学园88号",
		"contact_phone": "025-52100001",
		"contact_email": "udi@huakang.example",
	},
	"深圳迈瑞生物医疗电子股份有限公司": {
		"holder_credit_code": "91440300MA5FK0002G",
		"holder_name_en": "Shenzhen Mindray Bio-Medical Electronics Co., Ltd.",
		"holder_address": "广东省深圳市南山区高新技术产业园区科技南十二路",
		"contact_phone": "0755-81888998",
		"contact_email": "udi@mindray.example",
	},
}

# item_code, issuing agency, DI, package level, base units, parent (DI of the level that contains it)
CASE_UOM = "Box"
DEVICE_IDENTIFIERS = [
	("MD-I-MASK", "GS1", "16901234100010", "Case", 1000, None),
	("MD-I-MASK", "GS1", "06901234100013", "Minimum Sales Unit", 1, "16901234100010"),
	("MD-II-SYRINGE", "GS1", "16901234100027", "Case", 500, None),
	("MD-II-SYRINGE", "GS1", "06901234100020", "Minimum Sales Unit", 1, "16901234100027"),
	("MD-II-THERMO", "GS1", "06901234100037", "Minimum Sales Unit", 1, None),
	("MD-III-IVD", "GS1", "06901234100044", "Minimum Sales Unit", 1, None),
	("MD-III-STENT", "MA", "MA.156.M0.100761.21234561", "Minimum Sales Unit", 1, None),
]

# The NHSA medical-consumable codes (医保耗材编码) of the hospital products, and each hospital's own charge code for
# them (the three codes a hospital matches at receipt).
NHSA_CODES = {
	"MA.156.M0.100761.21234561": "C0203010000000761234",
	"06901234100051": "C1301010000000100051",
	"06901234100068": "C1301020000000100068",
}
CHARGE_CODES = [
	(0, "MD-III-STENT", "3110000012"),
	(1, "MD-III-STENT", "HS-0301-021"),
	(1, "MD-III-SCREW", "HS-1303-001"),
	(1, "MD-III-PLATE", "HS-1303-002"),
]

DELIVERIES = [
	(0, "KZ20250601", 1200, 0.8),
	(0, "ZSQ2025A07", 800, 1.6),
	(1, "ZJ2025D15", 6, 9800.0),
	(1, "TWJ2025B12", 30, 65.0),
	(2, "KZ20241101", 1500, 0.7),
	(2, "IVD2025C03", 200, 22.0),
]


def create_demo_data() -> list[str]:
	with acting_as(f"{__name__}.create_demo_data"):
		return _create_demo_data()


def _create_demo_data() -> list[str]:
	company = ensure_company()
	ensure_item_group()
	for item in ITEMS:
		ensure_item(*item)
	for item_code in DEVICE_MASTER:
		ensure_device_master(item_code)
	for certificate in CERTIFICATES:
		ensure_certificate(*certificate)
	for identifier in DEVICE_IDENTIFIERS:
		ensure_device_identifier(*identifier)
	suppliers = [ensure_party("Supplier", name) for name in SUPPLIERS]
	customers = [ensure_party("Customer", name) for name in CUSTOMERS]
	for qualification in QUALIFICATIONS:
		ensure_qualification(*qualification)
	for doctype, names in (("Supplier", suppliers), ("Customer", customers), ("Item", [i[0] for i in ITEMS])):
		for name in names:
			approve_first_business(doctype, name)
	warehouse = frappe.db.get_value("Warehouse", {"company": company, "warehouse_name": "Stores"})
	price_lists = {"buying": ensure_price_list("buying"), "selling": ensure_price_list("selling")}
	receipt_date, delivery_date = demo_posting_dates(company)
	for batch_id, item_code, days_to_expiry, supplier, qty, rate in BATCHES:
		batch = ensure_batch(batch_id, item_code, days_to_expiry)
		ensure_purchase_receipt(
			company,
			suppliers[supplier],
			warehouse,
			item_code,
			batch,
			qty,
			rate,
			receipt_date,
			price_lists["buying"],
		)
		release_batch(batch)
	batch_id, item_code, days_to_expiry, supplier, qty, rate = QUARANTINED_BATCH
	ensure_purchase_receipt(
		company,
		suppliers[supplier],
		warehouse,
		item_code,
		ensure_batch(batch_id, item_code, days_to_expiry),
		qty,
		rate,
		max(getdate(add_days(today(), -3)), getdate(receipt_date)),
		price_lists["buying"],
	)
	for customer, batch_id, qty, rate in DELIVERIES:
		batch = frappe.db.get_value("Batch", {"batch_id": batch_id})
		item_code = frappe.db.get_value("Batch", batch, "item")
		ensure_delivery_note(
			company,
			customers[customer],
			warehouse,
			item_code,
			batch,
			qty,
			rate,
			delivery_date,
			price_lists["selling"],
		)
	ensure_invoices(receipt_date, delivery_date)
	ensure_excursion_log(customers[2])
	ensure_recalls(company)
	ensure_complaint(company)
	from medical_devices.gsp.expiry_alerts import flag_expiring_batches

	flag_expiring_batches(getdate(today()))
	ensure_demo_user(company)
	ensure_batch_costs(company, warehouse)
	ensure_quality_system(company, warehouse, suppliers[0], receipt_date, price_lists["buying"])
	for hospital in customers[:2]:
		ensure_hospital_price_list(hospital, price_lists["selling"])
	ensure_consignment(company, warehouse, suppliers[1], customers[:2], receipt_date, price_lists)
	ensure_consignment_count(company, customers[1])
	ensure_loaner_set(company, warehouse, suppliers, customers[1], receipt_date, price_lists)
	ensure_charge_codes(customers)
	settings = frappe.get_single("Medical Device Settings")
	if settings.default_company != company:
		settings.default_company = company
		settings.save(ignore_permissions=True)
	return [
		f"company: {company}",
		f"devices: {len(ITEMS)}, certificates: {len(CERTIFICATES)}, DIs: {len(DEVICE_IDENTIFIERS)}, "
		f"batches: {len(BATCHES) + 1} (one in quarantine), receipts: {len(BATCHES) + 1}, "
		f"deliveries: {len(DELIVERIES)}, licences: {len(QUALIFICATIONS)} (one expired), "
		"one cold-chain excursion, an open recall (with a provision and costs) and a closed mock recall, "
		"a hospital's complaint decided reportable, a supplier audit and its approved supplier, a syringe batch "
		"made by Work Order and released by its signed batch record, a nonconformance scrapped, a CAPA in "
		"progress, "
		f"{len(QUALITY_COSTS)} quality costs and {len(WRITE_OFFS)} write-off of damaged stock, "
		"stents on consignment at two hospitals and a usage report of two implanted stents, invoiced, a "
		"consignment stock count approved by a second person, an orthopaedic loaner set lent to a surgery and "
		"returned without its screwdriver, charged to the hospital",
		f"regulatory user: {DEMO_USER} / {DEMO_USER_PASSWORD} (desk in Chinese)",
	]


def ensure_company() -> str:
	if frappe.db.exists("Company", COMPANY):
		return COMPANY
	if frappe.db.a_row_exists("Company") and frappe.db.get_single_value("System Settings", "setup_complete"):
		# A site that already went through the setup wizard: add the demo company beside the others.
		frappe.get_doc(
			{
				"doctype": "Company",
				"company_name": COMPANY,
				"abbr": COMPANY_ABBR,
				"country": "China",
				"default_currency": CURRENCY,
				"chart_of_accounts": CHART_OF_ACCOUNTS,
				"create_chart_of_accounts_based_on": "Standard Template",
			}
		).insert(ignore_permissions=True)
		return COMPANY

	from frappe.desk.page.setup_wizard.setup_wizard import setup_complete

	year = getdate(today()).year
	setup_complete(
		{
			"currency": "CNY",
			"full_name": "Demo Administrator",
			"company_name": COMPANY,
			"company_abbr": COMPANY_ABBR,
			"timezone": "Asia/Shanghai",
			"country": "China",
			"fy_start_date": f"{year}-01-01",
			"fy_end_date": f"{year}-12-31",
			"language": "english",
			"company_tagline": "医疗器械经营企业",
			"email": "admin@md-demo.localhost",
			"password": "admin",
			"chart_of_accounts": CHART_OF_ACCOUNTS,
			"industry": "Healthcare",
		}
	)
	# a Chinese site: weeks start on Monday (the wizard sets yyyy-mm-dd from the country)
	settings = frappe.get_single("System Settings")
	settings.first_day_of_the_week = "Monday"
	settings.save()
	return COMPANY


def ensure_item_group():
	if not frappe.db.exists("Item Group", ITEM_GROUP):
		frappe.get_doc(
			{
				"doctype": "Item Group",
				"item_group_name": ITEM_GROUP,
				"parent_item_group": get_root_of("Item Group"),
			}
		).insert(ignore_permissions=True)


def ensure_item(item_code, item_name, device_class, shelf_life, storage, cold_chain):
	if frappe.db.exists("Item", item_code):
		# Demo sites made by an earlier version lack the temperature range that cold-chain items now need.
		if cold_chain and not any(
			frappe.db.get_value(
				"Item", item_code, ["md_storage_temperature_min", "md_storage_temperature_max"]
			)
		):
			trail.set_values(
				"Item",
				item_code,
				{"md_storage_temperature_min": cold_chain[0], "md_storage_temperature_max": cold_chain[1]},
				f"{__name__}.create_demo_data",
			)
		return
	frappe.get_doc(
		{
			"doctype": "Item",
			"item_code": item_code,
			"item_name": item_name,
			"item_group": ITEM_GROUP,
			"stock_uom": "Nos",
			"is_stock_item": 1,
			"has_batch_no": 1,
			"has_expiry_date": 1,
			"shelf_life_in_days": shelf_life,
			"md_is_medical_device": 1,
			"md_device_class": device_class,
			"md_requires_cold_chain": 1 if cold_chain else 0,
			"md_storage_temperature_min": cold_chain[0] if cold_chain else 0,
			"md_storage_temperature_max": cold_chain[1] if cold_chain else 0,
			"md_storage_condition": storage,
		}
	).insert(ignore_permissions=True)


def ensure_device_master(item_code: str, masters: dict = DEVICE_MASTER):
	item = frappe.get_doc("Item", item_code)
	if item.md_model:
		return
	master = dict(masters[item_code])
	item.set("md_clinical_sizes", master.pop("md_clinical_sizes", []))
	item.update(master)
	item.save(ignore_permissions=True)


def ensure_certificate(item_code, number, holder, approved_days_ago, valid_days):
	if frappe.db.exists("Registration Certificate", number):
		certificate = frappe.get_doc("Registration Certificate", number)
		if not certificate.holder_credit_code:
			certificate.update(REGISTRANTS[holder])
			certificate.save(ignore_permissions=True)
		return
	device_class, item_name = frappe.db.get_value("Item", item_code, ["md_device_class", "item_name"])
	approval = add_days(today(), -approved_days_ago)
	frappe.get_doc(
		{
			"doctype": "Registration Certificate",
			"certificate_number": number,
			"certificate_type": "Filing Certificate"
			if device_class == "Class I"
			else "Registration Certificate",
			"device_class": device_class,
			"holder": holder,
			"product_name": item_name,
			"approval_date": approval,
			"expiry_date": add_days(approval, valid_days) if valid_days else None,
			"items": [{"item": item_code}],
			**REGISTRANTS[holder],
		}
	).insert(ignore_permissions=True)


def ensure_device_identifier(item_code, agency, di, level, base_quantity, parent):
	if base_quantity != 1:
		ensure_uom_conversion(item_code, CASE_UOM, base_quantity)
	if not frappe.db.exists("UDI Device Identifier", di):
		certificate = frappe.db.get_value("Registration Certificate Item", {"item": item_code}, "parent")
		frappe.get_doc(
			{
				"doctype": "UDI Device Identifier",
				"di": di,
				"issuing_agency": agency,
				"item": item_code,
				"package_level": level,
				"base_quantity": base_quantity,
				"uom": CASE_UOM if base_quantity != 1 else None,
				"parent_di": parent,
				"nhsa_code": NHSA_CODES.get(di),
				"registration_certificate": certificate,
				"pi_has_batch": 1,
				"pi_has_expiry_date": 1,
				"pi_has_manufacturing_date": 1,
				"carrier_1d": 1,
				"carrier_2d": level == "Minimum Sales Unit",
				"udid_publish_date": "2025-03-01" if agency == "GS1" else None,
				"published_to_udid": agency == "GS1",
			}
		).insert(ignore_permissions=True)
	if level == "Minimum Sales Unit" and not frappe.db.get_value("Item", item_code, "md_default_di"):
		item = frappe.get_doc("Item", item_code)
		item.md_default_di = di
		item.save(ignore_permissions=True)


def ensure_uom_conversion(item_code: str, uom: str, factor: float):
	if not frappe.db.exists("UOM", uom):
		frappe.get_doc({"doctype": "UOM", "uom_name": uom}).insert(ignore_permissions=True)
	if frappe.db.exists("UOM Conversion Detail", {"parent": item_code, "uom": uom}):
		return
	item = frappe.get_doc("Item", item_code)
	item.append("uoms", {"uom": uom, "conversion_factor": factor})
	item.save(ignore_permissions=True)


def ensure_party(doctype: str, name: str) -> str:
	name_field = "supplier_name" if doctype == "Supplier" else "customer_name"
	existing = frappe.db.get_value(doctype, {name_field: name})
	if existing:
		ensure_party_address(doctype, existing, name)
		return existing
	doc = frappe.get_doc({"doctype": doctype, name_field: name, "default_currency": CURRENCY})
	if doctype == "Supplier":
		doc.supplier_group = get_root_of("Supplier Group")
		doc.country = "China"
	else:
		doc.customer_group = get_root_of("Customer Group")
		doc.territory = get_root_of("Territory")
	party = doc.insert(ignore_permissions=True).name
	ensure_party_address(doctype, party, name)
	return party


def ensure_party_address(doctype: str, party: str, name: str):
	"""The party's primary address and contact, so that the GSP records print where and whom it is."""
	line, city, province, pincode, person, phone = PARTY_ADDRESSES[name]
	link = [{"link_doctype": doctype, "link_name": party}]
	linked = {"link_doctype": doctype, "link_name": party, "parenttype": "Address"}
	if frappe.db.exists("Dynamic Link", linked):
		return
	frappe.get_doc(
		{
			"doctype": "Address",
			"address_title": name,
			"address_type": "Billing",
			"address_line1": line,
			"city": city,
			"state": province,
			"pincode": pincode,
			"country": "China",
			"is_primary_address": 1,
			"links": link,
		}
	).insert(ignore_permissions=True)
	frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": person,
			"is_primary_contact": 1,
			"phone_nos": [{"phone": phone, "is_primary_phone": 1}],
			"links": link,
		}
	).insert(ignore_permissions=True)


def ensure_qualification(party_type, party_name, licence_type, number, days_ago, valid_days, classes):
	name_field = "supplier_name" if party_type == "Supplier" else "customer_name"
	party = frappe.db.get_value(party_type, {name_field: party_name})
	if frappe.db.exists("Qualification Certificate", {"party": party, "certificate_number": number}):
		return
	valid_from = add_days(today(), -days_ago)
	frappe.get_doc(
		{
			"doctype": "Qualification Certificate",
			"party_type": party_type,
			"party": party,
			"licence_type": licence_type,
			"certificate_number": number,
			"issuer": "市场监督管理局",
			"valid_from": valid_from,
			"valid_to": add_days(valid_from, valid_days) if valid_days else None,
			**{f"covers_class_{roman.lower()}": 1 for roman in classes},
		}
	).insert(ignore_permissions=True)


def approve_first_business(doctype: str, name: str):
	from medical_devices.gsp.qualification import record_first_business_decision

	if frappe.db.get_value(doctype, name, "md_first_business_status") == "Approved":
		return
	user = frappe.session.user
	frappe.set_user(DEMO_USER if frappe.db.exists("User", DEMO_USER) else "Administrator")
	try:
		record_first_business_decision(doctype, name, "Approved", "首营资料齐全")
	finally:
		frappe.set_user(user)


def release_batch(batch: str):
	"""Release a batch just received; one that went back to quarantine later stays there."""
	from medical_devices.gsp.batch_status import set_batch_status

	first_status_only = frappe.db.count("Batch Status Change", {"batch": batch}) == 1
	if first_status_only and frappe.db.get_value("Batch", batch, "md_batch_status") == "Quarantine":
		set_batch_status(batch, "Released", "到货验收合格", check_role=False)


def ensure_excursion_log(customer: str):
	"""The IVD shipment to the distributor warmed to 9.5 °C on the way: its batch went back to quarantine."""
	batch = frappe.db.get_value("Batch", {"batch_id": "IVD2025C03"})
	note = frappe.db.get_value("Delivery Note", {"po_no": f"MD-DEMO-IVD2025C03-{customer}", "docstatus": 1})
	if not note or frappe.db.exists("Temperature Log", {"reference_name": note, "docstatus": 1}):
		return
	posting = frappe.db.get_value("Delivery Note", note, "posting_date")
	log = frappe.get_doc(
		{
			"doctype": "Temperature Log",
			"reference_type": "Delivery Note",
			"reference_name": note,
			"logger_id": "TL-IVD-0007",
			"source": "CSV Import",
			"readings": [
				{"reading_time": f"{posting} {hour:02d}:00:00", "temperature": temperature}
				for hour, temperature in ((8, 4.1), (10, 5.3), (12, 9.5), (14, 8.6), (16, 6.2))
			],
		}
	)
	log.insert(ignore_permissions=True)
	log.submit()
	return batch


def ensure_recalls(company: str):
	"""A closed mock recall of the syringes (the yearly drill) and an open Class I recall of a stent batch."""
	from medical_devices.recall.doctype.device_recall.device_recall import close_recall

	for batch_id, recall_class, is_mock, reason in (
		("ZSQ2025A07", "Class II Recall", 1, "年度模拟召回演练"),
		("ZJ2025D15", "Class I Recall", 0, "输送系统球囊可能破裂"),
	):
		batch = frappe.db.get_value("Batch", {"batch_id": batch_id})
		if frappe.db.exists("Device Recall Batch", {"batch": batch, "docstatus": 1}):
			continue
		recall = frappe.get_doc(
			{
				"doctype": "Device Recall",
				"company": company,
				"recall_class": recall_class,
				"is_mock": is_mock,
				"start_date": add_days(today(), -2),
				"reason": reason,
				"hazard_assessment": "见健康危害评估报告",
				"batches": [{"batch": batch}],
			}
		)
		if not is_mock:
			recall.update(OPEN_RECALL_REPORT)
		recall.insert(ignore_permissions=True)
		recall.submit()
		if is_mock:
			close_recall(
				recall.name,
				"追溯于数秒内完成，客户与数量核对无误",
			)
	ensure_recall_costs(company)


def ensure_complaint(company: str):
	"""华山医院's complaint on the recalled stent batch: decided reportable, its adverse event report opened."""
	from medical_devices.md_quality.doctype.device_complaint.device_complaint import decide_reportability

	batch = frappe.db.get_value("Batch", {"batch_id": "ZJ2025D15"})
	if frappe.db.exists("Device Complaint", {"batch": batch}):
		return
	complaint = frappe.get_doc(
		{
			"doctype": "Device Complaint",
			"company": company,
			"complainant_type": "Hospital",
			"complainant_name": "心内科 张医生",
			"complainant_contact": "021-5288 9999",
			"channel": "Phone",
			"received_on": add_days(now_datetime(), -1),
			"event_date": add_days(today(), -2),
			"item_code": frappe.db.get_value("Batch", batch, "item"),
			"batch": batch,
			"qty": 1,
			"description": "术中输送系统球囊扩张时破裂，支架未完全释放，改用备用支架完成手术",
			"failure_mode": "球囊破裂",
			"patient_involved": 1,
			"patient_outcome": "Injury",
			"investigation": "同批次另有一例相同报告；留样复检球囊爆破压低于规格下限",
			"sample_returned": 1,
			"device_recall": frappe.db.get_value(
				"Device Recall Batch", {"batch": batch, "docstatus": 1}, "parent"
			),
		}
	).insert(ignore_permissions=True)
	decide_reportability(
		complaint.name, 1, "可能导致严重伤害：球囊破裂可致血管损伤", "Serious Injury", "Distributor"
	)


# The quality loop: a component bought from an audited, approved supplier, a syringe batch made of it by Work Order
# and released by its batch record, signed by the demo's QA user (the administrator prepared it); a nonconformance
# on a syringe batch scrapped; a CAPA on the stent complaint in progress.
COMPONENT = ("RM-SYRINGE-BARREL", "注射器空筒组件（原材料）")
COMPONENT_BATCH = ("HK2026B01", 6000, 0.12)
MANUFACTURED_BATCH = ("ZSQ2026M01", 2000, "EO2026-011")
SCRAPPED = ("ZSQ2025A07", 30)


def ensure_quality_system(company: str, warehouse: str, supplier: str, receipt_date: str, price_list: str):
	from medical_devices.audit.signature import sign

	ensure_supplier_audit(company, supplier)
	code, name = COMPONENT
	if not frappe.db.exists("Item", code):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": code,
				"item_name": name,
				"item_group": frappe.db.get_value("Item Group", {"is_group": 0, "name": ("!=", ITEM_GROUP)}),
				"stock_uom": "Nos",
				"is_stock_item": 1,
				"has_batch_no": 1,
				"md_approved_suppliers_only": 1,
				"valuation_rate": COMPONENT_BATCH[2],
			}
		).insert(ignore_permissions=True)
	if not frappe.db.exists("Approved Supplier", {"supplier": supplier, "item_code": code}):
		from medical_devices.md_quality.doctype.approved_supplier.approved_supplier import qualify_supplier

		entry = frappe.get_doc(
			{"doctype": "Approved Supplier", "supplier": supplier, "scope": "Item", "item_code": code}
		).insert(ignore_permissions=True)
		qualify_supplier(entry.name, "Approved", "首次审核合格，样品检验符合要求")
	component = ensure_batch(COMPONENT_BATCH[0], code, 1500)
	ensure_purchase_receipt(
		company,
		supplier,
		warehouse,
		code,
		component,
		COMPONENT_BATCH[1],
		COMPONENT_BATCH[2],
		receipt_date,
		price_list,
	)
	batch_id, qty, sterilisation = MANUFACTURED_BATCH
	syringe = "MD-II-SYRINGE"
	made = frappe.db.get_value("Batch", {"batch_id": batch_id, "item": syringe})
	if not made:
		made = manufacture_demo_batch(company, warehouse, syringe, component, batch_id, qty, sterilisation)
	record = frappe.db.get_value(
		"Device Batch Record", {"batch": made, "docstatus": ("!=", 2)}, ["name", "docstatus"], as_dict=True
	)
	if not record:
		record = frappe.get_doc(
			{
				"doctype": "Device Batch Record",
				"company": company,
				"batch": made,
				"labels_issued": qty + 20,
				"labels_used": qty,
				"labels_destroyed": 20,
				"deviations": "无",
			}
		).insert(ignore_permissions=True)
	if record.docstatus == 0:
		with demo_user_signing():
			sign("Device Batch Record", record.name, "Submit", "Released", DEMO_USER_PASSWORD)
			doc = frappe.get_doc("Device Batch Record", record.name)
			doc.md_reason = "批生产记录审核通过，准予放行"
			doc.submit()
	ensure_scrapped_nonconformance(company, warehouse)
	ensure_capa(company)


def manufacture_demo_batch(company, warehouse, item_code, component, batch_id, qty, sterilisation) -> str:
	from erpnext.manufacturing.doctype.work_order.work_order import make_stock_entry

	bom = frappe.db.get_value("BOM", {"item": item_code, "is_default": 1, "docstatus": 1})
	if not bom:
		bom = frappe.get_doc(
			{
				"doctype": "BOM",
				"item": item_code,
				"company": company,
				"quantity": 1,
				"currency": CURRENCY,
				"rm_cost_as_per": "Valuation Rate",
				"items": [{"item_code": COMPONENT[0], "qty": 1, "rate": COMPONENT_BATCH[2]}],
			}
		)
		bom.insert(ignore_permissions=True)
		bom.submit()
		bom = bom.name
	work_order = frappe.get_doc(
		{
			"doctype": "Work Order",
			"production_item": item_code,
			"bom_no": bom,
			"qty": qty,
			"company": company,
			"skip_transfer": 1,
			"source_warehouse": warehouse,
			"wip_warehouse": warehouse,
			"fg_warehouse": warehouse,
		}
	)
	work_order.insert(ignore_permissions=True)
	work_order.submit()
	batch = ensure_batch(batch_id, item_code, 1095)
	frappe.db.set_value(
		"Batch", batch, "md_sterilisation_batch", sterilisation
	)  # a new batch: no trail yet to break
	entry = frappe.get_doc(make_stock_entry(work_order.name, "Manufacture", qty))
	for row in entry.items:
		row.use_serial_batch_fields = 1
		row.batch_no = batch if row.is_finished_item else component
	entry.insert(ignore_permissions=True)
	entry.submit()
	inspection = frappe.get_doc(
		{
			"doctype": "Quality Inspection",
			"inspection_type": "In Process",
			"reference_type": "Stock Entry",
			"reference_name": entry.name,
			"item_code": item_code,
			"batch_no": batch,
			"sample_size": 20,
			"inspected_by": "Administrator",
			"status": "Accepted",
			"manual_inspection": 1,
			"remarks": "无菌、环氧乙烷残留量、密封性检验合格",
		}
	)
	inspection.insert(ignore_permissions=True)
	inspection.submit()
	return batch


class demo_user_signing:
	"""The demo's QA user (not the administrator who prepared the records) signs and submits, as a person does: not
	as the demo's own function, so the signature rules and the two-person checks apply and the signature is
	written."""

	def __enter__(self):
		self.user, self.acting = frappe.session.user, getattr(frappe.local, "md_acting", None)
		frappe.local.md_acting = []
		frappe.set_user(DEMO_USER)

	def __exit__(self, *exc):
		frappe.set_user(self.user)
		frappe.local.md_acting = self.acting


def ensure_supplier_audit(company: str, supplier: str):
	if frappe.db.exists("Supplier Audit", {"supplier": supplier, "docstatus": 1}):
		return
	audit = frappe.get_doc(
		{
			"doctype": "Supplier Audit",
			"company": company,
			"supplier": supplier,
			"audit_type": "Initial",
			"planned_date": add_days(today(), -100),
			"audit_date": add_days(today(), -95),
			"auditor": "Administrator",
			"score": 88,
			"result": "Approved",
			"next_audit_due": add_days(today(), 270),
			"findings": [
				{"finding": "洁净车间压差记录缺少两日", "classification": "Minor"},
				{"finding": "原材料供应商清单未及时更新", "classification": "Observation"},
			],
		}
	).insert(ignore_permissions=True)
	audit.submit()


def ensure_scrapped_nonconformance(company: str, warehouse: str):
	from medical_devices.audit.signature import sign

	batch_id, qty = SCRAPPED
	batch = frappe.db.get_value("Batch", {"batch_id": batch_id})
	if frappe.db.exists("Device Nonconformance", {"batch": batch}):
		return
	nonconformance = frappe.get_doc(
		{
			"doctype": "Device Nonconformance",
			"company": company,
			"source": "Manual",
			"item_code": "MD-II-SYRINGE",
			"batch": batch,
			"qty": qty,
			"warehouse": warehouse,
			"hold": "Block Batch",
			"description": "养护检查发现 30 支外包装破损，无菌屏障可能失效",
		}
	).insert(ignore_permissions=True)
	with demo_user_signing():
		doc = frappe.get_doc("Device Nonconformance", nonconformance.name)
		doc.disposition, doc.md_reason = "Scrap", "无菌屏障破损，不可使用，报废"
		doc.save()
		sign("Device Nonconformance", doc.name, "Submit", "Approved", DEMO_USER_PASSWORD)
		doc.submit()


def ensure_capa(company: str):
	complaint = frappe.db.get_value(
		"Device Complaint", {"batch": frappe.db.get_value("Batch", {"batch_id": "ZJ2025D15"})}
	)
	if not complaint or frappe.db.exists("CAPA", {"title": "支架输送系统球囊破裂"}):
		return
	frappe.get_doc(
		{
			"doctype": "CAPA",
			"company": company,
			"title": "支架输送系统球囊破裂",
			"capa_type": "Corrective",
			"responsible": DEMO_USER,
			"item_code": "MD-III-STENT",
			"problem": "同一批次两例术中球囊破裂，爆破压低于规格下限",
			"containment": "隔离在库产品，通知客户暂停使用",
			"sources": [{"source_type": "Device Complaint", "reference_name": complaint}],
			"why_1": "球囊爆破压不足",
			"why_2": "球囊材料批次壁厚偏薄",
			"why_3": "供应商来料检验未覆盖壁厚",
			"cause_material": "球囊管材壁厚偏差",
			"cause_measurement": "来料检验项目不全",
			"actions": [
				{
					"description": "来料检验增加球囊壁厚和爆破压抽检",
					"action_type": "Corrective",
					"assigned_to": DEMO_USER,
					"due_date": add_days(today(), 14),
					"status": "Completed",
					"evidence": "检验规程 QI-023 第 3 版已发布",
				},
				{
					"description": "对供应商进行有因审核",
					"action_type": "Preventive",
					"assigned_to": DEMO_USER,
					"due_date": add_days(today(), 30),
				},
			],
		}
	).insert(ignore_permissions=True)


# What the open recall's regulatory forms say beyond the recall's own data.
OPEN_RECALL_REPORT = {
	"recall_method": "Market Withdrawal",
	"intended_use": "用于冠状动脉狭窄的介入治疗",
	"responsible_person": "王建国",
	"responsible_phone": "0571-8888 6666",
	"handler_name": "李敏",
	"handler_phone": "0571-8888 6688",
	"corrective_action": "停止销售和使用，隔离并退回该批次",
	"investigation_result": "球囊材料供应商批次异常，正在调查",
	"recall_measures": "质量部组织，覆盖全部收货医院，7 日内完成",
	"disclosure": "书面通知收货单位",
	"expected_effect": "全部在库及已售产品收回",
	"treatment": "在监管部门监督下销毁",
}


def ensure_recall_costs(company: str):
	"""Recall cost accounts, a provision and actual costs on the open recall, and the mock recall's labour."""
	from medical_devices.recall.ledger import create_recall_accounts

	create_recall_accounts(company)
	for recall in frappe.get_all("Device Recall", {"company": company, "docstatus": 1}, ["name", "is_mock"]):
		if frappe.db.exists("Recall Cost Entry", {"device_recall": recall.name, "docstatus": 1}):
			continue
		entries = (
			[
				{
					"entry_type": "Actual Cost",
					"costs": [{"cost_category": "Labour", "amount": 800, "description": "演练"}],
				}
			]
			if recall.is_mock
			else [
				{"entry_type": "Provision", "provision_amount": 50000},
				{
					"entry_type": "Actual Cost",
					"costs": [
						{
							"cost_category": "Logistics",
							"amount": 1200,
							"description": "冷链回收运费",
						},
						{"cost_category": "Notification", "amount": 300, "description": "通知函"},
						{"cost_category": "Labour", "amount": 2000, "description": "质量部加班"},
					],
				},
			]
		)
		for entry in entries:
			doc = frappe.get_doc(
				{
					"doctype": "Recall Cost Entry",
					"device_recall": recall.name,
					"posting_date": today(),
					**entry,
				}
			)
			doc.insert(ignore_permissions=True)
			doc.submit()


# Stents on consignment (寄售) at the two hospitals; the first reports two of them implanted, and is invoiced.
CONSIGNMENT_BATCH = ("ZJ2026A03", "MD-III-STENT", 700, 30, 6800.0)
CONSIGNED = (8, 6)
USAGE = {
	"hospital_reference": "SYD-2026-1201",
	"rate": 9800.0,
	"rows": [
		("ZY20261130-018", "张主任", -2),
		("ZY20261201-007", "张主任", -1),
	],
}

# The first hospital buys the stent under the two-invoice rule: the manufacturer's invoice (its number as printed
# on the 数电发票) and the usage invoice are the chain.
TWO_INVOICE = {"item": "MD-III-STENT", "bill_no": "26312000000000418801"}

# An orthopaedic loaner set (跟台器械): two implants and two instruments, lent to a surgery at the second hospital.
# item_code, item_name, class, shelf life (days), storage condition, cold chain; then its device master data.
LOANER_ITEMS = [
	("MD-III-SCREW", "锁定接骨螺钉 Φ3.5mm", "Class III", 1825, "常温、干燥", None),
	("MD-III-PLATE", "桡骨远端锁定接骨板", "Class III", 1825, "常温、干燥", None),
	("MD-I-DRILLGUIDE", "骨科钻头导向器", "Class I", 3650, "常温", None),
	("MD-I-SCREWDRIVER", "骨科螺丝刀", "Class I", 3650, "常温", None),
]
IMPLANT_MASTER = {
	"md_is_implant": 1,
	"md_product_category": "Consumable",
	"md_single_use": 1,
	"md_sterile_packaging": 1,
	"md_mr_safety": "MR Conditional",
}
INSTRUMENT_MASTER = {
	"md_product_category": "Equipment",
	"md_single_use": 0,
	"md_sterilise_before_use": 1,
	"md_mr_safety": "Not Evaluated",
}
LOANER_DEVICE_MASTER = {
	"MD-III-SCREW": {"md_model": "Φ3.5mm×16mm", "md_classification_code": "13-03-01", **IMPLANT_MASTER},
	"MD-III-PLATE": {"md_model": "左侧 7孔", "md_classification_code": "13-03-02", **IMPLANT_MASTER},
	"MD-I-DRILLGUIDE": {"md_model": "Φ2.8mm", "md_classification_code": "04-13-03", **INSTRUMENT_MASTER},
	"MD-I-SCREWDRIVER": {"md_model": "T15", "md_classification_code": "04-13-05", **INSTRUMENT_MASTER},
}
LOANER_CERTIFICATES = [
	("MD-III-SCREW", "国械注准20243130555", "深圳迈瑞生物医疗电子股份有限公司", 400, 1825),
	("MD-III-PLATE", "国械注准20243130556", "深圳迈瑞生物医疗电子股份有限公司", 400, 1825),
	("MD-I-DRILLGUIDE", "苏械备20220045", "江苏华康医疗用品有限公司", 1200, None),
	("MD-I-SCREWDRIVER", "苏械备20220046", "江苏华康医疗用品有限公司", 1200, None),
]
LOANER_IDENTIFIERS = [
	("MD-III-SCREW", "GS1", "06901234100051", "Minimum Sales Unit", 1, None),
	("MD-III-PLATE", "GS1", "06901234100068", "Minimum Sales Unit", 1, None),
]
# batch_id, item_code, days to expiry, supplier (index), qty received, purchase rate, selling rate, qty in the set
LOANER_BATCHES = [
	("GD2026S01", "MD-III-SCREW", 1500, 1, 12, 320.0, 680.0, 6),
	("GD2026P01", "MD-III-PLATE", 1500, 1, 2, 1800.0, 4200.0, 1),
	("QX2026D01", "MD-I-DRILLGUIDE", 3000, 0, 2, 450.0, 1200.0, 1),
	("QX2026L01", "MD-I-SCREWDRIVER", 3000, 0, 2, 260.0, 800.0, 1),
]
LOANER_SET = {
	"template": "桡骨远端锁定接骨板系统",
	"set_no": "GT-2026-001",
	"sterilisation_batch": "EO-20261120-02",
	"surgeon": "刘主任",
	"hospital_record_no": "ZY20261202-011",
	# what came back: item_code: (returned, used, resolution of what is missing)
	"returned": {
		"MD-III-SCREW": (4, 2, ""),
		"MD-III-PLATE": (0, 1, ""),
		"MD-I-DRILLGUIDE": (1, 0, ""),
		"MD-I-SCREWDRIVER": (0, 0, "Charge Hospital"),
	},
}


def ensure_consignment(
	company: str, warehouse: str, supplier: str, hospitals, receipt_date: str, price_lists
):
	from medical_devices.md_hospitals.consignment import make_consignment_warehouse
	from medical_devices.md_hospitals.doctype.consignment_usage_report.consignment_usage_report import (
		make_sales_invoice,
	)

	batch_id, item_code, days_to_expiry, qty, rate = CONSIGNMENT_BATCH
	batch = ensure_batch(batch_id, item_code, days_to_expiry)
	ensure_purchase_receipt(
		company, supplier, warehouse, item_code, batch, qty, rate, receipt_date, price_lists["buying"]
	)
	ensure_purchase_invoice(batch_id, receipt_date, TWO_INVOICE["bill_no"])
	release_batch(batch)
	ensure_two_invoice_rule(hospitals[0], supplier)
	places = [make_consignment_warehouse(hospital, company) for hospital in hospitals]
	frappe.flags.pop("warehouse_account_map", None)
	for place, placed in zip(places, CONSIGNED, strict=True):
		if frappe.db.exists("Stock Entry Detail", {"t_warehouse": place, "batch_no": batch, "docstatus": 1}):
			continue
		entry = frappe.get_doc(
			{
				"doctype": "Stock Entry",
				"stock_entry_type": "Material Transfer",
				"purpose": "Material Transfer",
				"company": company,
				"remarks": "寄售补货",
				"items": [
					{
						"item_code": item_code,
						"qty": placed,
						"s_warehouse": warehouse,
						"t_warehouse": place,
						"batch_no": batch,
						"use_serial_batch_fields": 1,
					}
				],
			}
		)
		entry.insert(ignore_permissions=True)
		entry.submit()
	if frappe.db.exists("Consignment Usage Report", {"hospital_reference": USAGE["hospital_reference"]}):
		return
	report = frappe.get_doc(
		{
			"doctype": "Consignment Usage Report",
			"company": company,
			"customer": hospitals[0],
			"hospital_reference": USAGE["hospital_reference"],
			"items": [
				{
					"item_code": item_code,
					"batch_no": batch,
					"qty": 1,
					"surgery_date": add_days(today(), days),
					"surgeon": surgeon,
					"hospital_record_no": record_no,
				}
				for record_no, surgeon, days in USAGE["rows"]
			],
		}
	)
	report.insert(ignore_permissions=True)
	report.submit()
	invoice = make_sales_invoice(report.name)
	for row in invoice.items:
		row.rate = USAGE["rate"]
	invoice.insert(ignore_permissions=True)
	invoice.submit()


def ensure_consignment_count(company: str, hospital: str):
	"""The second hospital's shelf counted as the books have it, prepared by the quality user and approved by the
	administrator."""
	if frappe.db.exists("Consignment Stock Count", {"customer": hospital, "docstatus": 1}):
		return
	from medical_devices.md_hospitals.doctype.consignment_stock_count.consignment_stock_count import book_rows

	user = frappe.session.user
	try:
		frappe.set_user(DEMO_USER)
		rows = book_rows(company, hospital)
		count = frappe.get_doc(
			{
				"doctype": "Consignment Stock Count",
				"company": company,
				"customer": hospital,
				"count_date": today(),
				"explanation": "月度盘点",
				"items": [{**row, "counted_qty": row["book_qty"]} for row in rows],
			}
		).insert()
		frappe.set_user("Administrator")
		count.submit()
	finally:
		frappe.set_user(user)


def ensure_loaner_set(company: str, warehouse: str, suppliers, hospital: str, receipt_date: str, price_lists):
	"""The set's devices bought and released, the set filled and sterilised, lent to a surgery and returned:
	two screws and the plate implanted (billed with the patient's pseudonym), the screwdriver missing (charged)."""
	from medical_devices.md_hospitals.doctype.loaner_set.loaner_set import record_sterilisation
	from medical_devices.md_hospitals.doctype.loaner_set_loan.loaner_set_loan import record_return

	for item in LOANER_ITEMS:
		ensure_item(*item)
		ensure_device_master(item[0], LOANER_DEVICE_MASTER)
		approve_first_business("Item", item[0])
	for certificate in LOANER_CERTIFICATES:
		ensure_certificate(*certificate)
	for identifier in LOANER_IDENTIFIERS:
		ensure_device_identifier(*identifier)
	batches = {}
	for batch_id, item_code, days_to_expiry, supplier, qty, rate, selling_rate, _in_set in LOANER_BATCHES:
		batches[item_code] = ensure_batch(batch_id, item_code, days_to_expiry)
		ensure_purchase_receipt(
			company,
			suppliers[supplier],
			warehouse,
			item_code,
			batches[item_code],
			qty,
			rate,
			receipt_date,
			price_lists["buying"],
		)
		release_batch(batches[item_code])
		ensure_item_price(item_code, price_lists["selling"], selling_rate)
	if not frappe.db.exists("Loaner Set Template", LOANER_SET["template"]):
		frappe.get_doc(
			{
				"doctype": "Loaner Set Template",
				"template_name": LOANER_SET["template"],
				"items": [
					{
						"item_code": item_code,
						"component": "Implant"
						if LOANER_DEVICE_MASTER[item_code].get("md_is_implant")
						else "Instrument",
						"qty": in_set,
					}
					for _batch, item_code, *_rest, in_set in LOANER_BATCHES
				],
			}
		).insert(ignore_permissions=True)
	loaner_set = frappe.db.get_value("Loaner Set", {"set_no": LOANER_SET["set_no"]})
	if loaner_set:
		return
	loaner_set = frappe.get_doc(
		{
			"doctype": "Loaner Set",
			"set_no": LOANER_SET["set_no"],
			"template": LOANER_SET["template"],
			"company": company,
		}
	).insert(ignore_permissions=True)
	fill = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Transfer",
			"purpose": "Material Transfer",
			"company": company,
			"remarks": "跟台器械配套",
			"items": [
				{
					"item_code": item_code,
					"qty": in_set,
					"s_warehouse": warehouse,
					"t_warehouse": loaner_set.warehouse,
					"batch_no": batches[item_code],
					"use_serial_batch_fields": 1,
				}
				for _batch, item_code, *_rest, in_set in LOANER_BATCHES
			],
		}
	)
	fill.insert(ignore_permissions=True)
	fill.submit()
	record_sterilisation(loaner_set.name, LOANER_SET["sterilisation_batch"])
	loan = frappe.get_doc(
		{
			"doctype": "Loaner Set Loan",
			"company": company,
			"loaner_set": loaner_set.name,
			"customer": hospital,
			"surgery_date": today(),
			"surgeon": LOANER_SET["surgeon"],
		}
	).insert(ignore_permissions=True)
	loan.submit()
	rows = []
	for row in loan.items:
		returned, used, resolution = LOANER_SET["returned"][row.item_code]
		rows.append({"row": row.name, "returned_qty": returned, "used_qty": used, "resolution": resolution})
	record_return(loan.name, rows, LOANER_SET["hospital_record_no"])


def ensure_hospital_price_list(hospital: str, price_list: str):
	"""The hospital's agreed prices: what its usage reports and loaner set returns are billed at."""
	customer = frappe.get_doc("Customer", hospital)
	if customer.default_price_list != price_list:
		customer.default_price_list = price_list
		customer.md_reason = "医院销售价目表"
		customer.save(ignore_permissions=True)


def ensure_item_price(item_code: str, price_list: str, rate: float):
	if not frappe.db.exists("Item Price", {"item_code": item_code, "price_list": price_list}):
		frappe.get_doc(
			{
				"doctype": "Item Price",
				"item_code": item_code,
				"price_list": price_list,
				"price_list_rate": rate,
			}
		).insert(ignore_permissions=True)


def ensure_price_list(kind: str) -> str:
	"""A CNY price list for buying or selling: the site's default one when it is in CNY, ours otherwise."""
	settings_doctype, field = (
		("Buying Settings", "buying_price_list")
		if kind == "buying"
		else ("Selling Settings", "selling_price_list")
	)
	default = frappe.db.get_single_value(settings_doctype, field)
	if default and frappe.db.get_value("Price List", default, "currency") == CURRENCY:
		return default
	name = f"医疗器械{'采购' if kind == 'buying' else '销售'} {CURRENCY}"
	if not frappe.db.exists("Price List", name):
		frappe.get_doc(
			{"doctype": "Price List", "price_list_name": name, "currency": CURRENCY, kind: 1, "enabled": 1}
		).insert(ignore_permissions=True)
	return name


def ensure_batch(batch_id: str, item_code: str, days_to_expiry: int) -> str:
	existing = frappe.db.get_value("Batch", {"batch_id": batch_id, "item": item_code})
	if existing:
		return existing
	expiry = add_days(today(), days_to_expiry)
	shelf_life = frappe.db.get_value("Item", item_code, "shelf_life_in_days")
	return (
		frappe.get_doc(
			{
				"doctype": "Batch",
				"batch_id": batch_id,
				"item": item_code,
				"manufacturing_date": add_days(expiry, -shelf_life),
				"expiry_date": expiry,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def demo_posting_dates(company: str) -> tuple[str, str]:
	"""Receipts about three months back, deliveries one month back, never before the first fiscal year."""
	fy_start = frappe.db.get_value(
		"Fiscal Year",
		{"year_start_date": ("<=", today()), "year_end_date": (">=", today())},
		"year_start_date",
	)
	receipt = max(getdate(add_days(today(), -90)), getdate(fy_start or today()))
	delivery = max(getdate(add_days(today(), -30)), receipt)
	return str(receipt), str(delivery)


def ensure_purchase_receipt(
	company, supplier, warehouse, item_code, batch, qty, rate, posting_date, price_list
):
	reference = f"MD-DEMO-{frappe.db.get_value('Batch', batch, 'batch_id')}"
	if frappe.db.exists("Purchase Receipt", {"supplier_delivery_note": reference, "docstatus": 1}):
		return
	expiry = frappe.db.get_value("Batch", batch, "expiry_date")
	# An expired demo batch must have been received while it was still valid.
	if expiry and getdate(posting_date) >= getdate(expiry):
		posting_date = add_days(expiry, -60)
	doc = frappe.get_doc(
		{
			"doctype": "Purchase Receipt",
			"company": company,
			"supplier": supplier,
			"supplier_delivery_note": reference,
			"currency": CURRENCY,
			"conversion_rate": 1,
			"buying_price_list": price_list,
			"set_posting_time": 1,
			"posting_date": posting_date,
			"set_warehouse": warehouse,
			"items": [
				{
					"item_code": item_code,
					"qty": qty,
					"rate": rate,
					"warehouse": warehouse,
					"use_serial_batch_fields": 1,
					"batch_no": batch,
				}
			],
		}
	)
	doc.insert(ignore_permissions=True)
	doc.submit()


def ensure_delivery_note(company, customer, warehouse, item_code, batch, qty, rate, posting_date, price_list):
	reference = f"MD-DEMO-{frappe.db.get_value('Batch', batch, 'batch_id')}-{customer}"
	if frappe.db.exists("Delivery Note", {"po_no": reference, "docstatus": 1}):
		return
	doc = frappe.get_doc(
		{
			"doctype": "Delivery Note",
			"company": company,
			"customer": customer,
			"po_no": reference,
			"currency": CURRENCY,
			"conversion_rate": 1,
			"selling_price_list": price_list,
			"set_posting_time": 1,
			"posting_date": posting_date,
			"set_warehouse": warehouse,
			"items": [
				{
					"item_code": item_code,
					"qty": qty,
					"rate": rate,
					"warehouse": warehouse,
					"use_serial_batch_fields": 1,
					"batch_no": batch,
				}
			],
		}
	)
	doc.insert(ignore_permissions=True)
	doc.submit()


def ensure_invoices(receipt_date: str, delivery_date: str):
	"""Bill some receipts and deliveries, unpaid: the demo's payables and receivables."""
	from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_invoice

	for batch_id in INVOICED_BATCHES:
		ensure_purchase_invoice(batch_id, receipt_date)
		for delivery in frappe.get_all(
			"Delivery Note",
			filters={"po_no": ("like", f"MD-DEMO-{batch_id}-%"), "docstatus": 1},
			pluck="name",
		):
			if not frappe.db.exists("Sales Invoice Item", {"delivery_note": delivery, "docstatus": 1}):
				invoice = make_sales_invoice(delivery)
				invoice.update({"set_posting_time": 1, "posting_date": delivery_date})
				invoice.insert(ignore_permissions=True)
				invoice.submit()


def ensure_charge_codes(customers):
	"""Each hospital's charge code for the products it buys: ERPNext's customer item code of the item."""
	for customer, item_code, code in CHARGE_CODES:
		item = frappe.get_doc("Item", item_code)
		if item.get("customer_items", {"customer_name": customers[customer]}):
			continue
		item.append("customer_items", {"customer_name": customers[customer], "ref_code": code})
		item.md_reason = "医院收费编码"
		item.save(ignore_permissions=True)


def ensure_purchase_invoice(batch_id: str, posting_date: str, bill_no: str | None = None):
	"""The supplier's invoice of the batch's receipt, its invoice number as the supplier printed it."""
	from erpnext.stock.doctype.purchase_receipt.purchase_receipt import make_purchase_invoice

	receipt = frappe.db.get_value(
		"Purchase Receipt", {"supplier_delivery_note": f"MD-DEMO-{batch_id}", "docstatus": 1}
	)
	if receipt and not frappe.db.exists(
		"Purchase Invoice Item", {"purchase_receipt": receipt, "docstatus": 1}
	):
		invoice = make_purchase_invoice(receipt)
		posting_date = max(
			getdate(posting_date), getdate(frappe.db.get_value("Purchase Receipt", receipt, "posting_date"))
		)
		invoice.update(
			{
				"set_posting_time": 1,
				"posting_date": posting_date,
				"bill_no": bill_no or f"FP-{batch_id}",
				"bill_date": posting_date,
			}
		)
		invoice.insert(ignore_permissions=True)
		invoice.submit()


def ensure_two_invoice_rule(hospital: str, manufacturer: str):
	"""The stent is sold to the first hospital under the two-invoice rule (两票制): the manufacturer that holds its
	registration is our supplier, so its invoice and ours are the two."""
	reason = "两票制：公立医院高值耗材"
	item = frappe.get_doc("Item", TWO_INVOICE["item"])
	if not item.md_two_invoice_rule:
		item.md_two_invoice_rule, item.md_reason = 1, reason
		item.save(ignore_permissions=True)
	for number in frappe.get_all(
		"Registration Certificate Item",
		{"item": item.name, "parenttype": "Registration Certificate"},
		pluck="parent",
	):
		certificate = frappe.get_doc("Registration Certificate", number)
		if certificate.supplier != manufacturer:
			certificate.supplier, certificate.md_reason = manufacturer, "注册人为本公司供应商"
			certificate.save(ignore_permissions=True)
	customer = frappe.get_doc("Customer", hospital)
	if customer.md_two_invoice_rule != "Applies":
		customer.md_two_invoice_rule, customer.md_reason = "Applies", reason
		customer.save(ignore_permissions=True)
		approve_first_business("Customer", hospital)  # a change of the rule is reviewed again


def ensure_batch_costs(company: str, warehouse: str):
	from medical_devices.md_finance.ledger import create_finance_accounts

	create_finance_accounts(company)
	for batch_id, cost_type, amount, description in QUALITY_COSTS:
		batch = frappe.db.get_value("Batch", {"batch_id": batch_id})
		if frappe.db.exists("Quality Cost Entry", {"batch": batch, "docstatus": 1}):
			continue
		entry = frappe.get_doc(
			{
				"doctype": "Quality Cost Entry",
				"company": company,
				"batch": batch,
				"cost_type": cost_type,
				"amount": amount,
				"description": description,
				"posting_date": today(),
			}
		)
		entry.insert(ignore_permissions=True)
		entry.submit()
	for batch_id, qty, reason, details in WRITE_OFFS:
		batch = frappe.db.get_value("Batch", {"batch_id": batch_id})
		if frappe.db.exists("Device Write Off Item", {"batch_no": batch, "docstatus": 1}):
			continue
		user = frappe.session.user
		try:
			frappe.set_user(DEMO_USER)  # prepared by the quality user, approved by the administrator
			write_off = frappe.get_doc(
				{
					"doctype": "Device Write Off",
					"company": company,
					"reason": reason,
					"reason_details": details,
					"items": [
						{
							"item_code": frappe.db.get_value("Batch", batch, "item"),
							"batch_no": batch,
							"warehouse": warehouse,
							"qty": qty,
						}
					],
				}
			).insert()
			frappe.set_user("Administrator")
			write_off.submit()
		finally:
			frappe.set_user(user)


def ensure_demo_user(company: str):
	if frappe.db.exists("User", DEMO_USER):
		return
	user = frappe.get_doc(
		{
			"doctype": "User",
			"email": DEMO_USER,
			"first_name": "王",
			"last_name": "质量",
			"language": "zh",
			"send_welcome_email": 0,
			"new_password": DEMO_USER_PASSWORD,
		}
	)
	user.append_roles(
		"Regulatory Affairs Manager",
		"QA Reviewer",
		"Stock User",
		"Stock Manager",
		"Item Manager",
		"Purchase User",
		"Sales User",
		"Quality Manager",
		"Accounts User",
	)
	user.flags.no_welcome_mail = True
	user.insert(ignore_permissions=True)
	frappe.defaults.set_user_default("company", company, DEMO_USER)
