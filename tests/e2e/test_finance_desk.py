"""The finance workspace renders its KPI number cards in the browser, and a reconciliation record opens."""

from selenium.webdriver.common.by import By

from tests.e2e.test_desk_smoke import collect_uncaught_errors, js_errors, login, wait
from tests.frappe_site import log_dir

CARDS = (
	"Days Inventory Outstanding",
	"Days Sales Outstanding",
	"Days Payables Outstanding",
	"Cash Conversion Cycle",
	"Near-Expiry Value at Risk",
	"Recall Cost This Year",
)


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
	page = browser.find_element(By.CSS_SELECTOR, ".layout-main-section").text
	for label in CARDS:  # card titles are upper-cased by CSS
		assert label.upper() in page.upper(), label
	assert "Ledger Reconciliation" in page and "Ledger Reconciliation Differences" in page
	browser.save_screenshot(str(log_dir() / "finance-workspace.png"))
	assert js_errors(browser) == []
