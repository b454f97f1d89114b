"""Reading what the app produces, for tests of more than one module: a print format's PDF as text, and a file
against its reviewed golden copy in tests/golden."""

import io
import os
import pathlib
import re

import frappe

from tests.frappe_site import log_dir

GOLDEN = pathlib.Path(__file__).parent / "golden"


def matches_golden(name: str, text: str):
	"""Compare with the reviewed file; MD_UPDATE_GOLDEN=1 rewrites it (then review the diff before committing)."""
	path = GOLDEN / name
	if os.environ.get("MD_UPDATE_GOLDEN"):
		path.write_text(text, encoding="utf-8")
	assert path.exists(), f"{path} is missing: run with MD_UPDATE_GOLDEN=1 and review it"
	assert text == path.read_text(encoding="utf-8"), f"{name} differs from the reviewed golden file"


# Kangxi radicals and CJK radical supplements: what a PDF's text layer holds where the font maps a common
# character's glyph back to its radical (⽇ for 日); a search of the archive for 日期 then finds nothing.
RADICALS = re.compile("[\u2e80-\u2fdf]")


def pdf_lines(pdf: bytes) -> list[str]:
	"""The PDF's text layer, line by line as pypdf reads it; it must hold the real characters."""
	from pypdf import PdfReader

	assert pdf.startswith(b"%PDF")
	text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
	radicals = sorted(set(RADICALS.findall(text)))
	assert not radicals, f"the PDF's text layer holds radicals, not characters: {radicals}"
	return [line for line in text.splitlines() if line.strip()]


def compact(text: str) -> str:
	return re.sub(r"\s+", "", text)


def print_format_pdf(doc, print_format) -> bytes:
	"""The document printed in the format as a PDF, kept in the artifacts for a look at the layout."""
	from frappe.utils.pdf import get_pdf
	from frappe.www.printview import get_rendered_template

	html = get_rendered_template(doc, print_format=frappe.get_doc("Print Format", print_format))
	pdf = get_pdf(html)
	(log_dir() / f"{print_format}.pdf").write_bytes(pdf)
	return pdf


def pdf_text(doc, print_format) -> str:
	"""The document printed in the format, read back as text without spaces."""
	return compact("".join(pdf_lines(print_format_pdf(doc, print_format))))
