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
