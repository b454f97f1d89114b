"""China's UDI database (医疗器械唯一标识数据库, UDID): checks and the XML and Excel shapes of a device record.

Tags and Chinese names follow the UDID share files: `<udid><header/><devices><device>` with
nested `packingList/packing`, `storageList/storage`, `clinicalList/clinical` and `contactList/contact`. Values are
written as the Chinese portal shows them (是/否, 器械/体外诊断试剂, 箱). Pure Python.
"""

import dataclasses
import datetime
import re
from xml.etree import ElementTree

from medical_devices.nmpa.device_data import (
	LABELS,
	NHSA_CODE,
	DeviceRecord,
	Problem,
	check_common,
	check_identifier,
	check_required,
	field_sheets,
	is_valid_credit_code,
	number,
	problem,
	yes_no,
)
from medical_devices.udi.parser.model import _

REGULATOR = "NMPA UDID"
AGENCIES = ("GS1", "MA", "AHM")
CLASSIFICATION_CODE = re.compile(r"^\d{2}(-\d{2}){1,2}$")  # 2017 catalogue: 14-01 or 14-01-02
# Anything outside XML 1.0's Char production: control characters but tab, LF and CR; lone surrogates; U+FFFE/FFFF.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

DEVICE_TYPES = {"Medical Device": "器械", "In Vitro Diagnostic Reagent": "体外诊断试剂"}
PRODUCT_CATEGORIES = {"Consumable": "耗材", "Equipment": "设备"}
CARRIERS = {"1D Barcode": "一维码", "2D Barcode": "二维码", "RFID": "RFID"}
PACKAGE_LEVELS = {"Inner Pack": "中包装", "Case": "箱", "Pallet": "托盘"}
MR_SAFETY = {
	"MR Safe": "MR安全",
	"MR Conditional": "MR条件安全",
	"MR Unsafe": "MR不安全",
	"Not Evaluated": "未进行MR安全性评估",
	"No MR Labelling": "说明书或标签中无MR安全性信息",
}
STORAGE_CONDITIONS = {"Temperature": "温度", "Humidity": "湿度"}


def yn(value: bool) -> str:
	return yes_no(value, "是", "否")


def day(value: datetime.date | None) -> str:
	return value.isoformat() if value else ""


