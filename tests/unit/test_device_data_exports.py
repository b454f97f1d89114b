"""UDI database exports (NMPA UDID, FDA GUDID, EU EUDAMED) from one device record: checks and file shapes."""

import csv
import dataclasses
import datetime
import io
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook

from medical_devices.nmpa import eudamed, gudid, udid
from medical_devices.nmpa.device_data import (
	ClinicalSize,
	DeviceRecord,
	Package,
	StorageCondition,
	is_valid_credit_code,
)
from medical_devices.nmpa.workbook import (
	csv_file,
	neutralise_formula,
	read_workbook,
	sheets_as_text,
	write_workbook,
)

CREATED = datetime.datetime(2026, 11, 28, 9, 30, 0)


def stent(**changes) -> DeviceRecord:
	record = DeviceRecord(
		primary_di="06901234100044",
		issuing_agency="GS1",
		item_code="MD-III-IVD",
		device_class="Class III",
		generic_name="新型冠状病毒抗原检测试剂盒",
		trade_name="康达快检",
		model="20人份/盒",
		description="用于体外定性检测鼻拭子样本中的新型冠状病毒抗原",
		catalogue_number="KD-AG-20",
		device_type="In Vitro Diagnostic Reagent",
		product_category="Consumable",
		classification_code="6840",
		use_units=20,
		unit_of_use_di="06901234100051",
		publish_date=datetime.date(2025, 3, 1),
		carriers=("1D Barcode", "2D Barcode"),
		registrant_name="深圳迈瑞生物医疗电子股份有限公司",
		registrant_name_en="Shenzhen Mindray Bio-Medical Electronics Co., Ltd.",
		registrant_credit_code="91440300MA5FK0002G",
		certificate_numbers=("国械注准20223400789",),
		nhsa_code="C1401020010010108000",
		mr_safety="No MR Labelling",
		single_use=True,
		sterile=False,
		pi_batch=True,
		pi_expiry_date=True,
		storage_note="2-8 °C",
		packages=[Package("16901234100041", "Case", 50, "06901234100044", "Box")],
		storage=[StorageCondition("Temperature", 2, 8, "℃")],
		clinical_sizes=[ClinicalSize("Swab Length", 15, "cm")],
		contact_phone="0755-81888888",
		contact_email="udi@mindray.example",
		duns_number="123456789",
		gmdn_code="47387",
		fda_product_code="QKP",
		basic_udi_di="6901234IVDAG20X7",
		srn="CN-MF-000012345",
		emdn_code="W0105",
		eu_risk_class="Class IIb",
	)
	return dataclasses.replace(record, **changes)


def messages(problems):
	return sorted((p.field, p.message()) for p in problems)


def test_the_credit_code_check_character_follows_gb_32100():
	assert is_valid_credit_code("91440300MA5FK0002G")
	assert is_valid_credit_code("91350100M000100Y43")  # a published example
	assert not is_valid_credit_code("91440300MA5FK0002B")  # wrong check character
	assert not is_valid_credit_code("91440300MA5FK0002")  # 17 characters
	assert not is_valid_credit_code("91440300MA5FK0O02G")  # O is not in the character set


def test_a_complete_record_passes_all_three_regulators():
	record = stent()
	assert udid.check(record) == []
	assert gudid.check(record) == []
	assert eudamed.check(record) == []


def test_a_broken_record_gets_one_problem_per_wrong_field_instead_of_a_file():
	record = stent(
		certificate_numbers=(),
		model="",
		nhsa_code="C1401020010010108",
		registrant_credit_code="91440300MA5FK0002B",
		unit_of_use_di=None,
		mr_safety=None,
		max_reuses=3,
		sterilise_before_use=True,
		sterilisation_method=None,
		storage=[StorageCondition("Temperature", 8, 2, "℃")],
		packages=[Package("16901234100041", "Case", 12.5, "06901234100044")],
	)
	assert messages(udid.check(record)) == [
		("certificate_numbers", "Registration / Filing Number is missing."),
		("max_reuses", "A single-use device cannot have a maximum number of reuses (3)."),
		("model", "Specification / Model is missing."),
		("mr_safety", "MR Safety is missing."),
		(
			"nhsa_code",
			"NHSA consumables code C1401020010010108 must be C and 19 digits (20 characters), not 17.",
		),
		("packages", "Package 16901234100041 must hold a whole number of 06901234100044, not 12.5."),
		(
			"registrant_credit_code",
			"Unified social credit code 91440300MA5FK0002B is malformed (18 characters with a check character).",
		),
		("sterilisation_method", "The device must be sterilised before use: name the method."),
		("storage", "Storage Temperature: the lowest value 8 is above the highest 2."),
		("unit_of_use_di", "The sales unit holds 20 use units: give the unit-of-use DI."),
	]


