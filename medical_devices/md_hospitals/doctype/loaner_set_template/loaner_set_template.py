import frappe
from frappe import _
from frappe.utils import flt

from medical_devices import inputs


class LoanerSetTemplate(inputs.CheckedDocument):
	def validate(self):
		seen = set()
		for row in self.items:
			if flt(row.qty) <= 0:
				frappe.throw(
					_("Row #{0}: enter a quantity greater than zero.").format(row.idx),
					inputs.InvalidInputError,
				)
			if row.item_code in seen:
				frappe.throw(
					_("Row #{0}: {1} is already on an earlier row.").format(row.idx, row.item_code),
					inputs.InvalidInputError,
				)
			seen.add(row.item_code)
