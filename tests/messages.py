"""Pure-Python extraction of the app's user-facing strings, mirroring what Frappe translates at run time."""

import ast
import csv
import json
import re
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "medical_devices"
JS_MESSAGE = re.compile(r"""__\(\s*(["'`])((?:\\.|(?!\1).)*)\1""", re.S)
DOCTYPE_PROPERTIES = ("label", "description")
JINJA_MESSAGE = re.compile(r"""\b_\(\s*(["'])((?:\\.|(?!\1).)*)\1""", re.S)


def python_messages(path: Path) -> set[str]:
	found = set()
	for node in ast.walk(ast.parse(path.read_text(), str(path))):
		if (
			isinstance(node, ast.Call)
			and isinstance(node.func, ast.Name)
			and node.func.id in ("_", "_lt")
			and node.args
			and isinstance(node.args[0], ast.Constant)
			and isinstance(node.args[0].value, str)
		):
			found.add(node.args[0].value)
	return found


def js_messages(path: Path) -> set[str]:
	return {match.group(2) for match in JS_MESSAGE.finditer(path.read_text())}


def doctype_messages(data: dict) -> set[str]:
	found = {data["name"]}
	if data.get("description"):
		found.add(data["description"])
	for field in data.get("fields", []):
		for prop in DOCTYPE_PROPERTIES:
			if field.get(prop):
				found.add(field[prop])
		if field.get("fieldtype") == "Select" and field.get("options"):
			found.update(option for option in field["options"].split("\n") if option)
	return found


def workspace_messages(data: dict) -> set[str]:
	found = {data["label"], data["title"]}
	found.update(link["label"] for link in data.get("links", []))
	for shortcut in data.get("shortcuts", []):
		found.update(filter(None, (shortcut["label"], shortcut.get("format"))))
	for block in json.loads(data.get("content") or "[]"):
		text = block.get("data", {}).get("text")
		if text:
			found.add(re.sub(r"<[^>]+>", "", text).replace("&amp;", "&").strip())
	return found


def app_messages() -> set[str]:
	found: set[str] = set()
	for path in APP.rglob("*.py"):
		found |= python_messages(path)
	for path in [*APP.rglob("*.js"), *APP.rglob("*.vue")]:
		if "node_modules" not in path.parts and "dist" not in path.parts:
			found |= js_messages(path)
	for path in APP.rglob("*.html"):
		found |= {match.group(2) for match in JINJA_MESSAGE.finditer(path.read_text())}
	for path in APP.rglob("*.json"):
		if path.parent.name != path.stem:
			continue
		data = json.loads(path.read_text())
		if data.get("doctype") == "DocType":
			found |= doctype_messages(data)
		elif data.get("doctype") == "Workspace":
			found |= workspace_messages(data)
		elif data.get("doctype") in ("Report", "Number Card"):
			found.add(data.get("label") or data["name"])
		elif data.get("doctype") == "Dashboard Chart":
			found.add(data["chart_name"])
		elif data.get("doctype") == "Print Format":
			found |= {match.group(2) for match in JINJA_MESSAGE.finditer(data.get("html") or "")}
	return found


def translation_rows(lang: str = "zh") -> list[list[str]]:
	with open(APP / "translations" / f"{lang}.csv", newline="", encoding="utf-8") as f:
		return [row for row in csv.reader(f) if row and row[0]]


def translations(lang: str = "zh") -> dict[str, str]:
	"""Source -> translation, without a context (Frappe's plain lookup)."""
	return {row[0]: row[1] for row in translation_rows(lang) if len(row) < 3 or not row[2]}


def context_translations(lang: str = "zh") -> dict[tuple[str, str], str]:
	"""(source, context) -> translation: Frappe looks up "source:context" first where a caller names a context
	(labels and status indicators in the context of their doctype)."""
	return {(row[0], row[2]): row[1] for row in translation_rows(lang) if len(row) > 2 and row[2]}