def test_identifiers_are_checked_for_their_agency_and_the_regulator():
	bad_gtin = stent(primary_di="06901234100045")
	assert [p.field for p in udid.check(bad_gtin)] == ["primary_di"]
	assert "wrong check digit" in udid.check(bad_gtin)[0].message()
	hibcc = stent(primary_di="H123PROD1", issuing_agency="HIBCC")
	assert messages(udid.check(hibcc)) == [
		("issuing_agency", "NMPA UDID does not accept HIBCC codes; it accepts GS1, MA, AHM.")
	]
	assert gudid.check(hibcc) == []
	ma = stent(primary_di="MA.156.M0.100761.21234561", issuing_agency="MA", use_units=1, unit_of_use_di=None)
	assert udid.check(ma) == []
	assert messages(gudid.check(ma)) == [
		("issuing_agency", "FDA GUDID does not accept MA codes; it accepts GS1, HIBCC, ICCBBA.")
	]


def test_registrant_and_classification_rules():
	foreign = stent(registrant_credit_code=None)  # an importer's registrant has no Chinese credit code
	assert udid.check(foreign) == []
	assert messages(udid.check(dataclasses.replace(foreign, registrant_name_en=None))) == [
		("registrant_credit_code", "Registrant Unified Social Credit Code is missing.")
	]
	device = stent(device_type="Medical Device", classification_code="1401")
	assert messages(udid.check(device)) == [
		(
			"classification_code",
			"Classification code 1401 is not a 2017 catalogue code such as 14-01 or 14-01-02.",
		)
	]
	assert udid.check(stent(device_type="Medical Device", classification_code="14-01-02")) == []


def test_gudid_and_eudamed_have_their_own_required_elements():
	record = stent(
		duns_number="12345", fda_product_code="qkp", gmdn_code=None, srn="CN-000012345", emdn_code="105"
	)
	assert messages(gudid.check(record)) == [
		("duns_number", "DUNS number 12345 must be 9 digits."),
		("fda_product_code", "FDA product code qkp must be three capital letters."),
		("gmdn_code", "GMDN Code is missing."),
	]
	assert messages(eudamed.check(record)) == [
		("emdn_code", "EMDN code 105 must be a category letter and digits, e.g. C0104."),
		("srn", "SRN CN-000012345 must look like DE-MF-000012345."),
	]


def test_problem_messages_are_translated_with_their_field_label():
	[missing] = udid.check(stent(model=""))
	zh = {"{field} is missing.": "{field}缺失。", "Specification / Model": "规格型号"}
	assert missing.message(lambda text: zh.get(text, text)) == "规格型号缺失。"


def test_udid_xml_has_the_share_file_shape():
	xml = udid.to_xml([stent()], CREATED)
	root = ElementTree.fromstring(xml)
	assert root.tag == "udid"
	assert root.findtext("header/totalCount") == "1"
	[device] = root.findall("devices/device")
	assert [child.tag for child in device][:5] == [
		"zxxsdycpbs",
		"cpbsbmtxmc",
		"zxxsdyzsydydsl",
		"sydycpbs",
		"cpbsfbrq",
	]
	assert device.findtext("zxxsdycpbs") == "06901234100044"
	assert device.findtext("qxlb") == "体外诊断试剂"
	assert device.findtext("bszt") == "一维码,二维码"
	assert device.findtext("sfbjwycxsy") == "是"
	assert device.findtext("zdcfsycs") == ""
	assert device.findtext("packingList/packing/cpbzjb") == "箱"
	assert device.findtext("packingList/packing/bznhxyjcpbssl") == "50"
	assert [device.findtext(f"storageList/storage/{tag}") for tag in ("cchcztj", "zdz", "zgz", "jldw")] == [
		"温度",
		"2",
		"8",
		"℃",
	]
	assert device.findtext("contactList/contact/qylxrdh") == "0755-81888888"


def test_workbooks_keep_identifiers_as_text_and_read_back_the_same():
	sheets = udid.to_sheets([stent(), stent(primary_di="00012345678905", packages=[], clinical_sizes=[])])
	again = read_workbook(write_workbook(sheets))
	assert again == sheets
	columns, rows = again["产品标识信息"]
	assert columns[0] == "最小销售单元产品标识"
	assert [row[0] for row in rows] == ["06901234100044", "00012345678905"]
	assert again["包装标识信息"][1] == [["06901234100044", "16901234100041", "箱", "50", "06901234100044"]]
	assert sheets_as_text({"A": (["x", "y"], [["1", "2"]])}) == "## A\nx\ty\n1\t2\n"


@pytest.mark.parametrize("regulator", [gudid, eudamed])
def test_gudid_and_eudamed_sheets_key_every_list_by_the_primary_di(regulator):
	sheets = regulator.to_sheets([stent()])
	for columns, rows in sheets.values():
		assert rows and all(row[columns.index(columns[0])] == "06901234100044" for row in rows)
		assert all(len(row) == len(columns) for row in rows)


# Text a spreadsheet would take for a formula or an error value, as it may come from master data.
FORMULA_TEXT = {
	"trade_name": '=HYPERLINK("http://x","click")',
	"model": "+1",
	"catalogue_number": "-2",
	"description": "@SUM(A1)",
	"registrant_name_en": "#N/A",
}


