"""Changing and cancelling regulated records in the desk asks for the reason, which lands in the audit trail."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from tests.e2e.desk import collect_uncaught_errors, js_errors, login, wait
from tests.factories import ensure_item, material_receipt, new_batch, release
from tests.frappe_site import log_dir

ITEM = "_Test MD E2E Audit Device"


@pytest.fixture
def device_receipt(frappe_site):
	"""A released device batch and a submitted Material Receipt of it."""
	import frappe

	ensure_item(ITEM, valuation_rate=10)
	batch = new_batch(ITEM, "E2E-AUD")
	release(batch.name)
	entry = material_receipt(batch, 3)
	frappe.db.commit()  # nosemgrep: the web server process must see the records
	return frappe._dict(batch=batch.name, entry=entry.name)


def reason_dialog(browser, reason):
	field = wait(browser).until(
		EC.visibility_of_element_located((By.CSS_SELECTOR, ".modal.show [data-fieldname='reason'] textarea"))
	)
	field.send_keys(reason)
	browser.find_element(By.CSS_SELECTOR, ".modal.show .btn-primary").click()


def test_the_desk_asks_for_the_reason_and_the_trail_keeps_it(
	browser, server_url, device_receipt, screenshot_on_failure
):
	import frappe

	from medical_devices.audit.trail import entries_of

	login(browser, server_url)
	browser.get(f"{server_url}/app/batch/{device_receipt.batch}")
	collect_uncaught_errors(browser)
	wait(browser).until(
		lambda d: d.execute_script("return cur_frm && cur_frm.docname === arguments[0]", device_receipt.batch)
	)
	browser.execute_script("cur_frm.set_value('description', 'Relabelled lot'); cur_frm.save();")
	reason_dialog(browser, "供应商要求更正标签 Supplier asked to correct the label")
	wait(browser).until(lambda d: d.execute_script("return !cur_frm.is_dirty()"))
	assert js_errors(browser) == []

	browser.get(f"{server_url}/app/stock-entry/{device_receipt.entry}")
	wait(browser).until(
		lambda d: d.execute_script("return cur_frm && cur_frm.docname === arguments[0]", device_receipt.entry)
	)
	browser.execute_script("cur_frm._cancel(null, null, null, true)")  # the Cancel button without its confirm
	reason_dialog(browser, "数量录错 Wrong quantity")
	wait(browser).until(lambda d: d.execute_script("return cur_frm.doc.docstatus === 2"))
	browser.save_screenshot(str(log_dir() / "audit-cancelled.png"))
	assert js_errors(browser) == []

	frappe.db.rollback()  # see what the web server committed
	batch_trail = entries_of("Batch", device_receipt.batch)
	assert (batch_trail[-1].action, batch_trail[-1].reason) == (
		"Update",
		"供应商要求更正标签 Supplier asked to correct the label",
	)
	assert ["description", None, "Relabelled lot"] in batch_trail[-1].changes["changed"]
	entry_trail = entries_of("Stock Entry", device_receipt.entry)
	assert (entry_trail[-1].action, entry_trail[-1].reason) == ("Cancel", "数量录错 Wrong quantity")
	assert entry_trail[-1].user == "Administrator"


def test_a_reason_with_markup_shows_as_text_and_never_runs(
	browser, server_url, device_receipt, screenshot_on_failure
):
	"""Stored XSS through a reason: the reviewer who opens the entry, the batch or its history sees the text."""
	import frappe

	from medical_devices.gsp.batch_status import set_batch_status

	markup = '<img src=x onerror="window.__md_xss=1">Quarantined <b>for</b> review'
	doc = frappe.get_doc("Batch", device_receipt.batch)
	doc.description = "Relabelled again"
	doc.md_reason = markup
	doc.save()
	set_batch_status(device_receipt.batch, "Quarantine", markup, check_role=False)
	frappe.db.commit()  # nosemgrep: the web server process must see the records
	entry = frappe.db.get_value(
		"Audit Trail Entry",
		{"ref_doctype": "Batch", "ref_name": device_receipt.batch, "action": "Update"},
		"name",
		order_by="name desc",
	)
	history = frappe.db.get_value(
		"Batch Status Change", {"batch": device_receipt.batch}, "name", order_by="name desc"
	)

	login(browser, server_url)
	for route, field in (
		(f"audit-trail-entry/{entry}", "reason"),
		(f"batch/{device_receipt.batch}", "md_status_reason"),
		(f"batch-status-change/{history}", "reason"),
	):
		browser.get(f"{server_url}/app/{route}")
		wait(browser).until(
			lambda d: d.execute_script("return !!(window.cur_frm && cur_frm.doc && cur_frm.doc.name)")
		)
		shown = wait(browser).until(
			lambda d, field=field: d.execute_script(
				"const el = document.querySelector(`[data-fieldname='${arguments[0]}'] .control-value, "
				"[data-fieldname='${arguments[0]}'] .like-disabled-input`); return el && el.innerText",
				field,
			)
		)
		assert '<img src=x onerror="window.__md_xss=1">' in shown and "<b>for</b>" in shown, shown
		assert not browser.execute_script(
			f"return document.querySelector(\"[data-fieldname='{field}'] img, [data-fieldname='{field}'] b\")"
		)
		assert browser.execute_script("return window.__md_xss") is None
	browser.save_screenshot(str(log_dir() / "audit-reason-as-text.png"))


def test_the_desk_asks_for_reasons_of_bulk_edits_and_of_a_device_classification_change(
	browser, server_url, device_receipt, screenshot_on_failure
):
	import frappe

	from medical_devices.audit.trail import entries_of

	login(browser, server_url)
	browser.get(f"{server_url}/app/item/{ITEM}")
	wait(browser).until(
		lambda d: d.execute_script("return window.cur_frm && cur_frm.docname === arguments[0]", ITEM)
	)
	collect_uncaught_errors(browser)
	assert browser.execute_script("return cur_frm.get_field('md_is_medical_device').df.read_only") == 1
	browser.execute_script(
		"""cur_frm.page.wrapper.find('.btn').filter((i, b) => b.innerText.trim() === __('Change Device Classification'))
		.first().click();"""
	)
	wait(browser).until(
		EC.visibility_of_element_located(
			(By.CSS_SELECTOR, ".modal.show [data-fieldname='is_medical_device'] input")
		)
	).click()
	reason_dialog(browser, "Reclassified: accessory, not a device (NMPA reply)")
	wait(browser).until(lambda d: d.execute_script("return cur_frm.doc.md_is_medical_device === 0"))
	frappe.db.rollback()
	assert frappe.db.get_value("Item", ITEM, "md_is_medical_device") == 0
	assert entries_of("Item", ITEM)[-1].reason == "Reclassified: accessory, not a device (NMPA reply)"
	from medical_devices.medical_devices.overrides.item import change_device_classification

	change_device_classification(ITEM, 1, "Back to a device for the other tests")
	frappe.db.commit()  # nosemgrep: the web server must see it

	# the list's bulk edit sends no document body: the desk asks once and notes the reason for each record
	browser.get(f"{server_url}/app/batch")
	wait(browser).until(
		lambda d: d.execute_script("return !!(window.cur_list && cur_list.doctype === 'Batch')")
	)
	browser.execute_script(
		"""window.__md_bulk = null;
		frappe.call({method: "frappe.desk.doctype.bulk_update.bulk_update.submit_cancel_or_update_docs",
			args: {doctype: "Batch", docnames: [arguments[0]], action: "update", data: {description: "Bulk relabel"}}})
			.then((r) => { window.__md_bulk = r.message; });""",
		device_receipt.batch,
	)
	reason_dialog(browser, "Labels reprinted for the whole lot")
	wait(browser).until(lambda d: d.execute_script("return window.__md_bulk !== null"))
	assert browser.execute_script("return window.__md_bulk") == []
	assert js_errors(browser) == []
	frappe.db.rollback()
	assert frappe.db.get_value("Batch", device_receipt.batch, "description") == "Bulk relabel"
	assert entries_of("Batch", device_receipt.batch)[-1].reason == "Labels reprinted for the whole lot"
