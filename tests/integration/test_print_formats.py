"""Every printed form of the app, as an inspector receives it: each print format and each GSP record rendered to a
PDF for demo data, its text layer read back. The text is real (no Kangxi radicals), holds the form's Chinese
words and none the vocabulary marks as wrong, prints every date in the site's format, and no column is narrower
than its longest word (no word or code broken over two lines)."""

import re
from html.parser import HTMLParser

import pytest

import frappe
from frappe.utils import add_days, formatdate, getdate, today

from medical_devices.audit.scope import app_modules
from medical_devices.demo import COMPANY, create_demo_data
from medical_devices.nmpa.gsp_record_print import record_html, record_pdf
from tests.factories import adverse_event_report
from tests.frappe_site import log_dir
from tests.outputs import compact, pdf_lines, print_format_pdf
from tests.vocabulary import wrong_words

SITE_FORMAT = "dd.mm.yyyy"  # not the test site's own format: a date printed in any fixed format shows up
DATE_LIKE = re.compile(r"(?<![\d(])(\d{1,4})([-./])(\d{1,2})\2(\d{2,4})(?!\d)")
SITE_DATE = re.compile(r"\d{2}\.\d{2}\.\d{4}")
CJK = re.compile(r"[\u3400-\u9fff]")

THREE_CODES = ["医保耗材分类编码", "医院收费编码", "注册证", "灭菌批号", "批号", "有效期至"]
# The Chinese words each form must carry: its title and the words its readers look for.
EXPECTED = {
	"Recall Event Report": ["医疗器械召回事件报告表", "型号规格", "批号", "有效期至"],
	"Recall Plan": ["召回计划", "型号规格"],
	"Recall Progress Report": ["召回计划实施情况报告"],
	"Recall Summary Evaluation Report": ["召回总结评估报告"],
	"Recall Notice": ["医疗器械召回通知", "批号"],
	"GSP Accompanying Goods List": ["随货同行单", "批号", "有效期至", "注册证", "出库复核人", "收货单位"],
	"Device Write Off Record": ["医疗器械报损销毁记录", "批号", "有效期至", "金额大写", "人民币"],
	"Adverse Event Report": ["可疑医疗器械不良事件报告", "批号", "有效期至"],
	"Annual Self Inspection": ["年度自查报告"],
	"UDI Batch Label": ["批号", "有效期至"],
	"UDI Label 60 x 40 mm": ["批号", "有效期至"],
	"UDI Receipt Labels": ["批号", "有效期至"],
	"Device Batch Record": ["批生产记录", "批号", "有效期至", "灭菌批号", "投料", "放行人", "电子签名"],
	"UDI Delivery Labels": ["批号", "有效期至"],
	"GSP Purchase Record": ["进货查验记录", "供应商地址", "供应商联系人", "验收结论"],
	"GSP Sales Record": ["销售记录", "购货单位许可证/备案编号"],
	"GSP Outbound Review Record": ["出库复核记录", "复核人", "出库时质量状态"],
	"Two-Invoice Chain": ["两票制票据链", "供应商发票号码", "开票金额", "批号"],
	"Hospital Delivery (Three Codes)": THREE_CODES,
	"Hospital Invoice (Three Codes)": THREE_CODES,
}
# What a form prints when it found nothing: the demo's forms all have something.
NOT_EXPECTED = {
	"GSP Accompanying Goods List": ["本次发货无医疗器械", "未提交"],
	"Two-Invoice Chain": ["本发票无适用两票制的明细行", "未提交"],
	"Hospital Delivery (Three Codes)": ["本单据无医疗器械", "未提交"],
	"Hospital Invoice (Three Codes)": ["本单据无医疗器械", "未提交"],
}


@pytest.fixture(scope="module")
def printed():
	"""Each form's PDF lines and the words of its HTML, printed for the demo company in a distinctive date format."""
	create_demo_data()
	settings = frappe.get_single("System Settings")
	before = settings.date_format
	settings.date_format = SITE_FORMAT
	settings.save()
	frappe.local.user_date_format = None
	language, frappe.local.lang = frappe.local.lang, "zh"  # printed by a Chinese user
	try:
		filters = {"company": COMPANY, "from_date": add_days(today(), -400), "to_date": today()}
		forms = {name: (lambda name=name: print_pdf(name)) for name in app_print_formats()}
		for record in ("GSP Purchase Record", "GSP Sales Record", "GSP Outbound Review Record"):
			forms[record] = lambda record=record: (
				pdf_lines(kept(record, record_pdf(record, filters))),
				record_html(record, filters),
			)
		done = {}
		for form, make in forms.items():  # all at once: each test's rollback takes the demo data with it
			try:
				done[form] = make()
			except Exception as error:
				done[form] = error
		frappe.local.lang = language

		def result(form):
			if isinstance(done[form], Exception):
				raise done[form]
			return done[form]

		yield result
	finally:
		frappe.local.lang = language
		settings.reload()
		settings.date_format = before
		settings.save()
		frappe.local.user_date_format = None


