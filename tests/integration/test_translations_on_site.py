import frappe
from frappe.translate import get_messages_for_app

from tests.messages import translations


def test_frappe_finds_no_untranslated_string_of_ours():
	zh = translations("zh")
	missing = sorted({message for _, message, *_ in get_messages_for_app("medical_devices")} - zh.keys())
	assert not missing, missing


def test_site_serves_our_chinese_translation():
	frappe.local.lang = "zh"
	frappe.local.lang_full_dict = None
	try:
		assert frappe._("Medical Devices") == "医疗器械"
		assert frappe._("Regulatory Region") == zh_label("Regulatory Region")
	finally:
		frappe.local.lang = "en"
		frappe.local.lang_full_dict = None


def zh_label(message):
	return translations("zh")[message]
