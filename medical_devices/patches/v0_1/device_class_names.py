import frappe

from medical_devices.audit import trail


def execute():
	"""Device classes were stored as I/II/III; the options are now Class I/II/III (a bare "I" translates badly)."""
	if not frappe.db.has_column("Item", "md_device_class"):
		return
	for numeral in ("I", "II", "III"):
		trail.set_values(
			"Item",
			frappe.get_all("Item", filters={"md_device_class": numeral}, pluck="name"),
			{"md_device_class": f"Class {numeral}"},
			f"{__name__}.execute",
			update_modified=False,
		)
