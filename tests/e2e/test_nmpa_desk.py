"""Regulatory affairs in the desk: a UDID export generated from its form (the job runs as the worker would run it)
and downloaded, and the GSP sales record opened as a report and printed as the Chinese PDF."""

import json
from urllib.parse import quote, urlencode

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from tests.e2e.desk import collect_uncaught_errors, js_errors, login, wait
from tests.factories import (
	ensure_device_identifier,
	ensure_item,
	ensure_party,
	first_company_stores,
	material_receipt,
	new_batch,
	qualify_party,
	register_item,
	release,
)
from tests.frappe_site import log_dir

ITEM = "_Test MD E2E NMPA Device"
CUSTOMER = "_Test MD E2E NMPA Hospital"
DI = "06970000000024"


@pytest.fixture
def sold_device(frappe_site):
	"""A device with complete UDID master data, its DI, and 3 units of a released batch delivered to a hospital."""
	import frappe

	company, stores = first_company_stores()
	ensure_item(
		ITEM,
		valuation_rate=10,
		md_model="6F 100cm",
		md_product_category="Consumable",
		md_classification_code="03-13-01",
		md_mr_safety="MR Conditional",
		md_single_use=1,
		md_sterile_packaging=1,
	)
	certificate = register_item(ITEM)
	frappe.db.set_value("Registration Certificate", certificate, "holder_credit_code", "91440300MA5FK0002G")
	ensure_device_identifier(DI, ITEM)
	qualify_party("Customer", ensure_party("Customer", CUSTOMER))
	batch = new_batch(ITEM, "E2E-NMPA")
	material_receipt(batch, 10)
	release(batch.name)
	note = frappe.get_doc(
		{
			"doctype": "Delivery Note",
			"company": company,
			"customer": CUSTOMER,
			"items": [
				{
					"item_code": ITEM,
					"qty": 3,
					"rate": 50,
					"warehouse": stores,
					"batch_no": batch.name,
					"use_serial_batch_fields": 1,
				}
			],
		}
	).insert()
	note.submit()
	frappe.db.commit()  # nosemgrep: the web server process must see the records
	return frappe._dict(company=company, batch_id=batch.batch_id, delivery_note=note.name)


def fetch(browser, url):
	"""GET from the page's own session: status, content type and size."""
	return browser.execute_async_script(
		"""const done = arguments[arguments.length - 1];
		fetch(arguments[0]).then(async (r) => done([r.status, r.headers.get('content-type'),
			(await r.arrayBuffer()).byteLength])).catch((e) => done([0, String(e), 0]));""",
		url,
	)


def test_a_udid_export_is_generated_from_its_form_and_downloaded(
	browser, server_url, sold_device, screenshot_on_failure
):
	import frappe

	from medical_devices.nmpa.doctype.device_data_export.device_data_export import run_export

	login(browser, server_url)
	browser.get(f"{server_url}/app/device-data-export/new")
	collect_uncaught_errors(browser)
	wait(browser).until(
		lambda d: d.execute_script("return cur_frm && cur_frm.doctype === 'Device Data Export'")
	)
	browser.find_element(
		By.CSS_SELECTOR, ".page-title"
	).click()  # a user's first gesture lets the desk play its sounds
	browser.execute_script(f'cur_frm.set_value("item", "{ITEM}").then(() => cur_frm.save());')
	wait(browser).until(lambda d: d.execute_script("return !cur_frm.is_new() && !cur_frm.is_dirty()"))
	name = browser.execute_script("return cur_frm.doc.name")
	wait(browser).until(
		EC.element_to_be_clickable(
			(By.XPATH, "//button[contains(@class,'btn-primary') and contains(., 'Generate')]")
		)
	).click()
	wait(browser).until(lambda d: d.execute_script("return cur_frm.doc.status === 'Queued'"))
	assert "running in the background" in browser.find_element(By.CSS_SELECTOR, ".layout-main-section").text

	frappe.db.rollback()
	run_export(name)  # what the long-queue worker runs
	browser.execute_script("cur_frm.reload_doc()")
	wait(browser).until(lambda d: d.execute_script("return cur_frm.doc.status === 'Completed'"))
	assert "1 devices exported." in browser.find_element(By.CSS_SELECTOR, ".layout-main-section").text
	status, content_type, size = fetch(browser, browser.execute_script("return cur_frm.doc.export_file"))
	assert status == 200 and "xml" in content_type and size > 1000
	browser.save_screenshot(str(log_dir() / "device-data-export.png"))
	assert js_errors(browser) == []


def test_the_gsp_sales_record_opens_as_a_report_and_prints_as_a_chinese_pdf(
	browser, server_url, sold_device, screenshot_on_failure
):
	login(browser, server_url)
	filters = {
		"company": sold_device.company,
		"from_date": "2000-01-01",
		"to_date": "2100-12-31",
		"item_code": ITEM,
	}
	browser.get(f"{server_url}/app/query-report/GSP Sales Record?{urlencode(filters)}")
	collect_uncaught_errors(browser)
	wait(browser).until(
		EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".dt-scrollable"), sold_device.batch_id)
	)
	report = browser.find_element(By.CSS_SELECTOR, ".layout-main-section").text
	assert CUSTOMER in report and sold_device.delivery_note in report
	assert browser.find_element(By.XPATH, "//button[contains(., 'Chinese Record (PDF)')]").is_displayed()
	browser.save_screenshot(str(log_dir() / "gsp-sales-record.png"))
	query = urlencode({"report_name": "GSP Sales Record", "filters": json.dumps(filters)}, quote_via=quote)
	status, content_type, size = fetch(
		browser, f"{server_url}/api/method/medical_devices.nmpa.gsp_record_print.download_pdf?{query}"
	)
	assert (status, content_type) == (200, "application/pdf") and size > 10000
	assert js_errors(browser) == []
