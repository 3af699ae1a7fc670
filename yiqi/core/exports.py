"""Spreadsheet exports every app shares: CSV that Excel opens in Chinese, cells that never run as formulas."""

import csv
import re
from collections.abc import Iterable

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")

# Text a spreadsheet would run as a formula; phone numbers such as +86-29-... stay as they are.
FORMULA_RE = re.compile(r"^(?:[=@\t\r]|[+-](?![\d\s()+-]*$))")


def csv_cell(value):
    """A value for a CSV cell: formula-like text quoted with a leading apostrophe, None as empty."""
    if value is None:
        return ""
    if isinstance(value, str) and FORMULA_RE.match(value):
        return "'" + value
    return value


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a streaming response."""

    def write(self, value):
        return value


def csv_stream(header: Iterable, rows: Iterable[Iterable]):
    """CSV chunks: a UTF-8 BOM (so Excel shows Chinese), the header, then each row made safe."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow([str(label) for label in header])
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])


def xlsx_cell(ws, value):
    """A write-only cell value: illegal control characters dropped, text starting with '=' kept as text."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith("="):
        cell = WriteOnlyCell(ws, value)
        cell.data_type = "s"
        return cell
    return value


def header_cells(ws, labels: Iterable) -> list[WriteOnlyCell]:
    cells = []
    for label in labels:
        cell = WriteOnlyCell(ws, str(label))
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cells.append(cell)
    return cells
