"""Excel template, spreadsheet import and list export of instrument records.

``columns.COLUMNS`` is the one definition of the file format: the template, the import and the export all follow
it, so a file exported from a list can be edited and imported again as it is.
"""

from .codebook import Codebook
from .columns import (
    CODES_SHEET,
    COLUMN_BY_FIELD,
    COLUMNS,
    HEADER_ROWS,
    INSTRUCTIONS_SHEET,
    CellError,
    Column,
    sheet_columns,
    sheet_names,
)
from .export import export_csv, export_xlsx, log_export
from .importer import Importer, process_import_job
from .template import build_template

__all__ = [
    "CODES_SHEET",
    "COLUMNS",
    "COLUMN_BY_FIELD",
    "HEADER_ROWS",
    "INSTRUCTIONS_SHEET",
    "CellError",
    "Codebook",
    "Column",
    "Importer",
    "build_template",
    "export_csv",
    "export_xlsx",
    "log_export",
    "process_import_job",
    "sheet_columns",
    "sheet_names",
]