# (XML tag, Chinese column name, value) in the order of the UDID data set.
DEVICE_FIELDS = (
	("zxxsdycpbs", "最小销售单元产品标识", lambda r: r.primary_di),
	("cpbsbmtxmc", "医疗器械唯一标识编码体系名称", lambda r: r.issuing_agency),
	("zxxsdyzsydydsl", "最小销售单元中使用单元的数量", lambda r: str(r.use_units)),
	("sydycpbs", "使用单元产品标识", lambda r: r.unit_of_use_di or ""),
	("cpbsfbrq", "产品标识发布日期", lambda r: day(r.publish_date)),
	("bszt", "标识载体", lambda r: ",".join(CARRIERS.get(c, c) for c in r.carriers)),
	("sfyzcbayz", "是否与注册/备案产品标识一致", lambda r: yn(not r.registration_di)),
	("zcbacpbs", "注册/备案产品标识", lambda r: r.registration_di or ""),
	("sfybtzjbs", "是否有本体直接标识", lambda r: yn(r.direct_marking)),
	(
		"btcpbsyzxxsdycpbssfyz",
		"本体产品标识与最小销售单元产品标识是否一致",
		lambda r: yn(not r.direct_marking_di) if r.direct_marking else "",
	),
	("btcpbs", "本体产品标识", lambda r: r.direct_marking_di or ""),
	("cpmctymc", "产品名称/通用名称", lambda r: r.generic_name or ""),
	("spmc", "商品名称", lambda r: r.trade_name or ""),
	("ggxh", "规格型号", lambda r: r.model or ""),
	("sfwblztlcp", "是否为包类/组套类产品", lambda r: yn(r.is_kit)),
	("cpms", "产品描述", lambda r: r.description or ""),
	("cphhhbh", "产品货号或编号", lambda r: r.catalogue_number or ""),
	("qxlb", "器械类别", lambda r: DEVICE_TYPES.get(r.device_type, r.device_type or "")),
	("flbm", "分类编码", lambda r: r.classification_code or ""),
	("ylqxzcrbarmc", "医疗器械注册人/备案人名称", lambda r: r.registrant_name or ""),
	("ylqxzcrbarywmc", "医疗器械注册人/备案人英文名称", lambda r: r.registrant_name_en or ""),
	("tyshxydm", "统一社会信用代码", lambda r: r.registrant_credit_code or ""),
	("zczbhhzbapzbh", "注册证编号或者备案凭证编号", lambda r: ";".join(r.certificate_numbers)),
	("ybbm", "医保耗材分类编码", lambda r: r.nhsa_code or ""),
	("cplb", "产品类别", lambda r: PRODUCT_CATEGORIES.get(r.product_category, r.product_category or "")),
	("cgzmraqxgxx", "磁共振(MR)安全相关信息", lambda r: MR_SAFETY.get(r.mr_safety, r.mr_safety or "")),
	("sfbjwycxsy", "是否标记为一次性使用", lambda r: yn(r.single_use)),
	("zdcfsycs", "最大重复使用次数", lambda r: "" if r.single_use else number(r.max_reuses)),
	("sfwwjbz", "是否为无菌包装", lambda r: yn(r.sterile)),
	("syqsfxyjxmj", "使用前是否需要进行灭菌", lambda r: yn(r.sterilise_before_use)),
	("mjfs", "灭菌方式", lambda r: r.sterilisation_method or ""),
	("qtxxdwzlj", "其他信息的网址链接", lambda r: r.info_url or ""),
	("tsrq", "退市日期", lambda r: day(r.withdrawal_date)),
	("scbssfbhph", "生产标识是否包含批号", lambda r: yn(r.pi_batch)),
	("scbssfbhxlh", "生产标识是否包含序列号", lambda r: yn(r.pi_serial)),
	("scbssfbhscrq", "生产标识是否包含生产日期", lambda r: yn(r.pi_manufacturing_date)),
	("scbssfbhsxrq", "生产标识是否包含失效日期", lambda r: yn(r.pi_expiry_date)),
	("tscchcztj", "特殊储存或操作条件", lambda r: r.storage_note or ""),
	("tsccsm", "特殊尺寸说明", lambda r: r.special_size_note or ""),
)
PACKING_FIELDS = (
	("bzcpbs", "包装产品标识", lambda p: p.di),
	("cpbzjb", "产品包装级别", lambda p: PACKAGE_LEVELS.get(p.level, p.level)),
	("bznhxyjcpbssl", "包装内含小一级产品标识数量", lambda p: number(p.quantity)),
	("bznhxyjbzcpbs", "包装内含小一级包装产品标识", lambda p: p.contains_di),
)
STORAGE_FIELDS = (
	("cchcztj", "储存或操作条件", lambda s: STORAGE_CONDITIONS.get(s.condition, s.condition)),
	("zdz", "最低值", lambda s: number(s.low)),
	("zgz", "最高值", lambda s: number(s.high)),
	("jldw", "计量单位", lambda s: s.unit or ""),
)
CLINICAL_FIELDS = (
	("lcsycclx", "临床使用尺寸类型", lambda c: c.size_type),
	("ccz", "尺寸值", lambda c: number(c.value) if c.value is not None else (c.text or "")),
	("ccdw", "尺寸单位", lambda c: c.unit or ""),
)
CONTACT_FIELDS = (
	("qylxrcz", "企业联系人传真", lambda r: r.contact_fax or ""),
	("qylxryx", "企业联系人邮箱", lambda r: r.contact_email or ""),
	("qylxrdh", "企业联系人电话", lambda r: r.contact_phone or ""),
)
REQUIRED = (
	"primary_di",
	"generic_name",
	"model",
	"description",
	"device_type",
	"product_category",
	"classification_code",
	"registrant_name",
	"certificate_numbers",
	"publish_date",
	"carriers",
	"mr_safety",
)