def kept(name: str, pdf: bytes) -> bytes:
	(log_dir() / f"{name}.pdf").write_bytes(pdf)  # for a look at the layout
	return pdf


def app_print_formats() -> list[str]:
	return frappe.get_all(
		"Print Format", filters={"module": ("in", app_modules()), "standard": "Yes"}, pluck="name"
	)


def print_pdf(print_format) -> tuple[list[str], str]:
	from frappe.www.printview import get_rendered_template

	doc = document_for(frappe.db.get_value("Print Format", print_format, "doc_type"))
	html = get_rendered_template(doc, print_format=frappe.get_doc("Print Format", print_format))
	return pdf_lines(print_format_pdf(doc, print_format)), html


def document_for(doctype):
	"""A document of the demo company to print in a format of `doctype`."""
	if doctype == "Batch":
		batch = frappe.db.get_value("Batch", {"batch_id": "STENT2025A01"}) or frappe.get_all(
			"Batch",
			filters={"item": ("in", frappe.get_all("UDI Device Identifier", pluck="item"))},
			pluck="name",
			order_by="creation",
			limit=1,
		)
		return frappe.get_doc("Batch", batch)
	if doctype == "Adverse Event Report":
		batch = frappe.get_doc("Batch", frappe.db.get_value("Batch", {"item": "MD-III-STENT"}))
		doc = adverse_event_report(batch.item, add_days(today(), -1), batch=batch.name, company=COMPANY)
		doc.insert()
		return doc
	if doctype == "Annual Self Inspection":
		filters = {"company": COMPANY, "year": getdate(today()).year, "inspection_type": "Distributor"}
		name = frappe.db.get_value("Annual Self Inspection", {**filters, "docstatus": ("<", 2)})
		return (
			frappe.get_doc("Annual Self Inspection", name)
			if name
			else frappe.get_doc({"doctype": "Annual Self Inspection", **filters}).insert()
		)
	filters = {"company": COMPANY, "docstatus": 1}
	if doctype == "Device Recall":
		filters["is_mock"] = 0
	if doctype == "Sales Invoice":  # the demo's invoice under the two-invoice rule
		filters["name"] = (
			"in",
			frappe.get_all("Sales Invoice Item", {"md_purchase_invoices": ("is", "set")}, pluck="parent"),
		)
	if doctype == "Purchase Receipt":
		# labels are printed for devices with a DI (the demo also buys a component, and instruments without one)
		labelled = frappe.get_all("UDI Device Identifier", pluck="item")
		filters["name"] = (
			"in",
			frappe.get_all("Purchase Receipt Item", {"item_code": ("in", labelled)}, pluck="parent"),
		)
	name = frappe.db.get_value(doctype, filters, order_by="creation desc")
	assert name, f"the demo has no {doctype} to print"
	return frappe.get_doc(doctype, name)


class Words(HTMLParser):
	"""The printed words of an HTML page (style and script left out), and its table headers."""

	def __init__(self):
		super().__init__()
		self.words, self.headers, self._skip, self._header = [], [], 0, None

	def handle_starttag(self, tag, attrs):
		self._skip += tag in ("style", "script")
		if tag == "th":
			self._header = ""

	def handle_endtag(self, tag):
		self._skip -= tag in ("style", "script")
		if tag == "th" and self._header is not None:
			self.headers.append(self._header.strip())
			self._header = None

	def handle_data(self, data):
		if not self._skip:
			self.words.extend(data.split())
			if self._header is not None:
				self._header += data


def words_of(html) -> Words:
	parser = Words()
	parser.feed(html)
	return parser


def broken(token: str, lines: list[str], printed: set[str]) -> bool:
	"""The token runs over a line break somewhere: the end of a line and the start of the next (or of the next few,
	for a narrow column) make up (part of) a word the form prints, and the token lies across the break. Two cells
	side by side whose texts only happen to spell the token when joined (a quantity 10 before a date 04.09.2026)
	are not a broken word; nor is a break at a space."""
	for start, line in enumerate(lines):
		if not line.split() or line != line.rstrip():
			continue
		pieces = [line.split()[-1]]
		for following in lines[start + 1 : start + 5]:
			if not following.split() or following != following.lstrip():
				break
			pieces.append(following.split()[0])
			joined = "".join(pieces)
			if token in joined and not any(token in piece for piece in pieces):
				if any(joined in word for word in printed):
					return True
				break
			if len(following.split()) > 1 or following != following.rstrip():
				break
	return False


