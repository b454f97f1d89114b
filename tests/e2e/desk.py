"""The browser side of the desk tests: logging in, waiting for the page, and the page's JavaScript errors."""

import os

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

# Failures of the realtime socket (no socket.io server in the test run) are not page errors.
IGNORED = ("socket.io", "favicon", "ERR_CONNECTION_REFUSED", "/api/method/frappe.realtime")


def js_errors(driver):
	errors = [
		entry["message"]
		for entry in driver.get_log("browser")
		if entry["level"] == "SEVERE" and not any(token in entry["message"] for token in IGNORED)
	]
	errors += driver.execute_script("return window.__md_errors || []")
	return errors


def collect_uncaught_errors(driver):
	"""From now on: the console of the page the test opened (what earlier tests left in it is dropped)."""
	driver.get_log("browser")
	driver.execute_script(
		"""window.__md_errors = [];
		window.addEventListener('error', e => window.__md_errors.push(String(e.message)));
		window.addEventListener('unhandledrejection', e => window.__md_errors.push(String(e.reason)));"""
	)


def wait(driver, seconds=30):
	return WebDriverWait(driver, seconds)


def login(driver, base_url, user="Administrator", password=None):
	# End the previous session on the server first: a desk request still in flight could otherwise bring its
	# cookie back after the cookies are deleted, and /login would then go straight to that user's desk.
	driver.get(f"{base_url}/api/method/logout")
	driver.delete_all_cookies()
	driver.get(f"{base_url}/login")
	wait(driver).until(EC.visibility_of_element_located((By.ID, "login_email"))).send_keys(user)
	driver.find_element(By.ID, "login_password").send_keys(
		password or os.environ.get("MD_ADMIN_PASSWORD", "admin")
	)
	driver.find_element(By.CSS_SELECTOR, ".btn-login").click()
	wait(driver).until(lambda d: "/app" in d.current_url)
	wait(driver).until(
		lambda d: d.execute_script("return !!(window.frappe && frappe.boot && frappe.boot.user)")
	)


def desk_user(email: str, password: str, *roles: str, **fields) -> tuple[str, str]:
	"""A desk user with a known password, committed: the web server process must see it."""
	import frappe
	from frappe.utils.password import update_password

	from tests.factories import ensure_user

	ensure_user(email, *roles, **fields)
	update_password(email, password)
	frappe.db.commit()  # nosemgrep: the web server process must see the user
	return email, password
