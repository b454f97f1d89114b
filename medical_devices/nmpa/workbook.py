"""Sheets of text as an .xlsx file, and back, for the regulators' data templates. Pure Python (openpyxl)."""

import io

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

Sheets = dict[str, tuple[list[str], list[list[str]]]]


def write_workbook(sheets: Sheets) -> bytes:
	"""Values are strings, so DIs keep their leading zeros and codes are never turned into numbers."""
	workbook = Workbook(write_only=True)  # streams rows: a catalogue of 10,000 devices in a few seconds
	bold = Font(bold=True)
	for title, (columns, rows) in sheets.items():
		sheet = workbook.create_sheet(title)
		for index, name in enumerate(columns, start=1):
			sheet.column_dimensions[get_column_letter(index)].width = min(max(len(name) * 2, 12), 40)
		sheet.freeze_panes = "A2"
		header = []
		for name in columns:
			cell = WriteOnlyCell(sheet, value=name)
			cell.font = bold
			header.append(cell)
		sheet.append(header)
		for row in rows:
			sheet.append(row)
	buffer = io.BytesIO()
	workbook.save(buffer)
	return buffer.getvalue()


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
