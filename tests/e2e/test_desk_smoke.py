"""A person logs into the desk, opens the Medical Devices workspace and the settings form."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from tests.e2e.desk import collect_uncaught_errors, js_errors, login, wait
from tests.frappe_site import log_dir


def test_workspace_and_settings_render_without_js_errors(browser, server_url, screenshot_on_failure):
	login(browser, server_url)
	browser.get_log("browser")  # drop what the login page logged

	browser.get(f"{server_url}/app/medical-devices")
	collect_uncaught_errors(browser)
	wait(browser).until(
		EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".layout-main-section"), "Medical Device Settings")
	)
	page = browser.find_element(By.CSS_SELECTOR, ".layout-main-section").text
	for label in ("Devices and Batches", "Purchasing and Sales", "Medical Device Items"):
		assert label in page
	browser.save_screenshot(str(log_dir() / "workspace.png"))
	assert js_errors(browser) == []

	browser.get(f"{server_url}/app/medical-device-settings")
	collect_uncaught_errors(browser)
	wait(browser).until(
		EC.visibility_of_element_located((By.CSS_SELECTOR, "[data-fieldname='near_expiry_days'] input"))
	)
	value = browser.find_element(By.CSS_SELECTOR, "[data-fieldname='near_expiry_days'] input").get_attribute(
		"value"
	)
	assert value == "90"
	region = browser.find_element(By.CSS_SELECTOR, "[data-fieldname='regulatory_region'] select")
	assert region.get_attribute("value") == "China (NMPA)"
	assert (
		"apply to items marked as medical devices"
		in browser.find_element(By.CSS_SELECTOR, ".form-intro-area, .form-message").text
	)
	browser.save_screenshot(str(log_dir() / "settings.png"))
	assert js_errors(browser) == []

	for route, field in (
		("udi-device-identifier/new", "package_level"),
		("registration-certificate/new", "certificate_type"),
	):
		browser.get(f"{server_url}/app/{route}")
		collect_uncaught_errors(browser)
		wait(browser).until(
			EC.visibility_of_element_located((By.CSS_SELECTOR, f"[data-fieldname='{field}'] select"))
		)
		assert js_errors(browser) == [], route


def test_desk_speaks_chinese_to_a_chinese_user(browser, server_url, chinese_user, screenshot_on_failure):
	login(browser, server_url, *chinese_user)
	browser.get(f"{server_url}/app/medical-devices")
	wait(browser).until(
		EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".layout-main-section"), "器械与批次")
	)
	assert "医疗器械" in browser.find_element(By.CSS_SELECTOR, ".desk-sidebar").text
	assert "医疗器械设置" in browser.find_element(By.CSS_SELECTOR, ".layout-main-section").text
	browser.save_screenshot(str(log_dir() / "workspace-zh.png"))

	browser.get(f"{server_url}/app/medical-device-settings")
	wait(browser).until(
		EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".form-layout"), "证照即将到期提前天数")
	)
	assert "监管地区" in browser.find_element(By.CSS_SELECTOR, ".form-layout").text
	assert js_errors(browser) == []


def test_scanning_a_udi_into_a_purchase_receipt_fills_the_row(
	browser, server_url, frappe_site, screenshot_on_failure
):
	import frappe
	from frappe.utils import add_days, getdate, today

	from tests.e2e.scan_records import SUPPLIER, make_scan_records

	item_code, di, case_di = make_scan_records()
	expiry = getdate(add_days(today(), 365))
	login(browser, server_url)
	browser.get(f"{server_url}/app/purchase-receipt/new")
	collect_uncaught_errors(browser)
	scan_field = wait(browser).until(
		EC.visibility_of_element_located((By.CSS_SELECTOR, "[data-fieldname='scan_barcode'] input"))
	)
	# a clerk scans first: the scan field has the focus on a draft stock document
	wait(browser, 10).until(
		lambda d: d.execute_script(
			"return document.activeElement === cur_frm.fields_dict.scan_barcode.$input[0]"
		)
	)
	browser.execute_script("return cur_frm.set_value('supplier', arguments[0])", SUPPLIER)
	browser.execute_script("return new Promise(r => setTimeout(r, 1500))")
	# A keyboard-wedge scanner types the GS separator as a stand-in and ends with Enter.
	for code in (f"]d201{di}17{expiry:%y%m%d}10E2E-LOT-1", f"(01){case_di}(17){expiry:%y%m%d}(10)E2E-LOT-1"):
		scan_field.send_keys(code)
		scan_field.send_keys("\n")
		wait(browser).until(
			lambda d: d.execute_script("return cur_frm.doc.items.filter(r => r.item_code).length") >= 1
		)
		browser.execute_script("return new Promise(r => setTimeout(r, 1500))")
	rows = browser.execute_script(
		"return cur_frm.doc.items.filter(r => r.item_code).map(r => [r.item_code, r.batch_no, r.uom, r.qty, r.conversion_factor])"
	)
	batch = frappe.db.get_value("Batch", {"batch_id": "E2E-LOT-1"}, ["name", "expiry_date"], as_dict=True)
	assert batch and getdate(batch.expiry_date) == expiry
	assert sorted(rows, key=lambda r: r[4]) == [
		[item_code, batch.name, "Nos", 1, 1],
		[item_code, batch.name, "_Test MD E2E Case", 1, 12],
	]
	# the grid shows each row's batch, its expiry and the unit, the expiry read from the batch at the scan
	columns = browser.execute_script(
		"return cur_frm.fields_dict.items.grid.visible_columns.map(c => c[0].fieldname)"
	)
	assert {"batch_no", "md_expiry_date", "uom"} <= set(columns), columns
	wait(browser).until(
		lambda d: d.execute_script(
			"return cur_frm.doc.items.filter(r => r.item_code).every(r => r.md_expiry_date === arguments[0])",
			str(expiry),
		)
	)
	browser.save_screenshot(str(log_dir() / "scan-purchase-receipt.png"))
	assert js_errors(browser) == []


CLERK = "md-e2e-receiving-clerk@example.com"
CLERK_PASSWORD = "Md-e2e-clerk-2026!"


def test_a_receiving_clerk_scans_a_new_lot_into_a_purchase_receipt(
	browser, server_url, frappe_site, screenshot_on_failure
):
	"""A Stock User may not create batches in ERPNext, but receives them: the scan on the receipt creates the new
	lot's batch for them, in quarantine."""
	import frappe
	from frappe.utils import add_days, getdate, today
	from frappe.utils.password import update_password

	from tests.e2e.scan_records import make_scan_records
	from tests.factories import ensure_user

	item_code, di, _case_di = make_scan_records()
	ensure_user(CLERK, "Stock User")
	update_password(CLERK, CLERK_PASSWORD)
	frappe.db.commit()  # nosemgrep: the web server process must see the user
	assert not frappe.has_permission("Batch", "create", user=CLERK)
	lot = f"CLERK-{frappe.generate_hash(length=5).upper()}"
	expiry = getdate(add_days(today(), 400))
	login(browser, server_url, CLERK, CLERK_PASSWORD)
	browser.get(f"{server_url}/app/purchase-receipt/new")
	collect_uncaught_errors(browser)
	scan_field = wait(browser).until(
		EC.visibility_of_element_located((By.CSS_SELECTOR, "[data-fieldname='scan_barcode'] input"))
	)
	browser.execute_script("return new Promise(r => setTimeout(r, 1500))")  # the form's scanner attached
	scan_field.send_keys(f"(01){di}(17){expiry:%y%m%d}(10){lot}")
	scan_field.send_keys("\n")
	wait(browser).until(
		lambda d: d.execute_script("return cur_frm.doc.items.filter(r => r.batch_no).length") >= 1
	)
	frappe.db.rollback()
	batch = frappe.db.get_value(
		"Batch", {"batch_id": lot}, ["name", "item", "expiry_date", "md_batch_status"], as_dict=True
	)
	assert batch and batch.item == item_code and getdate(batch.expiry_date) == expiry
	assert batch.md_batch_status == "Quarantine"
	assert (
		browser.execute_script("return cur_frm.doc.items.filter(r => r.batch_no)[0].batch_no") == batch.name
	)
	# the clerk may not read batches, yet the grid shows the expiry the scan read
	wait(browser).until(
		lambda d: d.execute_script("return cur_frm.doc.items.filter(r => r.batch_no)[0].md_expiry_date")
		== str(expiry)
	)
	# ERPNext's own receipt form reads Accounts Settings, which a Stock User may not: those 403s are not ours
	assert [error for error in js_errors(browser) if "Accounts" not in error] == []
