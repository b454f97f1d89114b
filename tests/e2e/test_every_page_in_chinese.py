"""Every page of the app as a Chinese user reads it: each workspace, each list and a form of each doctype, and each
report. The words the page itself writes (titles, labels, section heads, buttons, column headers, indicators,
help texts, placeholders) hold no English outside an allow-list of codes and names, and none of the words
docs/vocabulary.md calls wrong. Data the user entered (names, remarks) is not the page's wording and is not read.
Screenshots of the main forms are kept as test artifacts."""

import json
import re

import pytest

from tests.e2e.desk import collect_uncaught_errors, desk_user, js_errors, login, wait
from tests.frappe_site import log_dir
from tests.vocabulary import wrong_words

SWEEP_USER = "md-e2e-zh-sweep@example.com"
SWEEP_PASSWORD = "Md-e2e-zh-sweep-2026!"

# Codes, standards, units and product names that read the same in a Chinese text.
ALLOWED = {
	*"UDI DI PI GS1 GTIN HIBC ICCBBA IFA MA AHM NMPA GSP FDA MDR EU EUDAMED GUDID IVD EMDN GMDN UDID".split(),
	*"CNY PDF CSV XML TSV JSON API REST ID IP SKU QA CAPA NHSA SPD HRI FNC1 GS URL UTC CFR Part ISO".split(),
	*"ERPNext Frappe Excel DataMatrix Digital Link IDcode".split(),
}
ENGLISH = re.compile(r"[A-Za-z][A-Za-z0-9_'’/-]*")
CODE = re.compile(r"[\d/_]")  # a code, number or zone name (MAT-DN-2026-00001, GS1, Asia/Shanghai)
MAIN_FORMS = ("Device Recall", "Batch", "Adverse Event Report", "Registration Certificate", "Temperature Log")

# The page's own wording, read in the browser from what the current page shows.
PAGE_WORDS = """
const page = frappe.container.page;
if (!page) return [];
const selectors = [
	// a form's title is its record's name or title: data, not the page's wording
	...(window.cur_frm && page.contains(cur_frm.wrapper) ? [] : [".title-text"]), ".control-label", ".section-head", ".form-tabs .nav-link",
	".btn:not(.hidden)", ".indicator-pill", ".list-row-head", ".dt-cell--header .dt-cell__content",
	".widget-title", ".link-text", ".help-box", ".ce-header", ".frappe-control .help", ".no-result",
	".sidebar-label", ".list-row-head .list-subject", ".page-form .frappe-control .control-label",
	".grid-heading-row .static-area",
];
const seen = new Set();
const texts = [];
for (const element of page.querySelectorAll(selectors.join(","))) {
	if (!element.offsetParent || seen.has(element)) continue;
	if (element.closest(".form-timeline, .timeline-items, .comment-box, .new-timeline, .form-footer")) continue;
	seen.add(element);
	const text = element.innerText.trim();
	if (text) texts.push(text);
}
for (const input of page.querySelectorAll("input[placeholder], textarea[placeholder]")) {
	if (input.offsetParent && input.placeholder) texts.push(input.placeholder);
}
return texts;
"""


@pytest.fixture(scope="module")
def sweep_user(frappe_site):
	from medical_devices.medical_devices.constants.roles import ROLES

	return desk_user(
		SWEEP_USER,
		SWEEP_PASSWORD,
		"System Manager",
		"Stock User",
		"Stock Manager",
		"Accounts Manager",
		*[role["role_name"] for role in ROLES],
		first_name="巡检",
		language="zh",
	)


@pytest.fixture(scope="module")
def pages(sweep_user):
	"""(kind, name, route) of every workspace, list, form and report of the app that the user may open, on the
	demo's records."""
	import frappe

	from medical_devices.audit.scope import app_modules
	from medical_devices.demo import create_demo_data
	from medical_devices.gsp.batch_status import set_batch_status
	from tests.factories import ensure_item, new_batch, release

	create_demo_data()
	blocked = new_batch(ensure_item("_Test MD Sweep Device"), "SWEEP")  # a status whose word differs (冻结)
	release(blocked.name)
	set_batch_status(blocked.name, "Blocked", "Damaged cartons", check_role=False)
	frappe.db.commit()  # nosemgrep: the web server process must see the records
	from frappe.utils.user import UserPermissions

	modules = app_modules()
	user = UserPermissions(SWEEP_USER)
	user.build_permissions()
	readable = set(user.can_read)  # what the desk offers the user as pages
	found = [
		("workspace", name, ["Workspaces", name])
		for name in frappe.get_all("Workspace", filters={"module": ("in", modules)}, pluck="name")
	]
	for doctype in frappe.get_all(
		"DocType", filters={"module": ("in", modules), "istable": 0}, fields=["name", "issingle"]
	):
		if doctype.name not in readable:
			continue
		if doctype.issingle:
			found.append(("form", doctype.name, ["Form", doctype.name]))
			continue
		found.append(("list", doctype.name, ["List", doctype.name]))
		name = frappe.db.get_value(doctype.name, {}, "name", order_by="creation desc")
		found.append(("form", doctype.name, ["Form", doctype.name, name] if name else ["new", doctype.name]))
	found += [
		("report", name, ["query-report", name])
		for name in frappe.get_all(
			"Report", filters={"module": ("in", modules), "is_standard": "Yes"}, pluck="name"
		)
	]
	return found


