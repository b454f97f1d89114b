"""What a Chinese user reads for the domain's statuses and fields (docs/vocabulary.md): an open recall is 进行中 and a
closed one 已结案 (not Frappe's 开 / 已关闭), in the form and the list; a blocked batch 冻结 as its button says,
its expiry 有效期至 and its item's name 产品名称. Screenshots of the forms are kept as test artifacts."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from tests.e2e.desk import collect_uncaught_errors, js_errors, login, wait
from tests.frappe_site import log_dir


@pytest.fixture(scope="module")
def records(frappe_site):
	import frappe

	from medical_devices.demo import COMPANY, create_demo_data
	from tests.factories import ensure_item, new_batch, release

	create_demo_data()
	blocked = new_batch(ensure_item("_Test MD Words Device"), "WORDS")
	release(blocked.name)
	from medical_devices.gsp.batch_status import set_batch_status

	set_batch_status(blocked.name, "Blocked", "Damaged cartons", check_role=False)
	quarantined = new_batch(ensure_item("_Test MD Words Device"), "WORDSQ")
	frappe.db.commit()  # nosemgrep: the web server process must see the records
	return frappe._dict(
		open_recall=frappe.db.get_value(
			"Device Recall", {"company": COMPANY, "docstatus": 1, "status": "Open"}, "name"
		),
		closed_recall=frappe.db.get_value(
			"Device Recall", {"company": COMPANY, "docstatus": 1, "status": "Closed"}, "name"
		),
		blocked=blocked.name,
		quarantined=quarantined.name,
	)


def indicator(browser):
	return (
		wait(browser)
		.until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".page-head .indicator-pill")))
		.text.strip()
	)


def open_form(browser, server_url, route, doctype):
	browser.get(f"{server_url}/app/{route}")
	collect_uncaught_errors(browser)
	wait(browser).until(lambda d: d.execute_script(f"return cur_frm && cur_frm.doctype === '{doctype}'"))


def test_recall_and_batch_statuses_read_as_the_domain_writes_them(
	browser, server_url, chinese_user, records, screenshot_on_failure
):
	assert records.open_recall and records.closed_recall
	login(browser, server_url, *chinese_user)

	open_form(browser, server_url, f"device-recall/{records.open_recall}", "Device Recall")
	assert indicator(browser) == "进行中"
	browser.save_screenshot(str(log_dir() / "device-recall-open-zh.png"))
	open_form(browser, server_url, f"device-recall/{records.closed_recall}", "Device Recall")
	assert indicator(browser) == "已结案"

	browser.get(f"{server_url}/app/device-recall")
	wait(browser).until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".list-row-container")))
	statuses = {
		element.text.strip()
		for element in browser.find_elements(By.CSS_SELECTOR, ".list-row .indicator-pill")
	}
	assert {"进行中", "已结案"} <= statuses and not {"开", "已关闭"} & statuses, statuses

	open_form(browser, server_url, f"batch/{records.blocked}", "Batch")
	assert indicator(browser) == "冻结"
	labels = browser.find_element(By.CSS_SELECTOR, ".form-layout").text
	assert "有效期至" in labels and "产品名称" in labels
	assert not [word for word in ("批次ID", "到期时间", "项目名称", "已屏蔽") if word in labels], labels
	browser.save_screenshot(str(log_dir() / "batch-blocked-zh.png"))
	assert js_errors(browser) == []


def test_texts_the_app_stored_read_in_the_readers_language(
	browser, server_url, chinese_user, records, screenshot_on_failure
):
	"""The reason is stored as the English facts ("New batch"): the form and the history list read 新批次, a reason
	someone typed reads as typed."""
	import frappe

	assert frappe.db.get_value("Batch", records.quarantined, "md_status_reason") == "New batch"
	login(browser, server_url, *chinese_user)
	open_form(browser, server_url, f"batch/{records.quarantined}", "Batch")
	shown = wait(browser).until(
		lambda d: d.execute_script(
			"return cur_frm.fields_dict.md_status_reason.$wrapper.find('.control-value').text().trim()"
		)
	)
	assert shown == "新批次"
	open_form(browser, server_url, f"batch/{records.blocked}", "Batch")
	assert (
		browser.execute_script(
			"return cur_frm.fields_dict.md_status_reason.$wrapper.find('.control-value').text().trim()"
		)
		== "Damaged cartons"
	)

	browser.get(f"{server_url}/app/batch-status-change?batch={records.quarantined}")
	# the list has drawn its rows (not only its refreshing placeholder)
	rows = wait(browser).until(
		lambda d: (text := d.find_element(By.CSS_SELECTOR, ".frappe-list").text)
		and ("新批次" in text or "New batch" in text)
		and text
	)
	browser.save_screenshot(str(log_dir() / "batch-status-change-zh.png"))
	assert js_errors(browser) == []
	assert "新批次" in rows and "New batch" not in rows, rows
