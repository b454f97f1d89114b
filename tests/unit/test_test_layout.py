"""Tests that stand alone: no module under tests/ imports from a test module (shared builders live in
tests/factories.py, tests/ledger_rows.py, tests/outputs.py and tests/e2e/desk.py), and no test keeps its module's
context in frappe.flags. Read with `ast`, without a site."""

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent


def is_test_module(dotted: str) -> bool:
	return any(part.startswith("test_") for part in dotted.split("."))


def imports_of_test_modules(tree: ast.AST) -> list[str]:
	"""The test modules (`test_*`) that the source imports from, however it spells the import."""
	found = []
	for node in ast.walk(tree):
		if isinstance(node, ast.Import):
			found += [alias.name for alias in node.names if is_test_module(alias.name)]
		elif isinstance(node, ast.ImportFrom):
			module = "." * node.level + (node.module or "")
			if is_test_module(module):
				found.append(module)
			else:  # from tests.integration import test_traceability
				found += [f"{module}.{alias.name}" for alias in node.names if alias.name.startswith("test_")]
		elif (
			isinstance(node, ast.Call)
			and getattr(node.func, "attr", getattr(node.func, "id", None)) in ("import_module", "__import__")
			and node.args
			and isinstance(node.args[0], ast.Constant)
			and isinstance(node.args[0].value, str)
			and is_test_module(node.args[0].value)
		):
			found.append(node.args[0].value)
	return found


def is_frappe_flags(node: ast.AST) -> bool:
	"""`frappe.flags`, `frappe.local.flags` or a bare `flags` (from frappe import flags)."""
	if isinstance(node, ast.Name):
		return node.id == "flags"
	return (
		isinstance(node, ast.Attribute)
		and node.attr == "flags"
		and (
			(isinstance(node.value, ast.Name) and node.value.id == "frappe")
			or (
				isinstance(node.value, ast.Attribute)
				and node.value.attr == "local"
				and isinstance(node.value.value, ast.Name)
				and node.value.value.id == "frappe"
			)
		)
	)


def is_md(key) -> bool:
	return isinstance(key, str) and key.startswith("md_")


def md_flags_set(tree: ast.AST) -> list[str]:
	"""Names starting md_ that the source puts into frappe.flags: assigned, setattr, item or update()."""
	found = []
	for node in ast.walk(tree):
		targets = []
		if isinstance(node, ast.Assign):
			targets = node.targets
		elif isinstance(node, ast.AugAssign | ast.AnnAssign):
			targets = [node.target]
		for target in targets:
			for part in ast.walk(target):
				if isinstance(part, ast.Attribute) and is_frappe_flags(part.value) and is_md(part.attr):
					found.append(part.attr)
				elif (
					isinstance(part, ast.Subscript)
					and is_frappe_flags(part.value)
					and isinstance(part.slice, ast.Constant)
					and is_md(part.slice.value)
				):
					found.append(part.slice.value)
		if not isinstance(node, ast.Call):
			continue
		func = node.func
		if isinstance(func, ast.Name) and func.id == "setattr" and len(node.args) >= 2:
			if (
				is_frappe_flags(node.args[0])
				and isinstance(node.args[1], ast.Constant)
				and is_md(node.args[1].value)
			):
				found.append(node.args[1].value)
		elif (
			isinstance(func, ast.Attribute)
			and func.attr in ("update", "setdefault")
			and is_frappe_flags(func.value)
		):
			found += [kw.arg for kw in node.keywords if is_md(kw.arg)]
			for arg in node.args:
				if isinstance(arg, ast.Constant) and is_md(arg.value):
					found.append(arg.value)
				elif isinstance(arg, ast.Dict):
					found += [k.value for k in arg.keys if isinstance(k, ast.Constant) and is_md(k.value)]
	return found


def sources(pattern: str) -> list[Path]:
	return sorted(path for path in TESTS.rglob(pattern) if "__pycache__" not in path.parts)


def parse(path: Path) -> ast.AST:
	return ast.parse(path.read_text(encoding="utf-8"), str(path))


def test_the_layout_checks_see_every_test_module():
	names = {path.relative_to(REPO).as_posix() for path in sources("test_*.py")}
	assert {
		"tests/unit/test_test_layout.py",
		"tests/integration/test_traceability.py",
		"tests/e2e/test_desk_smoke.py",
		"tests/test_patches.py",
	} <= names


def test_no_module_under_tests_imports_from_a_test_module():
	"""Each test module can run alone: what two modules share is in a helper module, never in a test module."""
	offenders = {
		path.relative_to(REPO).as_posix(): imported
		for path in sources("*.py")
		if (imported := imports_of_test_modules(parse(path)))
	}
	assert offenders == {}, f"move what is shared into tests/factories.py (or tests/e2e/desk.py): {offenders}"


def test_no_test_module_keeps_its_context_in_frappe_flags():
	"""A module's context comes from its fixtures or from factories, not from request flags set by a fixture."""
	offenders = {
		path.relative_to(REPO).as_posix(): names
		for path in sources("*.py")
		if (names := md_flags_set(parse(path)))
	}
	assert (
		offenders == {}
	), f"return the context from a module-scoped fixture or work it out through factories: {offenders}"


@pytest.mark.parametrize(
	"source",
	[
		"from tests.integration.test_traceability import records",
		"import tests.e2e.test_desk_smoke",
		"from .test_device_data_export import matches_golden",
		"from tests.integration import test_gsp_qualification",
		"def f():\n\tfrom tests.integration.test_recall_costs import pdf_text",
		"importlib.import_module('tests.integration.test_traceability')",
	],
)
def test_an_import_from_a_test_module_is_caught(source):
	assert imports_of_test_modules(ast.parse(source))


@pytest.mark.parametrize(
	"source",
	[
		"from tests.factories import ensure_item",
		"from tests.e2e.desk import login",
		"import pytest",
		"from medical_devices.testing import before_tests",
	],
)
def test_an_import_of_a_helper_module_is_allowed(source):
	assert not imports_of_test_modules(ast.parse(source))


@pytest.mark.parametrize(
	"source",
	[
		"frappe.flags.md_trace = frappe._dict(company=company)",
		"frappe.local.flags.md_gsp = 1",
		"frappe.flags['md_cold'] = ctx",
		"setattr(frappe.flags, 'md_qual', ctx)",
		"frappe.flags.update(md_expiry=ctx)",
		"frappe.flags.update({'md_scan_context': ctx})",
		"frappe.flags.setdefault('md_forecast_company', company)",
		"a = frappe.flags.md_x = 1",
	],
)
def test_module_context_put_in_frappe_flags_is_caught(source):
	assert md_flags_set(ast.parse(source))


@pytest.mark.parametrize(
	"source",
	[
		'frappe.flags.pop("warehouse_account_map", None)',  # clears ERPNext's cache
		"frappe.flags.in_test, in_test = True, frappe.flags.in_test",  # ERPNext's own flag
		"doc.flags.md_signed = 'Submit'",  # a document's flags belong to the app
		"ctx = frappe.flags.md_trace",  # reading is caught where it is set
	],
)
def test_other_flags_are_allowed(source):
	assert not md_flags_set(ast.parse(source))
