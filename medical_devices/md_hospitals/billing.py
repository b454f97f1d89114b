"""How the app's own invoices to a hospital start: in the currency and at the price list ERPNext picks when the
customer is chosen on the form, not with the site's global defaults that a new document is given (another
company's currency, another price list)."""

import frappe


def set_customer_terms(invoice):
	from erpnext.accounts.party import get_party_details

	details = get_party_details(
		party=invoice.customer,
		party_type="Customer",
		company=invoice.company,
		posting_date=invoice.get("posting_date"),
		doctype=invoice.doctype,
		ignore_permissions=True,  # the caller has checked what its user may bill
	)
	invoice.currency = details.get("currency") or frappe.get_cached_value(
		"Company", invoice.company, "default_currency"
	)
	invoice.selling_price_list = details.get("selling_price_list") or invoice.selling_price_list
	invoice.price_list_currency = None
	invoice.conversion_rate = None
	invoice.plc_conversion_rate = None
