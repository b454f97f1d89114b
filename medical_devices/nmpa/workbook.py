"""Sheets of text as an .xlsx file, and back, for the regulators' data templates; CSV files for download.

Text that starts with = (or + - @) is a formula to a spreadsheet. An .xlsx cell typed as a string is never
evaluated, so the workbook keeps every value exactly (the regulators' templates need the DI or code as it is, and a
leading + or - can be legitimate). A CSV file has no types: the spreadsheet re-reads every field, so a field that
would start a formula gets a leading ' (OWASP, CSV injection). Pure Python (openpyxl).
"""

import csv
import io

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

Sheets = dict[str, tuple[list[str], list[list[str]]]]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def write_workbook(sheets: Sheets) -> bytes:
	"""Values are string cells, so DIs keep their leading zeros, codes never become numbers and no text is a
	formula or an error value: "=HYPERLINK(...)" or "#N/A" is stored, and shown, as that text."""
	workbook = Workbook(write_only=True)  # streams rows: a catalogue of 10,000 devices in a few seconds
	bold = Font(bold=True)
	for title, (columns, rows) in sheets.items():
		sheet = workbook.create_sheet(title)
		for index, name in enumerate(columns, start=1):
			sheet.column_dimensions[get_column_letter(index)].width = min(max(len(name) * 2, 12), 40)
		sheet.freeze_panes = "A2"
		header = []
		for name in columns:
			cell = text_cell(sheet, name)
			cell.font = bold
			header.append(cell)
		sheet.append(header)
		for row in rows:
			sheet.append([text_cell(sheet, value) if not_plain_text(value) else value for value in row])
	buffer = io.BytesIO()
	workbook.save(buffer)
	return buffer.getvalue()


def text_cell(sheet, value: str) -> WriteOnlyCell:
	cell = WriteOnlyCell(sheet, value=value)
	cell.data_type = "s"
	return cell


def not_plain_text(value) -> bool:
	"""openpyxl stores a str as a string cell unless it starts with = (a formula) or is an error code (#N/A...).
	Only those get a cell of their own: a cell object for every value makes a large workbook some 40 % slower."""
	return isinstance(value, str) and value[:1] in ("=", "#")


def read_workbook(content: bytes) -> Sheets:
	workbook = load_workbook(io.BytesIO(content), read_only=True)
	sheets = {}
	for sheet in workbook.worksheets:
		rows = [
			["" if value is None else str(value) for value in row]
			for row in sheet.iter_rows(values_only=True)
		]
		sheets[sheet.title] = (rows[0] if rows else [], rows[1:])
	return sheets


def sheets_as_text(sheets: Sheets) -> str:
	"""A reviewable text form of a workbook: one block per sheet, tab-separated rows."""
	blocks = []
	for title, (columns, rows) in sheets.items():
		lines = [f"## {title}", "\t".join(columns), *("\t".join(row) for row in rows)]
		blocks.append("\n".join(lines))
	return "\n\n".join(blocks) + "\n"


def neutralise_formula(text):
	"""`text` as a CSV field that no spreadsheet takes for a formula: a ' before a leading = + - @, tab or CR."""
	if isinstance(text, str) and text.startswith(FORMULA_STARTS):
		return "'" + text
	return text


def csv_file(columns: list[str], rows) -> bytes:
	"""A CSV file for download, every field through `neutralise_formula`; the BOM lets Excel read Chinese text."""
	buffer = io.StringIO()
	writer = csv.writer(buffer)
	for row in (columns, *rows):
		writer.writerow([neutralise_formula(value) for value in row])
	return ("\ufeff" + buffer.getvalue()).encode("utf-8")
