"""The app is laid out the way Frappe and bench expect, without needing a site."""

import json
import re
from pathlib import Path

import tomllib

import medical_devices
from medical_devices import hooks

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "medical_devices"
EXPECTED_MODULES = ["UDI", "GSP", "Traceability", "Recall", "NMPA", "Audit", "MD Finance", "Medical Devices"]


def scrub(name: str) -> str:
	return name.replace(" ", "_").replace("-", "_").lower()


def test_hooks_declare_the_app_on_erpnext():
	assert hooks.app_name == "medical_devices"
	assert hooks.app_title == "Medical Devices"
	assert hooks.required_apps == ["erpnext"]
	for hook in ("after_install", "before_uninstall", "before_install", "before_migrate"):
		module, _, function = getattr(hooks, hook).rpartition(".")
		assert (APP.parent / (module.replace(".", "/") + ".py")).exists(), hook
		assert f"def {function}(" in (APP.parent / (module.replace(".", "/") + ".py")).read_text()


def test_version_bounds_and_metadata():
	meta = tomllib.loads((REPO / "pyproject.toml").read_text())
	assert meta["project"]["name"] == "medical_devices"
	assert meta["tool"]["bench"]["frappe-dependencies"] == {
		"frappe": ">=15.0.0,<16.0.0",
		"erpnext": ">=15.0.0,<16.0.0",
	}
	assert re.fullmatch(r"\d+\.\d+\.\d+", medical_devices.__version__)


def test_every_module_has_its_package():
	modules = (APP / "modules.txt").read_text().split("\n")
	assert [m for m in modules if m] == EXPECTED_MODULES
	for module in EXPECTED_MODULES:
		assert (APP / scrub(module) / "__init__.py").exists(), module
		assert (APP / scrub(module) / "doctype" / "__init__.py").exists(), module


def test_every_doctype_and_workspace_belongs_to_a_listed_module():
	records = [
		p
		for p in APP.rglob("*.json")
		if p.parent.name == p.stem and p.parent.parent.name in ("doctype", "workspace")
	]
	assert records
	for path in records:
		data = json.loads(path.read_text())
		assert data["module"] in EXPECTED_MODULES, path
		assert path.parts[len(APP.parts)] == scrub(data["module"]), f"{path} is outside its module folder"
		assert path.stem == scrub(data["name"]), path


def test_settings_is_a_single_doctype_with_tracked_changes():
	data = json.loads(
		(APP / "medical_devices/doctype/medical_device_settings/medical_device_settings.json").read_text()
	)
	assert data["issingle"] == 1
	assert data["track_changes"] == 1
	roles = {perm["role"] for perm in data["permissions"]}
	assert {"System Manager", "Regulatory Affairs Manager", "QA Reviewer"} <= roles


def test_no_fixtures_for_what_code_creates():
	assert not getattr(hooks, "fixtures", None)
	assert [p.name for p in (APP / "fixtures").iterdir()] == [".gitkeep"]


def test_every_overridden_endpoint_is_whitelisted_and_takes_the_originals_arguments():
	"""Frappe calls an override only if it is whitelisted itself, with the arguments the desk sends the original."""
	import importlib
	import inspect

	import frappe

	def function(path):
		module, _, name = path.rpartition(".")
		return getattr(importlib.import_module(module), name)

	for original, override in hooks.override_whitelisted_methods.items():
		replacement, replaced = function(override), function(original)
		assert replacement in frappe.whitelisted, override
		assert list(inspect.signature(replacement).parameters) == list(
			inspect.signature(replaced).parameters
		), override
