"""Reading what the app produces, for tests of more than one module: a print format's PDF as text, and a file
against its reviewed golden copy in tests/golden."""

import io
import os
import pathlib
import re
import unicodedata

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


def pdf_text(doc, print_format) -> str:
	"""The document printed in the format as a PDF (kept in the artifacts), read back as text without spaces."""
	from pypdf import PdfReader

	from frappe.utils.pdf import get_pdf
	from frappe.www.printview import get_rendered_template

	html = get_rendered_template(doc, print_format=frappe.get_doc("Print Format", print_format))
	pdf = get_pdf(html)
	assert pdf.startswith(b"%PDF")
	(log_dir() / f"{print_format}.pdf").write_bytes(pdf)  # kept for a look at the layout
	text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
	# the CJK font maps some characters to their Kangxi radical forms; NFKC folds them back (⼈ -> 人)
	return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
