import frappe
from frappe import _
from frappe.model.document import Document

from medical_devices.devices import is_device
from medical_devices.udi.parser import UDIError, check_di

NHSA_CODE_LENGTH = 20


class UDIDeviceIdentifier(Document):
	def before_insert(self):
		# The document is named after its DI: bring the DI to canonical form before naming.
		self.validate_di()

	def validate(self):
		self.validate_di()
		self.validate_item()
		self.validate_package()
		self.validate_nhsa_code()
		self.validate_certificate()

	def validate_di(self):
		try:
			self.di = check_di(self.di, self.issuing_agency)
		except UDIError as error:
			frappe.throw(error.translated(_), title=_("Invalid Device Identifier"))

	def validate_item(self):
		if not is_device(self.item):
			frappe.throw(
				_("Item {0} is not marked as a medical device, so it cannot have a UDI-DI.").format(
					frappe.bold(self.item)
				)
			)

	def validate_package(self):
		if self.base_quantity <= 0:
			frappe.throw(_("Base Units per Package must be more than zero."))
		if self.package_level == "Minimum Sales Unit" and self.base_quantity != 1:
			frappe.throw(_("The minimum sales unit holds exactly one base unit."))
		self.validate_package_uom()
		if not self.parent_di:
			return
		if self.parent_di == self.name or self.parent_di == self.di:
			frappe.throw(_("A DI cannot be its own parent."))
		parent = frappe.db.get_value(
			"UDI Device Identifier", self.parent_di, ["item", "base_quantity"], as_dict=True
		)
		if parent.item != self.item:
			frappe.throw(
				_("Parent DI {0} belongs to item {1}, not to {2}.").format(
					self.parent_di, parent.item, self.item
				)
			)
		if parent.base_quantity <= self.base_quantity:
			frappe.throw(
				_("Parent DI {0} must hold more base units than this package ({1}).").format(
					self.parent_di, self.base_quantity
				)
			)

	def validate_package_uom(self):
		"""A scan counts one package in its UOM; ERPNext's UOM conversion turns that into base units."""
		stock_uom = frappe.db.get_value("Item", self.item, "stock_uom")
		if self.base_quantity == 1 and self.uom in (None, "", stock_uom):
			return
		if not self.uom or self.uom == stock_uom:
			frappe.throw(
				_("A package of {0} base units needs its own Package UOM, so that a scan counts {0}.").format(
					self.base_quantity
				)
			)
		factor = frappe.db.get_value(
			"UOM Conversion Detail", {"parent": self.item, "uom": self.uom}, "conversion_factor"
		)
		if factor != self.base_quantity:
			frappe.throw(
				_(
					"Item {0} must convert 1 {1} into {2} {3} (UOM Conversion in the item) for scans to count right."
				).format(frappe.bold(self.item), self.uom, self.base_quantity, stock_uom)
			)

	def validate_nhsa_code(self):
		if self.nhsa_code and not (len(self.nhsa_code) == NHSA_CODE_LENGTH and self.nhsa_code.isalnum()):
			frappe.throw(_("The NHSA consumables code has exactly 20 letters or digits."))

	def validate_certificate(self):
		if not self.registration_certificate:
			return
		covered = frappe.get_all(
			"Registration Certificate Item", filters={"parent": self.registration_certificate}, pluck="item"
		)
		if covered and self.item not in covered:
			frappe.throw(
				_("Registration certificate {0} does not cover item {1}.").format(
					self.registration_certificate, frappe.bold(self.item)
				)
			)
