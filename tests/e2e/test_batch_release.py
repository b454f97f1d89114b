"""A QA reviewer who reads Chinese releases a quarantined device batch from the Batch form, giving a reason."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from tests.e2e.desk import collect_uncaught_errors, js_errors, login, wait
from tests.factories import ensure_item, ensure_user, new_batch
from tests.frappe_site import log_dir

QA_USER = "md-e2e-qa@example.com"
QA_PASSWORD = "Md-e2e-qa-2026!"
ITEM = "_Test MD E2E Release Device"


@pytest.fixture
def quarantined_batch(frappe_site):
	import frappe
	from frappe.utils.password import update_password

	# a reinstall of the app (test_install) drops its roles from every user: ensure_user gives them back
	ensure_user(QA_USER, "QA Reviewer", "Stock User", first_name="质检", language="zh")
	update_password(QA_USER, QA_PASSWORD)
	ensure_item(ITEM)
	batch = new_batch(ITEM, "E2E-QA", expiry_days=300)
	frappe.db.commit()  # nosemgrep: the web server process must see the records
	assert batch.md_batch_status == "Quarantine"
	return batch.name


def test_qa_reviewer_releases_a_quarantined_batch_in_the_desk(
	browser, server_url, quarantined_batch, screenshot_on_failure
):
	import frappe

	login(browser, server_url, QA_USER, QA_PASSWORD)
	# the list shows the GSP status where ERPNext would say "Active"
	browser.get(f"{server_url}/app/batch?name={quarantined_batch}")
	wait(browser).until(
		EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".list-row-container .indicator-pill"), "待验")
	)
	browser.get(f"{server_url}/app/batch/{quarantined_batch}")
	collect_uncaught_errors(browser)
	wait(browser).until(indicator("待验"))

	change_status(browser, "放行批次", "验收合格，COA 已核对")
	wait(browser).until(indicator("已放行"))
	browser.save_screenshot(str(log_dir() / "batch-released.png"))
	assert js_errors(browser) == []
	frappe.db.rollback()  # see what the web server committed
	assert frappe.db.get_value(
		"Batch", quarantined_batch, ["md_batch_status", "md_status_changed_by", "md_status_reason"]
	) == ("Released", QA_USER, "验收合格，COA 已核对")

	change_status(browser, "转入待验", "客户投诉，待调查")
	wait(browser).until(indicator("待验"))
	assert js_errors(browser) == []
	frappe.db.rollback()
	history = frappe.get_all(
		"Batch Status Change",
		{"batch": quarantined_batch},
		["from_status", "to_status", "changed_by", "reason"],
		order_by="name asc",
	)
	assert [(h.from_status or "", h.to_status, h.changed_by) for h in history[1:]] == [
		("Quarantine", "Released", QA_USER),
		("Released", "Quarantine", QA_USER),
	]
	assert history[-1].reason == "客户投诉，待调查"


def indicator(text):
	return EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".page-head .indicator-pill"), text)


def change_status(browser, action, reason):
	"""Batch Status (批次状态) menu -> action, then the reason in the dialog, then Confirm."""
	wait(browser).until(
		EC.element_to_be_clickable(
			(By.XPATH, "//div[contains(@class,'inner-group-button')]//button[contains(., '批次状态')]")
		)
	).click()
	wait(browser).until(
		EC.element_to_be_clickable(
			(By.XPATH, f"//a[contains(@class,'dropdown-item') and contains(., '{action}')]")
		)
	).click()
	field = wait(browser).until(
		EC.visibility_of_element_located((By.CSS_SELECTOR, ".modal.show [data-fieldname='reason'] textarea"))
	)
	field.send_keys(reason)
	browser.find_element(By.CSS_SELECTOR, ".modal.show .btn-primary").click()
	wait(browser).until(EC.invisibility_of_element_located((By.CSS_SELECTOR, ".modal.show")))
