"""The app is laid out the way Frappe and bench expect, without needing a site."""

import json
import re
from pathlib import Path

import tomllib

import medical_devices
from medical_devices import hooks

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "medical_devices"
EXPECTED_MODULES = [
	"UDI",
	"GSP",
	"Traceability",
	"Recall",
	"NMPA",
	"Audit",
	"MD Finance",
	"MD Quality",
	"MD Hospitals",
	"Medical Devices",
]


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


def hook_paths(value):
	if isinstance(value, str):
		yield value
	elif isinstance(value, dict):
		for inner in value.values():
			yield from hook_paths(inner)
	elif isinstance(value, list | tuple):
		for inner in value:
			yield from hook_paths(inner)


def test_hooks_is_the_whole_map_every_binding_names_its_handler_where_it_lives():
	"""Each doc_events binding is a full dotted path (no aliases) to a function of this app that exists; the handlers
	of core doctypes live in an overrides/ package, the audit's rules (on every doctype) in the audit module; and
	every other dotted hook (regulated records, posting sources, schedulers, permissions) resolves too."""
	import importlib

	def function(path):
		module, _, name = path.rpartition(".")
		return getattr(importlib.import_module(module), name)

	misplaced = []
	for doctype, events in hooks.doc_events.items():
		for path in hook_paths(events):
			assert path.startswith("medical_devices."), path
			assert callable(function(path)), path
			if doctype == "*" or path.startswith(
				("medical_devices.audit.", "medical_devices.personal_data.")
			):
				continue  # the audit and personal-data rules bind every doctype (and Version) themselves
			if ".overrides." not in path and not path.startswith("medical_devices.medical_devices.ledger."):
				misplaced.append((doctype, path))
	assert misplaced == []
	assert not [name for name in vars(hooks) if name.startswith("_") and not name.startswith("__")]
	for name in (
		"md_regulated_records",
		"scheduler_events",
		"has_permission",
		"permission_query_conditions",
		"md_release_rules",
	):
		for path in hook_paths(getattr(hooks, name)):
			assert callable(function(path)), path
	assert set(hooks.md_posting_sources) == {
		"Recall Cost Entry",
		"Quality Cost Entry",
		"Device Write Off",
		"Device Nonconformance",
		"Consignment Stock Count",
		"Loaner Set Loan",
	}
	app_doctypes = {
		json.loads(path.read_text(encoding="utf-8"))["name"] for path in APP.glob("*/doctype/*/*.json")
	}
	assert set(hooks.md_signed_actions) <= app_doctypes


def test_the_desk_reads_roles_transitions_meanings_and_colours_from_the_server():
	"""One Python source (medical_devices/boot.py): no script of the app names a role, a signature meaning or a
	status colour map of its own; the boot payload carries the server's values."""
	from medical_devices.audit.signature import MEANINGS
	from medical_devices.boot import desk_rules
	from medical_devices.controls import QA_ROLES
	from medical_devices.gsp import rules

	scripts = {path: path.read_text(encoding="utf-8") for path in APP.rglob("*.js")}
	roles = (
		"Quality Manager",
		"QA Reviewer",
		"Regulatory Affairs Manager",
		"Accounts Manager",
		"Stock Manager",
	)
	assert not [(path.name, role) for path, text in scripts.items() for role in roles if f'"{role}"' in text]
	assert not [path.name for path, text in scripts.items() if '"Verified"' in text or "Expired: " in text]

	desk = desk_rules()
	assert desk["signature"]["meanings"] == list(MEANINGS)
	assert desk["batch_status"]["roles"] == list(QA_ROLES)
	assert desk["batch_status"]["colours"]["Expired"] == desk["batch_status"]["colours"]["Blocked"] == "red"
	assert desk["batch_status"]["manual_transitions"] == {
		"Quarantine": ["Released", "Blocked"],
		"Released": ["Blocked", "Quarantine"],
		"Blocked": ["Released", "Quarantine"],
		"Recalled": [],
		"Expired": [],
	}
	assert all(
		rules.can_transition(status, target)
		for status, targets in desk["batch_status"]["manual_transitions"].items()
		for target in targets
	)
	assert "medical_devices.boot.add_desk_rules" in hooks.boot_session


def test_child_tables_take_the_forms_full_width():
	"""A table after a column break is squeezed into a column (the recall's holders and stock once showed one
	letter per header): every table of the app's forms starts its own full-width section."""
	squeezed = []
	for path in APP.rglob("*.json"):
		if path.parent.name != path.stem:
			continue
		data = json.loads(path.read_text(encoding="utf-8"))
		if data.get("doctype") != "DocType" or data.get("istable"):
			continue
		in_column = False
		for field in data["fields"]:
			if field["fieldtype"] in ("Section Break", "Tab Break"):
				in_column = False
			elif field["fieldtype"] == "Column Break":
				in_column = True
			elif field["fieldtype"] == "Table" and in_column:
				squeezed.append((data["name"], field["fieldname"]))
	assert squeezed == []
