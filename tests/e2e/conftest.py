import os
import socket
import subprocess
import sys
import time

import pytest

from tests.e2e.servers import free_port, wait_for_port
from tests.frappe_site import log_dir, site_name, sites_path

CHROMIUM_FLAGS = [
	"--headless=new",
	"--no-sandbox",
	"--disable-gpu",
	"--disable-dev-shm-usage",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
	"--no-first-run",
	"--window-size=1400,1000",
]


@pytest.fixture(scope="session")
def server_url():
	port = free_port()
	log = open(log_dir() / "e2e-server.log", "w")
	process = subprocess.Popen(
		[
			sys.executable,
			"-m",
			"frappe.utils.bench_helper",
			"frappe",
			"--site",
			site_name(),
			"serve",
			"--port",
			str(port),
			"--noreload",
		],
		cwd=sites_path(),
		stdout=log,
		stderr=subprocess.STDOUT,
	)
	wait_for_port(port, process, what=f"the web server (log: {log.name})")
	yield f"http://127.0.0.1:{port}"
	process.terminate()
	process.wait(timeout=20)
	log.close()


@pytest.fixture(scope="session")
def browser():
	from selenium import webdriver
	from selenium.webdriver.chrome.service import Service

	options = webdriver.ChromeOptions()
	options.binary_location = os.environ.get("MD_CHROMIUM", "/usr/bin/chromium")
	for flag in CHROMIUM_FLAGS:
		options.add_argument(flag)
	options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
	driver = webdriver.Chrome(
		service=Service(os.environ.get("MD_CHROMEDRIVER", "/usr/bin/chromedriver")), options=options
	)
	driver.set_page_load_timeout(60)
	yield driver
	driver.quit()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
	report = yield
	setattr(item, f"rep_{report.when}", report)
	return report


@pytest.fixture
def screenshot_on_failure(browser, request):
	yield
	if request.node.rep_call.failed if hasattr(request.node, "rep_call") else True:
		browser.save_screenshot(str(log_dir() / f"failed-{request.node.name}.png"))


ZH_USER = "md-e2e-zh@example.com"
ZH_PASSWORD = "Md-e2e-zh-2026!"


@pytest.fixture(scope="session")
def chinese_user(frappe_site):
	"""A desk user who reads Chinese first (on the run's shared connection: closing it would cut off every module
	that uses it after this one)."""
	from tests.e2e.desk import desk_user

	return desk_user(
		ZH_USER,
		ZH_PASSWORD,
		"System Manager",
		"Regulatory Affairs Manager",
		"Stock User",
		first_name="测试",
		language="zh",
	)