def unbreakable(word: str) -> list[str]:
	"""A code (MD-I-MASK, 2026-11-29, a batch number) stays whole; a word of prose may break at its hyphen."""
	return word.split("-") if re.search("[a-z]", word) else [word]


FORMS = sorted(EXPECTED)


def test_every_print_format_of_the_app_is_checked():
	assert set(app_print_formats()) <= set(EXPECTED)


@pytest.mark.parametrize("form", FORMS)
def test_the_form_prints_its_chinese_words_and_none_the_vocabulary_calls_wrong(printed, form):
	lines, _html = printed(form)
	text = compact("".join(lines))
	missing = [word for word in EXPECTED[form] if word not in text]
	assert not missing, f"{form} lacks {missing}"
	empty = [word for word in NOT_EXPECTED.get(form, ()) if word in text]
	assert not empty, f"{form} prints {empty}: it found nothing to print"
	wrong = {word for word in wrong_words() if word in text}
	assert not wrong, f"{form} prints {sorted(wrong)}, which docs/vocabulary.md calls wrong"


@pytest.mark.parametrize("form", FORMS)
def test_the_form_prints_dates_in_the_sites_format(printed, form):
	lines, _html = printed(form)
	dates = [match.group(0) for line in lines for match in DATE_LIKE.finditer(line)]
	assert any(SITE_DATE.fullmatch(date) for date in dates), f"{form} prints no date at all"
	foreign = [date for date in dates if not SITE_DATE.fullmatch(date)]
	assert not foreign, f"{form} prints {foreign} although the site writes {formatdate(today())}"


@pytest.mark.parametrize("form", FORMS)
def test_no_column_of_the_form_is_narrower_than_its_longest_word(printed, form):
	lines, html = printed(form)
	words = words_of(html)
	tokens = {
		part for word in words.words if not CJK.search(word) for part in unbreakable(word) if len(part) > 2
	}
	tokens |= {compact(header) for header in words.headers if 1 < len(compact(header)) <= 6}
	printed_words = set(words.words) | {compact(header) for header in words.headers}
	split = sorted(token for token in tokens if broken(token, lines, printed_words))
	assert not split, f"{form} breaks {split} over two lines"


@pytest.mark.parametrize("form", FORMS)
def test_the_text_layer_holds_each_word_once(printed, form):
	"""A made-up bold draws each character twice into the text layer (批号批号, 批批号号)."""
	lines, html = printed(form)
	text, words = compact("".join(lines)), words_of(html)
	printed_words = compact("".join(words.words))
	doubled = sorted(
		header
		for header in {compact(h) for h in words.headers if len(compact(h)) > 1}
		if text.count(header) > printed_words.count(header) or "".join(char * 2 for char in header) in text
	)
	assert not doubled, f"{form} prints {doubled} twice over"


def test_the_purchase_record_names_each_suppliers_address_and_contact():
	"""A receipt that names no address or contact prints the supplier's primary ones (Decree 54 Art 32)."""
	from medical_devices.nmpa.gsp_records import purchase_record

	create_demo_data()
	_columns, rows = purchase_record({"company": COMPANY, "from_date": add_days(today(), -400)})
	assert rows
	for row in rows:
		assert row.party_address and row.supplier_contact, row.voucher_no
		assert re.search(r"\d{3,4}-\d{7,8}", row.supplier_contact), row.supplier_contact


def test_a_reader_without_address_rights_still_gets_the_suppliers_address():
	"""The record's reader may read receipts but not Address (a stock or quality user): the record names the
	supplier's address all the same, and refuses nothing."""
	from medical_devices.nmpa.gsp_records import purchase_record
	from tests.factories import ensure_user

	create_demo_data()
	user = ensure_user("md-gsp-reader@example.com", "Stock User", "Quality Manager")
	frappe.set_user(user)
	address = frappe.db.get_value(
		"Dynamic Link", {"parenttype": "Address", "link_doctype": "Supplier"}, "parent"
	)
	assert not frappe.has_permission("Address", "read", doc=address, user=user)
	_columns, rows = purchase_record({"company": COMPANY, "from_date": add_days(today(), -400)})
	assert rows and all(row.party_address for row in rows)
