import re

from tests.messages import app_messages, translations

PLACEHOLDER = re.compile(r"\{\w*\}")


def test_every_user_facing_string_has_a_chinese_translation():
	missing = sorted(app_messages() - translations("zh").keys())
	assert not missing, "add these to medical_devices/translations/zh.csv:\n" + "\n".join(missing)


def test_translations_are_chinese_and_keep_placeholders():
	for source, target in translations("zh").items():
		assert target.strip(), f"empty translation for {source!r}"
		assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(target)), source
		if re.search(r"[A-Za-z]{3,}", source) and not source.isupper():
			assert re.search(r"[\u4e00-\u9fff]", target), f"{source!r} is not translated into Chinese"


def test_workspace_is_called_yiliao_qixie_in_chinese():
	assert translations("zh")["Medical Devices"] == "医疗器械"


def test_no_translation_is_left_over_from_removed_strings():
	stale = sorted(translations("zh").keys() - app_messages() - ALLOWED_EXTRA)
	assert not stale, "remove these from zh.csv or use them:\n" + "\n".join(stale)


# Strings Frappe shows for us although no source file of ours spells them (module names in the desk).
ALLOWED_EXTRA = {
	"UDI",
	"GSP",
	"Traceability",
	"Recall",
	"NMPA",
	"Audit",
	"MD Finance",
	"MD Quality",
	"MD Hospitals",
}