def check(record: DeviceRecord) -> list[Problem]:
	"""Everything that would make NMPA reject this device, or file it wrongly."""
	problems = check_required(record, REQUIRED)
	problems += check_identifier(record, "primary_di", AGENCIES, REGULATOR)
	if not any(p.field == "issuing_agency" for p in problems):
		for attribute in ("unit_of_use_di", "direct_marking_di", "registration_di"):
			problems += check_identifier(record, attribute, AGENCIES, REGULATOR)
	if record.use_units < 1:
		problems.append(problem(record, "use_units", _("A sales unit holds at least one use unit.")))
	elif record.use_units > 1 and not record.unit_of_use_di:
		problems.append(
			problem(
				record,
				"unit_of_use_di",
				_("The sales unit holds {count} use units: give the unit-of-use DI."),
				count=record.use_units,
			)
		)
	if record.registrant_credit_code:
		if not is_valid_credit_code(record.registrant_credit_code):
			problems.append(
				problem(
					record,
					"registrant_credit_code",
					_(
						"Unified social credit code {code} is malformed (18 characters with a check character)."
					),
					code=record.registrant_credit_code,
				)
			)
	elif not record.registrant_name_en:  # a foreign registrant files with its English name instead
		problems += check_required(record, ("registrant_credit_code",))
	if (
		record.classification_code
		and record.device_type == "Medical Device"
		and not CLASSIFICATION_CODE.match(record.classification_code)
	):
		problems.append(
			problem(
				record,
				"classification_code",
				_("Classification code {code} is not a 2017 catalogue code such as 14-01 or 14-01-02."),
				code=record.classification_code,
			)
		)
	if record.nhsa_code and not NHSA_CODE.match(record.nhsa_code):
		problems.append(
			problem(
				record,
				"nhsa_code",
				_("NHSA consumables code {code} must be C and 19 digits (20 characters), not {length}."),
				code=record.nhsa_code,
				length=len(record.nhsa_code),
			)
		)
	return problems + check_common(record) + check_xml_characters(record)


def check_xml_characters(record: DeviceRecord) -> list[Problem]:
	"""A character XML cannot carry, in any value of the record's `<device>`: one problem per record attribute."""
	bad = [(tag, column, text) for tag, column, text in device_values(record) if NOT_XML.search(text)]
	if not bad:
		return []
	problems, explained = [], set()
	for attribute in dataclasses.fields(record):
		texts = [text for text in strings(getattr(record, attribute.name)) if NOT_XML.search(text)]
		found = [(tag, column, value) for tag, column, value in bad if any(text in value for text in texts)]
		if found:
			explained.update(found)
			problems.append(
				not_xml_problem(record, attribute.name, LABELS.get(attribute.name, found[0][1]), texts)
			)
	# A value no single attribute explains (made of several) is still reported, by its UDID column.
	problems += [
		not_xml_problem(record, tag, column, [text])
		for tag, column, text in bad
		if (tag, column, text) not in explained
	]
	return problems


def not_xml_problem(record, attribute, label, texts) -> Problem:
	return problem(
		record,
		attribute,
		_("{field} contains characters the UDID XML file cannot carry ({characters}): remove them."),
		field=label,
		characters=not_xml_characters("".join(texts)),
	)


def check_file_characters(record: DeviceRecord) -> list[Problem]:
	"""For the Excel files (an .xlsx is XML inside): a character XML cannot carry in any attribute of the record,
	one problem per attribute, so that the export is refused with the field named instead of failing."""
	problems = []
	for attribute in dataclasses.fields(record):
		texts = [text for text in strings(getattr(record, attribute.name)) if NOT_XML.search(text)]
		if texts:
			problems.append(
				problem(
					record,
					attribute.name,
					_("{field} contains characters an export file cannot carry ({characters}): remove them."),
					field=LABELS.get(attribute.name, attribute.name),
					characters=not_xml_characters("".join(texts)),
				)
			)
	return problems


