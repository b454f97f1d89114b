"""The finance workspace renders its KPI number cards and monthly charts in the browser, with its reports."""

from selenium.webdriver.common.by import By

from tests.e2e.desk import collect_uncaught_errors, js_errors, login, wait
from tests.frappe_site import log_dir

CARDS = (
	"Days Inventory Outstanding",
	"Days Sales Outstanding",
	"Days Payables Outstanding",
	"Cash Conversion Cycle",
	"Near-Expiry Value at Risk",
	"Recall Cost This Year",
	"Write-Offs This Year",
	"Quality Cost This Year",
)
CHARTS = ("Working Capital Days", "Quality and Recall Costs")


def test_the_finance_workspace_shows_every_kpi_card_with_a_number(browser, server_url, screenshot_on_failure):
	login(browser, server_url)
	browser.get(f"{server_url}/app/medical-devices-finance")
	collect_uncaught_errors(browser)
	wait(browser).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".number-widget-box")) >= len(CARDS))
	wait(browser).until(
		lambda d: all(
			"Loading" not in box.text and box.find_elements(By.CSS_SELECTOR, ".number")
			for box in d.find_elements(By.CSS_SELECTOR, ".number-widget-box")
		)
	)
	# both charts draw their twelve months
	wait(browser).until(
		lambda d: (
			len(d.find_elements(By.CSS_SELECTOR, ".widget.dashboard-widget-box .chart-container svg"))
			>= len(CHARTS)
		)
	)
	page = browser.find_element(By.CSS_SELECTOR, ".layout-main-section").text
	for label in CARDS + CHARTS:  # card titles are upper-cased by CSS
		assert label.upper() in page.upper(), label
	assert "Ledger Reconciliation" in page and "Ledger Reconciliation Differences" in page
	for report in ("Batch Cost", "Product Line Margin", "Quality Cost Entry", "Device Write Off"):
		assert report in page, report
	browser.save_screenshot(str(log_dir() / "finance-workspace.png"))
	assert js_errors(browser) == []


def test_the_finance_reports_and_the_write_off_form_open_in_the_desk(
	browser, server_url, screenshot_on_failure
):
	login(browser, server_url)  # the reports' company filter defaults to the user's company
	browser.get(f"{server_url}/app/query-report/Cash Forecast")
	collect_uncaught_errors(browser)
	# thirteen weeks, each row a week with its dates
	wait(browser).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".dt-scrollable .dt-row")) >= 13)
	page = browser.find_element(By.CSS_SELECTOR, ".layout-main-section").text
	assert "Forecast Balance" in page and "Actual Balance" in page
	browser.save_screenshot(str(log_dir() / "cash-forecast.png"))

	for report, column in (
		("Batch Cost", "Purchase or Production Cost"),
		("Product Line Margin", "Gross Margin"),
	):
		browser.get(f"{server_url}/app/query-report/{report}")
		wait(browser).until(
			lambda d, column=column: column in d.find_element(By.CSS_SELECTOR, ".layout-main-section").text
		)

	browser.get(f"{server_url}/app/device-write-off/new")
	wait(browser).until(
		lambda d: (
			any(
				button.text == "Get Expired Stock"
				for button in d.find_elements(By.CSS_SELECTOR, ".page-actions button")
			)
			or "Get Expired Stock" in d.find_element(By.CSS_SELECTOR, ".page-head").text
		)
	)
	assert js_errors(browser) == []
	# leave the unsaved form without the browser's "leave this page?" prompt, which would fail the next test
	browser.execute_script(
		'removeEventListener("beforeunload", cur_frm.beforeUnloadListener, { capture: true });'
	)
	browser.get(f"{server_url}/app/user")  # a plain list: nothing left loading for the next test
