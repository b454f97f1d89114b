"""Site preparation for tests, shared by the pytest fixtures and `bench run-tests` (hooks.before_tests)."""

import frappe

# ERPNext's test records ask a web API for these rates; offline they must exist already. They are dated long
# before ERPNext's own Currency Exchange test records (2016), so that where those exist they still win and
# ERPNext's exchange-difference tests see the rates they were written for.
RATES_DATE = "2010-01-01"
OFFLINE_EXCHANGE_RATES = {
	("USD", "INR"): 83.0,
	("EUR", "INR"): 90.0,
	("GBP", "INR"): 105.0,
	("CNY", "INR"): 11.5,
	("USD", "EUR"): 0.92,
	("USD", "CNY"): 7.2,
	("EUR", "USD"): 1.09,
	("INR", "USD"): 0.012,
	("CNY", "USD"): 0.14,
}


def before_tests():
	from erpnext.setup.utils import before_tests as erpnext_before_tests

	erpnext_before_tests()
	create_offline_exchange_rates()
	frappe.db.commit()  # nosemgrep: the test site is prepared once and shared by the whole run


def create_offline_exchange_rates():
	date = RATES_DATE
	for (from_currency, to_currency), rate in OFFLINE_EXCHANGE_RATES.items():
		for currency in (from_currency, to_currency):
			if not frappe.db.exists("Currency", currency):
				return
		if frappe.db.exists(
			"Currency Exchange", {"from_currency": from_currency, "to_currency": to_currency, "date": date}
		):
			continue
		frappe.get_doc(
			{
				"doctype": "Currency Exchange",
				"date": date,
				"from_currency": from_currency,
				"to_currency": to_currency,
				"exchange_rate": rate,
				"for_buying": 1,
				"for_selling": 1,
			}
		).insert(ignore_permissions=True)