def not_xml_characters(text: str) -> str:
	return ", ".join(dict.fromkeys(f"U+{ord(char):04X}" for char in NOT_XML.findall(text)))


def strings(value):
	"""Every str in a record attribute: the value, a tuple's items, the fields of a package or condition."""
	if isinstance(value, str):
		yield value
	elif isinstance(value, list | tuple):
		for item in value:
			yield from strings(item)
	elif dataclasses.is_dataclass(value):
		for item in dataclasses.fields(value):
			yield from strings(getattr(value, item.name))


def device_lists(record: DeviceRecord):
	"""The lists of a `<device>`, as (list tag, item tag, fields, rows); contacts only when there is one."""
	lists = [
		("packingList", "packing", PACKING_FIELDS, record.packages),
		("storageList", "storage", STORAGE_FIELDS, record.storage),
		("clinicalList", "clinical", CLINICAL_FIELDS, record.clinical_sizes),
	]
	if contacts(record):
		lists.append(("contactList", "contact", CONTACT_FIELDS, contacts(record)))
	return lists


def contacts(record: DeviceRecord) -> list[DeviceRecord]:
	return [record] if (record.contact_phone or record.contact_email or record.contact_fax) else []


def device_values(record: DeviceRecord):
	"""(tag, column, text) of every element of the record's `<device>`, in file order."""
	for tag, column, value in DEVICE_FIELDS:
		yield tag, column, value(record)
	for _list_tag, _item_tag, fields, rows in device_lists(record):
		for row in rows:
			for tag, column, value in fields:
				yield tag, column, value(row)


def to_xml(records: list[DeviceRecord], created: datetime.datetime) -> bytes:
	"""The records as a UDID data-exchange file, one `<device>` per primary DI.

	Raises ValueError for a character XML cannot carry, which `check` reports first: never an unparseable file."""
	root = ElementTree.Element("udid")
	header = ElementTree.SubElement(root, "header")
	ElementTree.SubElement(header, "createTime").text = created.strftime("%Y-%m-%d %H:%M:%S")
	ElementTree.SubElement(header, "totalCount").text = str(len(records))
	devices = ElementTree.SubElement(root, "devices")
	for record in records:
		device = ElementTree.SubElement(devices, "device")
		add_fields(device, DEVICE_FIELDS, record, record)
		for list_tag, item_tag, fields, rows in device_lists(record):
			container = ElementTree.SubElement(device, list_tag)
			for row in rows:
				add_fields(ElementTree.SubElement(container, item_tag), fields, row, record)
	ElementTree.indent(root)
	return ElementTree.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


def add_fields(parent, fields, source, record: DeviceRecord):
	for tag, column, value in fields:
		text = value(source)
		if NOT_XML.search(text):
			raise ValueError(
				f"Device {record.primary_di} (item {record.item_code}): {column} <{tag}> contains "
				f"{not_xml_characters(text)}, which XML cannot carry."
			)
		ElementTree.SubElement(parent, tag).text = text


def to_sheets(records: list[DeviceRecord]) -> dict[str, tuple[list[str], list[list[str]]]]:
	"""The records as the UDID data template: one sheet per subset, lists keyed by the primary DI."""

	def columns(fields):
		return [(label, value) for _tag, label, value in fields]

	return field_sheets(
		records,
		"最小销售单元产品标识",
		"产品标识信息",
		columns(DEVICE_FIELDS),
		{
			"包装标识信息": (columns(PACKING_FIELDS), lambda r: r.packages),
			"储存或操作条件": (columns(STORAGE_FIELDS), lambda r: r.storage),
			"临床使用尺寸": (columns(CLINICAL_FIELDS), lambda r: r.clinical_sizes),
			"企业联系人": (columns(CONTACT_FIELDS), contacts),
		},
	)
