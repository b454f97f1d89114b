"""The package's import structure, read from the source (no site): no import circles, and the audit module, the
floor every domain stands on, imports none of them (a domain tells the audit what it regulates through hooks)."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "medical_devices"
DOMAINS = ("gsp", "recall", "nmpa", "md_finance", "udi", "traceability")


def module_name(path: Path) -> str:
	parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
	return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
	return {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imports_of(path: Path, known: set[str]) -> set[str]:
	"""The app modules `path` imports, at the top or inside functions (an import hidden in a function is one)."""
	found = set()
	for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
		if isinstance(node, ast.Import):
			names = [alias.name for alias in node.names]
		elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
			names = [f"{node.module}.{alias.name}" for alias in node.names]
		else:
			continue
		for name in names:
			if not name.startswith("medical_devices"):
				continue
			while name and name not in known:
				name = name.rpartition(".")[0]
			if name and name != "medical_devices":
				found.add(name)
	return found


def import_graph() -> dict[str, set[str]]:
	known = modules()
	names = set(known)
	return {name: imports_of(path, names) - {name} for name, path in known.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
	"""Strongly connected components of more than one module (Tarjan)."""
	index, low, stack, on_stack, found = {}, {}, [], set(), []

	def visit(node):
		index[node] = low[node] = len(index)
		stack.append(node)
		on_stack.add(node)
		for target in graph.get(node, ()):
			if target not in index:
				visit(target)
				low[node] = min(low[node], low[target])
			elif target in on_stack:
				low[node] = min(low[node], index[target])
		if low[node] == index[node]:
			component = []
			while True:
				member = stack.pop()
				on_stack.discard(member)
				component.append(member)
				if member == node:
					break
			if len(component) > 1:
				found.append(sorted(component))

	for node in sorted(graph):
		if node not in index:
			visit(node)
	return found


def test_the_graph_is_read():
	graph = import_graph()
	assert "medical_devices.audit.trail" in graph["medical_devices.audit.signature"]
	assert "medical_devices.medical_devices.ledger" in graph["medical_devices.recall.ledger"]


def test_no_import_circle():
	assert circles(import_graph()) == []


def test_a_circle_is_found():
	assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_audit_module_imports_no_domain():
	graph = import_graph()
	crossing = sorted(
		(source, target)
		for source, targets in graph.items()
		if source.startswith("medical_devices.audit")
		for target in targets
		if target.split(".")[1] in DOMAINS
	)
	assert crossing == []


def test_the_audit_module_names_no_domain_field():
	"""The audit knows no domain's fields: GSP, recall, NMPA and finance fields reach it through hooks."""
	domain_fields = (
		"md_first_business_status",
		"md_batch_status",
		"md_recall_cost_entry",
		"md_quality_cost_entry",
		"md_device_write_off",
		"md_device_recall",
		"md_is_medical_device",
		"md_is_implant",
	)
	named = sorted(
		(path.relative_to(PACKAGE).as_posix(), field)
		for path in (PACKAGE / "audit").rglob("*.py")
		for field in domain_fields
		if field in path.read_text(encoding="utf-8")
	)
	assert named == []
