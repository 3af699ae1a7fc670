"""List export in the import template's layout (.xlsx) or as CSV; every export is a row of the read log."""

import tempfile

from django.utils.translation import gettext as _
from openpyxl import Workbook

from yiqi.core import changelog
from yiqi.core.exports import csv_stream, xlsx_cell

from .codebook import Codebook
from .columns import COLUMNS, Column, sheet_columns, sheet_names
from .template import write_header


def _export_rows(queryset, columns: list[Column], book: Codebook):
    queryset = queryset.select_related("unit", "sub_unit", "parent")
    for instrument in queryset.iterator(chunk_size=2000):
        yield [book.display(column, instrument) for column in columns]


def log_export(filterset, fmt: str, *, actor) -> None:
    """Log who exported which instruments (the list's filters as shown) and, when they are one unit's, for which."""
    changelog.record_export(
        actor,
        unit_id=changelog.sole_unit(filterset.qs),
        what=_("仪器列表导出（%(fmt)s）") % {"fmt": fmt.upper()},
        filters=changelog.filters_shown(filterset.form),
    )


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
