"""Texts the app stores hold the facts and read in the reader's language (medical_devices/stored_texts.py): a batch
status's reason or a trail entry's reason is the same English text whoever triggered it, and reads in Chinese for a
Chinese reader; the books' texts (journal remarks, account names) are in the site's language."""

from contextlib import contextmanager

import pytest

import frappe
from frappe import _
from frappe.utils import add_days, formatdate, today

from medical_devices import stored_texts
from medical_devices.audit import trail
from medical_devices.gsp.expiry_alerts import mark_expired
from medical_devices.md_finance.ledger import QUALITY_COSTS, create_finance_accounts
from medical_devices.medical_devices.ledger import SETTINGS_DOCTYPE
from tests.factories import company_stores, ensure_item, new_batch, register_item, submit

ITEM = "_Test MD Stored Texts Device"


@pytest.fixture(scope="module", autouse=True)
def device(frappe_site):
	register_item(ensure_item(ITEM, valuation_rate=10))
	frappe.db.commit()  # nosemgrep: the module's item; each test rolls back its own work
	yield


@contextmanager
def language(user_lang: str, site_lang: str | None = None):
	"""The current user reads `user_lang`; the site's language is `site_lang` (rolled back with the test)."""
	before = frappe.local.lang
	if site_lang:
		frappe.db.set_single_value("System Settings", "language", site_lang)
	frappe.local.lang = user_lang
	try:
		yield
	finally:
		frappe.local.lang = before


def sample(message: stored_texts.Message) -> tuple[list[str], list[str]]:
	"""Facts for `message` as stored, and as a Chinese reader reads them."""
	count = message.english.count("{")
	stored, read = [], []
	for index in range(count):
		kind = message.facts.get(index)
		if kind == stored_texts.DATE:
			stored.append("2026-11-29")
			read.append(formatdate("2026-11-29"))
		elif kind is not None:
			value = "Approved" if kind == stored_texts.VALUE else "Class I Recall"
			stored.append(value)
			read.append(_(value, "zh", kind or None))
		else:
			stored.append(f"MD-FACT-{index}")
			read.append(f"MD-FACT-{index}")
	return stored, read


@pytest.mark.parametrize("message", stored_texts.MESSAGES, ids=lambda message: message.english)
def test_every_stored_message_reads_in_chinese_with_its_facts(message):
	stored, read = sample(message)
	text = message.text(*stored)
	zh = _(message.english, "zh")
	assert zh != message.english, f"no Chinese for {message.english!r}"
	assert stored_texts.translated(text, "zh") == zh.format(*read)
	if stored_texts.DATE not in message.facts.values():
		assert stored_texts.translated(text, "en") == text


def test_a_value_fact_reads_in_its_doctypes_context():
	text = stored_texts.RECALLED.text("MD-REC-1", "Class I Recall", "Seal may open")
	assert text == "Recall MD-REC-1 (Class I Recall): Seal may open"
	expected = _("Recall {0} ({1}): {2}", "zh").format(
		"MD-REC-1", _("Class I Recall", "zh", "Device Recall"), "Seal may open"
	)
	assert stored_texts.translated(text, "zh") == expected and "Class I Recall" not in expected


def test_a_text_someone_typed_reads_as_it_was_written():
	for typed in ("Open", "Damaged cartons", "到货验收合格", "Recall closed out"):
		assert stored_texts.translated(typed, "zh") == typed
	assert stored_texts.translated(None, "zh") == ""


def test_a_chinese_user_stores_the_facts_and_each_reader_reads_them_in_their_language():
	with language("zh"):
		batch = new_batch(ITEM, "STORED")
		mark_expired(
			[
				frappe._dict(
					name=batch.name,
					batch_id=batch.batch_id,
					item=ITEM,
					md_batch_status=batch.md_batch_status,
					expiry_date=add_days(today(), -1),
				)
			],
			frappe.utils.getdate(),
		)
	history = frappe.get_all(
		"Batch Status Change", {"batch": batch.name}, ["to_status", "reason"], order_by="name"
	)
	expired_on = str(add_days(today(), -1))
	assert [(row.to_status, row.reason) for row in history] == [
		("Quarantine", "New batch"),
		("Expired", f"Expired on {expired_on} (daily expiry check)"),
	]
	assert frappe.db.get_value("Batch", batch.name, "md_status_reason") == "Expired (daily expiry check)"
	trail.flush()  # what the commit appends (rolled back with the test)
	assert "Expired (daily expiry check)" in [entry.reason for entry in trail.entries_of("Batch", batch.name)]
	assert stored_texts.translated(history[0].reason, "zh") == "新批次"
	assert stored_texts.translated(history[1].reason, "zh") == _(
		"Expired on {0} (daily expiry check)", "zh"
	).format(formatdate(expired_on))
	assert (
		stored_texts.translated(history[1].reason, "en")
		== f"Expired on {formatdate(expired_on)} (daily expiry check)"
	)


def test_journal_remarks_and_account_names_are_in_the_sites_language_whoever_posts():
	company = company_stores().company
	frappe.db.delete("MD Finance Account", {"parenttype": SETTINGS_DOCTYPE, "company": company})
	frappe.clear_document_cache(SETTINGS_DOCTYPE, SETTINGS_DOCTYPE)
	with language("en", site_lang="zh"):
		created = create_finance_accounts(company)
		account = created[QUALITY_COSTS]
		assert frappe.db.get_value("Account", account, "account_name") == _("Device Quality Costs", "zh")
		batch = new_batch(ITEM, "STORED-QC")
		entry = submit(
			{
				"doctype": "Quality Cost Entry",
				"batch": batch.name,
				"cost_type": "Laboratory Testing",
				"amount": 120,
				"description": "Bioburden test",
				"posting_date": today(),
			}
		)
	journal = frappe.get_doc("Journal Entry", entry.journal_entry)
	assert journal.user_remark == _("Quality cost of batch {0} (Quality Cost Entry {1})", "zh").format(
		batch.batch_id, entry.name
	)
	assert {row.user_remark for row in journal.accounts} == {
		f"{_('Laboratory Testing', 'zh')}: Bioburden test"
	}
	assert {row.account for row in journal.accounts if row.debit} == {account}
