"""docs/vocabulary.md read as data: each term, and the translation keys (source, context) it must have."""

import json
import re
from pathlib import Path
from typing import NamedTuple

REPO = Path(__file__).resolve().parent.parent
VOCABULARY = REPO / "docs" / "vocabulary.md"
APP = REPO / "medical_devices"


class Term(NamedTuple):
	english: str
	chinese: str
	where: str
	wrong: tuple[str, ...]


def terms() -> list[Term]:
	found = []
	for line in VOCABULARY.read_text(encoding="utf-8").splitlines():
		cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
		if len(cells) != 4 or cells[0] in ("English", "---") or set(cells[0]) <= {"-", " "}:
			continue
		wrong = tuple(word.strip() for word in cells[3].split(",") if word.strip())
		found.append(Term(cells[0], cells[1], cells[2], wrong))
	return found


# Wrong for the term, but ordinary words in another sense (经营活动, 开具, 拒绝访问): a page may carry them.
ORDINARY_ELSEWHERE = frozenset({"活动", "开", "拒绝"})


def wrong_words() -> set[str]:
	"""The words that stand for nothing right on the app's pages and forms."""
	return {word for term in terms() for word in term.wrong} - ORDINARY_ELSEWHERE


def doctypes() -> dict[str, list[dict]]:
	"""Doctype -> its fields: the app's doctypes, ERPNext's Batch, and the app's custom fields on core doctypes."""
	import erpnext

	from medical_devices.setup import get_custom_fields

	found = {}
	for path in APP.rglob("*.json"):
		if path.parent.name == path.stem:
			data = json.loads(path.read_text(encoding="utf-8"))
			if data.get("doctype") == "DocType":
				found[data["name"]] = data.get("fields", [])
	batch = Path(erpnext.__file__).parent / "stock" / "doctype" / "batch" / "batch.json"
	found["Batch"] = json.loads(batch.read_text(encoding="utf-8"))["fields"]
	for doctype, fields in get_custom_fields().items():
		for name in [doctype] if isinstance(doctype, str) else doctype:
			found.setdefault(name, []).extend(fields)
	return found


def options(field) -> list[str]:
	return [option for option in (field.get("options") or "").split("\n") if option]


def required_keys(term: Term, fields_of: dict[str, list[dict]]) -> list[tuple[str, str | None]]:
	"""The translation keys that must read `term.chinese`: (source, None) for the plain string, (source, doctype)
	for a label or status in its doctype's context."""
	if term.where == "everywhere":
		return [(term.english, None)]
	if term.where == "labels":
		return sorted(
			(term.english, doctype)
			for doctype, fields in fields_of.items()
			if any(field.get("label") == term.english for field in fields)
		)
	match = re.fullmatch(r"status of (.+)", term.where)
	if match:
		keys = []
		for doctype in (name.strip() for name in match.group(1).split(",")):
			if not any(term.english in options(field) for field in fields_of.get(doctype, [])):
				raise ValueError(f"{doctype} has no status {term.english!r}")
			keys.append((term.english, doctype))
		return keys
	match = re.fullmatch(r"values in (.+)", term.where)
	if match:
		reports = [name.strip() for name in match.group(1).split(",")]
		for name in reports:
			if not list(APP.glob(f"*/report/{name.lower().replace(' ', '_')}/*.json")):
				raise ValueError(f"the app has no report {name!r}")
		return [(term.english, name) for name in reports]
	raise ValueError(f"unknown scope {term.where!r} of {term.english!r}")