@pytest.mark.parametrize("regulator", [udid, gudid, eudamed])
def test_workbooks_store_formula_like_text_as_text_exactly(regulator):
	sheets = regulator.to_sheets([stent(**FORMULA_TEXT)])
	workbook = load_workbook(io.BytesIO(write_workbook(sheets)))
	for title, (columns, rows) in sheets.items():
		cells = list(workbook[title].iter_rows())
		assert all(cell.data_type != "f" for row in cells for cell in row)
		assert all(cell.data_type == "s" for row in cells for cell in row if cell.value is not None)
		assert [[cell.value or "" for cell in row] for row in cells] == [columns, *rows]
	first_sheet = next(iter(sheets.values()))[1][0]
	assert set(FORMULA_TEXT.values()) <= set(first_sheet)


@pytest.mark.parametrize(
	("text", "field"),
	[
		("=1+1", "'=1+1"),
		("+1", "'+1"),
		("-2", "'-2"),
		("@SUM(A1)", "'@SUM(A1)"),
		("\tx", "'\tx"),
		("\rx", "'\rx"),
		("06901234100044", "06901234100044"),
		("a=b", "a=b"),
		("", ""),
		(None, None),
	],
)
def test_neutralise_formula_quotes_only_a_leading_formula_character(text, field):
	assert neutralise_formula(text) == field


def test_problem_csv_fields_cannot_start_a_formula():
	record = stent(primary_di='=HYPERLINK("http://x")')
	rows = [[p.di, record.item_code, p.field, p.message()] for p in udid.check(record)]
	rows += [["+1", None, "-2", "@SUM(A1)"], ["\tx", "\rx", "中文", "06901234100044"]]
	content = csv_file(["Primary DI", "Item", "Field", "Problem"], rows)
	assert content.startswith("\ufeff".encode())
	parsed = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
	assert parsed[0] == ["Primary DI", "Item", "Field", "Problem"]
	assert parsed[1][:3] == ['\'=HYPERLINK("http://x")', "MD-III-IVD", "primary_di"]
	assert parsed[-2:] == [["'+1", "", "'-2", "'@SUM(A1)"], ["'\tx", "'\rx", "中文", "06901234100044"]]


def test_characters_xml_cannot_carry_are_problems_naming_the_field():
	record = stent(
		trade_name="康达\x01快检",
		storage_note="2-8\x0b°C",
		certificate_numbers=("国械注准20223400789", "国械注准\x0c2022"),
		packages=[Package("16901234100041", "Case\ufffe", 50, "06901234100044")],
		description="lone \ud800 surrogate",
	)
	problems = udid.check(record)
	assert {p.di for p in problems} == {"06901234100044"}
	assert messages(problems) == [
		(
			"certificate_numbers",
			"Registration / Filing Number contains characters the UDID XML file cannot carry (U+000C): remove them.",
		),
		(
			"description",
			"Description contains characters the UDID XML file cannot carry (U+D800): remove them.",
		),
		(
			"packages",
			"Package Level contains characters the UDID XML file cannot carry (U+FFFE): remove them.",
		),
		(
			"storage_note",
			"特殊储存或操作条件 contains characters the UDID XML file cannot carry (U+000B): remove them.",
		),
		(
			"trade_name",
			"Trade Name contains characters the UDID XML file cannot carry (U+0001): remove them.",
		),
	]
	zh = {
		"{field} contains characters the UDID XML file cannot carry ({characters}): remove them.": (
			"{field}含有 UDID XML 文件无法承载的字符（{characters}），请删除。"
		),
		"Trade Name": "商品名称",
	}
	trade_name = next(p for p in problems if p.field == "trade_name")
	assert (
		trade_name.message(lambda text: zh.get(text, text))
		== "商品名称含有 UDID XML 文件无法承载的字符（U+0001），请删除。"
	)


def test_a_character_outside_the_udid_file_is_not_its_problem():
	assert udid.check(stent(gmdn_code="47387\x01", item_code="MD\x02")) == []


def test_to_xml_refuses_a_character_xml_cannot_carry():
	with pytest.raises(
		ValueError, match=r"06901234100044 \(item MD-III-IVD\): 特殊储存或操作条件 <tscchcztj>.*U\+000B"
	):
		udid.to_xml([stent(), stent(storage_note="2-8\x0b°C")], CREATED)


def test_tabs_line_breaks_and_characters_beyond_the_bmp_are_valid_xml():
	record = stent(description="第一行\n\t第二行\r\n𠮷 😀", trade_name='=HYPERLINK("http://x")')
	assert udid.check(record) == []
	device = ElementTree.fromstring(udid.to_xml([record], CREATED)).find("devices/device")
	assert device.findtext("cpms") == "第一行\n\t第二行\n𠮷 😀"  # an XML parser reads CR LF as LF
	assert device.findtext("spmc") == '=HYPERLINK("http://x")'


@pytest.mark.parametrize("regulator", [gudid, eudamed])
def test_a_character_an_excel_file_cannot_carry_is_a_problem_for_gudid_and_eudamed(regulator):
	record = stent(trade_name="Stent\x0bPlus")
	problems = regulator.check(record)
	assert any(p.field == "trade_name" and "U+000B" in p.message() for p in problems), problems
	assert not [p for p in regulator.check(stent()) if "cannot carry" in p.message()]
