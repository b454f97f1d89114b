import frappe


def execute():
	"""Device classes were stored as I/II/III; the options are now Class I/II/III (a bare "I" translates badly)."""
	if not frappe.db.has_column("Item", "md_device_class"):
		return
	for numeral in ("I", "II", "III"):
		frappe.db.set_value(
			"Item", {"md_device_class": numeral}, "md_device_class", f"Class {numeral}", update_modified=False
		)