def settled(browser, kind, name):
	"""The page of `name` is shown and no request is in flight."""
	return browser.execute_script(
		"""const [kind, name] = arguments;
		if (frappe.request && frappe.request.ajax_count > 0) return false;
		if (kind === "form") return !!(window.cur_frm && cur_frm.doctype === name && cur_frm.layout);
		if (kind === "list") return !!(window.cur_list && cur_list.doctype === name
			&& cur_list.page && !cur_list.$result.find(".list-loading").length);
		if (kind === "report") return !!(frappe.query_report && frappe.query_report.report_name === name
			&& frappe.query_report.page && frappe.query_report.page.wrapper.is(":visible"));
		return !!(frappe.container.page && frappe.container.page.innerText.includes(__(name)));""",
		kind,
		name,
	)


def path(route) -> str:
	from urllib.parse import quote

	slug = route[1].lower().replace(" ", "-")
	if route[0] == "Workspaces":
		return slug
	if route[0] == "query-report":
		return f"query-report/{quote(route[1])}"
	if route[0] == "new":
		return f"{slug}/new"
	if route[0] == "List":
		return slug
	return f"{slug}/{quote(str(route[2]))}" if len(route) > 2 else slug


def english_words(texts: list[str]) -> set[str]:
	return {
		word
		for text in texts
		for word in ENGLISH.findall(text)
		if len(word) > 1 and word not in ALLOWED and not CODE.search(word)
	}


def test_every_page_of_the_app_reads_in_chinese(
	browser, server_url, sweep_user, pages, screenshot_on_failure
):
	login(browser, server_url, *sweep_user)
	browser.get(f"{server_url}/app")
	wait(browser).until(lambda d: d.execute_script("return !!(window.frappe && frappe.container)"))
	collect_uncaught_errors(browser)
	wrong = wrong_words()
	problems = {}
	for kind, name, route in pages:
		# leaving a new, unsaved form: no "leave this page?" prompt
		browser.execute_script(
			"window.onbeforeunload = null; window.jQuery && jQuery(window).off('beforeunload')"
		)
		browser.get(f"{server_url}/app/{path(route)}")  # a fresh page each: no state carried from the last
		try:
			wait(browser, 20).until(lambda d, kind=kind, name=name: settled(d, kind, name))
		except Exception:
			state = browser.execute_script(
				"return [frappe.get_route_str(), frappe.request && frappe.request.ajax_count,"
				" window.cur_frm && cur_frm.doctype, window.cur_list && cur_list.doctype,"
				" frappe.container.page && frappe.container.page.innerText.slice(0, 300)]"
			)
			raise AssertionError(f"the {kind} {name} did not load: {state}") from None
		browser.execute_script("return new Promise(resolve => setTimeout(resolve, 300))")
		texts = browser.execute_script(PAGE_WORDS)
		english = english_words(texts)
		wrong_here = {word for text in texts for word in wrong if word in text}
		if english or wrong_here:
			problems[f"{kind} {name}"] = sorted(english | wrong_here)
		if kind == "form" and name in MAIN_FORMS:
			browser.save_screenshot(str(log_dir() / f"zh-{name.lower().replace(' ', '-')}.png"))
	browser.execute_script(
		"window.onbeforeunload = null; window.jQuery && jQuery(window).off('beforeunload')"
	)
	browser.get("about:blank")  # nothing left loading for the next test
	(log_dir() / "zh-page-sweep.json").write_text(json.dumps(problems, ensure_ascii=False, indent=1))
	assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)
	errors = [error for error in js_errors(browser) if "beforeunload" not in error]  # leaving a new form
	assert errors == [], "\n".join(errors)
