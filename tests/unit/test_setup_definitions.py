"""The custom field, property setter and role definitions are well-formed data."""

from medical_devices.medical_devices.constants.property_setters import PROPERTY_SETTERS
from medical_devices.medical_devices.constants.roles import ROLES
from medical_devices.setup import get_custom_fields


def test_every_custom_field_is_prefixed_and_placed():
	for doctype, fields in get_custom_fields().items():
		names = [field["fieldname"] for field in fields]
		assert len(names) == len(set(names)), f"duplicate fieldname on {doctype}"
		for field in fields:
			assert field["fieldname"].startswith("md_"), field
			assert field.get("insert_after"), field
			if field["fieldtype"] not in ("Section Break", "Column Break"):
				assert field.get("label"), field


def test_fields_are_inserted_after_an_existing_or_earlier_field():
	for fields in get_custom_fields().values():
		seen = set()
		for field in fields:
			anchor = field["insert_after"]
			assert not anchor.startswith("md_") or anchor in seen, field
			seen.add(field["fieldname"])


def test_property_setters_and_roles_are_complete():
	for setter in PROPERTY_SETTERS:
		assert {"doctype", "fieldname", "property", "value", "property_type"} <= setter.keys()
	assert {role["role_name"] for role in ROLES} == {"Regulatory Affairs Manager", "QA Reviewer"}


def test_every_control_names_functions_that_exist_and_fields_once():
	"""medical_devices.controls is the one declaration: its functions resolve, no field is in two controls."""
	import importlib

	from medical_devices.controls import APPEND_ONLY, CONTROLS

	seen = set()
	for control in CONTROLS:
		for function in control.functions:
			module, _, attr = function.rpartition(".")
			try:
				target = importlib.import_module(module)
			except ModuleNotFoundError:  # a method: module.Class.method
				module, _, cls = module.rpartition(".")
				target = getattr(importlib.import_module(module), cls)
			assert callable(getattr(target, attr)), function
		for field in control.fields:
			assert (control.doctype, field) not in seen, (control.doctype, field)
			seen.add((control.doctype, field))
	assert not {control.doctype for control in CONTROLS} & set(APPEND_ONLY)


def test_docs_security_lists_every_control():
	from pathlib import Path

	from medical_devices.controls import APPEND_ONLY, CONTROLS

	text = (Path(__file__).resolve().parents[2] / "docs" / "security.md").read_text()
	for control in CONTROLS:
		assert control.doctype in text
		for field in control.fields:
			assert f"`{field}`" in text, f"docs/security.md does not name {control.doctype}.{field}"
	for doctype in APPEND_ONLY:
		assert doctype in text
