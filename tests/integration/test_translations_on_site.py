import frappe
from frappe.translate import get_all_translations, get_messages_for_app, get_messages_from_navbar

from tests.messages import translations


def test_every_string_frappe_shows_for_us_has_a_chinese_translation():
	zh = get_all_translations("zh")
	# Frappe adds its own navbar strings to every app's list; they are not ours to translate.
	navbar = {message for _, message, *_ in get_messages_from_navbar()}
	# public/dist holds the bundles built from our sources (checked as sources); minified, they fool the extractor
	messages = {
		message
		for path, message, *_ in get_messages_for_app("medical_devices")
		if "/public/dist/" not in (path or "")
	} - navbar
	assert "Medical Device Settings" in messages
	missing = sorted(message for message in messages if message not in zh)
	assert not missing, missing


def test_site_serves_our_chinese_translation():
	frappe.local.lang = "zh"
	frappe.local.lang_full_dict = None
	try:
		assert frappe._("Medical Devices") == "医疗器械"
		assert frappe._("Regulatory Region") == translations("zh")["Regulatory Region"]
	finally:
		frappe.local.lang = "en"
		frappe.local.lang_full_dict = None


def test_we_do_not_change_how_frappe_and_erpnext_translate_their_own_words():
	from frappe.translate import get_translations_from_apps

	upstream = get_translations_from_apps("zh", ["frappe", "erpnext"])
	ours = translations("zh")
	changed = {
		source: (upstream[source], target)
		for source, target in ours.items()
		if source in upstream and upstream[source] != target
	}
	assert not changed, changed
