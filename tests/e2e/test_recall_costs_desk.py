"""Finance books a recall cost from the recall's form, finds it in the Recall Cost Summary, and prints the recall
event report, which comes out in Chinese."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from tests.e2e.desk import collect_uncaught_errors, js_errors, login, wait
from tests.factories import ensure_item, first_company_stores, material_receipt, new_batch, release
from tests.frappe_site import log_dir

ITEM = "_Test MD E2E Recall Device"


@pytest.fixture
def open_recall(frappe_site):
	"""A submitted recall of a batch with 10 units in our stock, and the company's recall accounts."""
	import frappe
	from frappe.utils import add_days, today

	from medical_devices.recall.ledger import create_recall_accounts

	company = first_company_stores()[0]
	ensure_item(ITEM, valuation_rate=10)
	batch = new_batch(ITEM, "E2E-RCL")
	material_receipt(batch, 10)
	release(batch.name)
	recall = frappe.get_doc(
		{
			"doctype": "Device Recall",
			"company": company,
			"recall_class": "Class II Recall",
			"start_date": today(),
			"reason": "标签印错有效期 Wrong expiry date on the label",
			"batches": [{"batch": batch.name}],
		}
	).insert()
	recall.submit()
	create_recall_accounts(company)
	frappe.db.commit()  # nosemgrep: the web server process must see the records
	return frappe._dict(name=recall.name, company=company, batch_id=batch.batch_id)


def test_a_recall_cost_is_booked_in_the_desk_and_reaches_the_ledger_and_the_summary(
	browser, server_url, open_recall, screenshot_on_failure
):
	import frappe

	login(browser, server_url)
	browser.get(f"{server_url}/app/device-recall/{open_recall.name}")
	collect_uncaught_errors(browser)
	wait(browser).until(
		EC.element_to_be_clickable(
			(By.XPATH, "//div[contains(@class,'inner-group-button')]//button[contains(., 'Create')]")
		)
	).click()
	wait(browser).until(
		EC.element_to_be_clickable(
			(By.XPATH, "//a[contains(@class,'dropdown-item') and contains(., 'Recall Cost Entry')]")
		)
	).click()
	wait(browser).until(
		lambda d: d.execute_script("return cur_frm && cur_frm.doctype === 'Recall Cost Entry'")
	)
	assert browser.execute_script("return cur_frm.doc.device_recall") == open_recall.name
	browser.execute_script(
		"""cur_frm.add_child("costs", {cost_category: "Logistics", amount: 120, description: "回收运费"});
		cur_frm.refresh_field("costs");
		cur_frm.save();"""
	)
	wait(browser).until(lambda d: d.execute_script("return !cur_frm.is_new() && !cur_frm.is_dirty()"))
	browser.execute_script("cur_frm.savesubmit()")
	wait(browser).until(EC.element_to_be_clickable((By.CSS_SELECTOR, ".modal.show .btn-primary"))).click()
	wait(browser).until(lambda d: d.execute_script("return cur_frm.doc.docstatus === 1"))
	wait(browser).until(EC.element_to_be_clickable((By.XPATH, "//button[contains(., 'General Ledger')]")))
	browser.save_screenshot(str(log_dir() / "recall-cost-entry.png"))
	assert js_errors(browser) == []

	frappe.db.rollback()  # see what the web server committed
	entry = frappe.get_last_doc("Recall Cost Entry", {"device_recall": open_recall.name})
	assert (entry.docstatus, entry.total_amount) == (1, 120)
	assert frappe.db.get_value(
		"GL Entry",
		{
			"voucher_no": entry.journal_entry,
			"md_device_recall": open_recall.name,
			"debit": 120,
			"is_cancelled": 0,
		},
		"account",
	) == frappe.db.get_value(
		"Recall Cost Account", {"company": open_recall.company, "purpose": "Logistics"}, "account"
	)

	browser.get(
		f"{server_url}/app/query-report/Recall Cost Summary?company={open_recall.company}"
		f"&device_recall={open_recall.name}&group_by=Batch"
	)
	wait(browser).until(
		EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".dt-scrollable"), open_recall.batch_id)
	)
	report = browser.find_element(By.CSS_SELECTOR, ".layout-main-section").text
	assert "120" in report and "Logistics" in report
	browser.save_screenshot(str(log_dir() / "recall-cost-summary.png"))
	assert js_errors(browser) == []

	browser.get(
		f"{server_url}/printview?doctype=Device%20Recall&name={open_recall.name}&format=Recall%20Event%20Report"
	)
	wait(browser).until(EC.text_to_be_present_in_element((By.TAG_NAME, "body"), "医疗器械召回事件报告表"))
	page = browser.find_element(By.TAG_NAME, "body").text
	assert open_recall.batch_id in page and "二级召回" in page
	browser.save_screenshot(str(log_dir() / "recall-event-report.png"))
