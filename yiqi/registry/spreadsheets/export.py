"""List export in the import template's layout (.xlsx) or as CSV."""

import tempfile

from openpyxl import Workbook

from yiqi.core.exports import csv_stream, xlsx_cell

from .codebook import Codebook
from .columns import COLUMNS, Column, sheet_columns, sheet_names
from .template import write_header


def _export_rows(queryset, columns: list[Column], book: Codebook):
    queryset = queryset.select_related("unit", "sub_unit", "parent")
    for instrument in queryset.iterator(chunk_size=2000):
        yield [book.display(column, instrument) for column in columns]


def export_xlsx(queryset):
    """The list as a workbook laid out like the import template, in an anonymous temporary file."""
    book = Codebook()
    wb = Workbook(write_only=True)
    for kind, name in sheet_names().items():
        ws = wb.create_sheet(name)
        columns = sheet_columns(kind, export=True)
        write_header(ws, columns)
        for row in _export_rows(queryset.filter(kind=kind), columns, book):
            ws.append([xlsx_cell(ws, value) for value in row])
    out = tempfile.TemporaryFile()  # noqa: SIM115 -- the response streams and closes it
    wb.save(out)
    out.seek(0)
    return out


def export_csv(queryset):
    """The list as CSV chunks (UTF-8 with BOM so that Excel shows Chinese correctly)."""
    return csv_stream([c.header for c in COLUMNS], _export_rows(queryset, list(COLUMNS), Codebook()))
