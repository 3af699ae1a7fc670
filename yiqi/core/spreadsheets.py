"""Spreadsheets every import shares: the check of an uploaded workbook, plain cell values, error rows.

An .xlsx is a zip archive. Its directory states every member's uncompressed size, and ``zipfile`` refuses to
inflate a member beyond its stated size, so the limits below bound what openpyxl can ever decompress. The check
runs before a file is stored and again before an import opens it.
"""

import datetime as dt
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# A packed 10 MB workbook legitimately expands ~10×; far more is a zip bomb.
MAX_UNCOMPRESSED_RATIO = 25
# Whatever the upload limit: the 16,000-row benchmark workbook (6 MB) expands to 44 MB and even a full 10 MB
# workbook of unique text to ~100 MB, while a worker reading a few hundred MB of sheet XML grows past 1 GB.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
# A workbook holds a dozen or so members (sheets, styles, shared strings, a few images); thousands are no
# spreadsheet, only work for the reader.
MAX_MEMBERS = 2000


def validate_xlsx_upload(upload) -> None:
    """Reject anything but a real, reasonably sized .xlsx before it is stored (size first: cheapest)."""
    limit = settings.YIQI_IMPORT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("文件大小为 %(size)s，超过上限 %(limit)s。请删除无关的工作表或拆分后分批导入。")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    if not upload.name.lower().endswith(".xlsx"):
        raise ValidationError(_("只支持 Excel .xlsx 文件。.xls 或 .csv 文件请先在 Excel 中另存为 .xlsx。"))
    members = archive_members(upload)
    if "[Content_Types].xml" not in members or "xl/workbook.xml" not in members:
        raise ValidationError(_("文件内容不是有效的 .xlsx 工作簿（可能是改了扩展名的其他文件）。"))
    check_expansion(members)


def archive_members(fileobj) -> dict[str, int]:
    """Member name → uncompressed size, from the zip directory only; empty if the file is no zip archive."""
    try:
        with zipfile.ZipFile(fileobj) as archive:
            return {info.filename: info.file_size for info in archive.infolist()}
    except (zipfile.BadZipFile, OSError):
        return {}
    finally:
        fileobj.seek(0)


def check_expansion(members: dict[str, int]) -> None:
    """Refuse an archive with too many members or too much content once decompressed."""
    if len(members) > MAX_MEMBERS:
        raise ValidationError(
            _("工作簿包含 %(count)s 个内部文件，超过上限 %(max)s 个，不像是普通的 Excel 工作簿。")
            % {"count": f"{len(members):,}", "max": f"{MAX_MEMBERS:,}"}
        )
    size = sum(members.values())
    limit = min(MAX_UNCOMPRESSED_RATIO * settings.YIQI_IMPORT_MAX_BYTES, MAX_UNCOMPRESSED_BYTES)
    if size > limit:
        raise ValidationError(
            _("工作簿解压后为 %(size)s，超过上限 %(limit)s。请删除无关的工作表或图片，或拆分后分批导入。")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number typed into a text column: 2024001, not 2024001.0
    elif isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    return str(value).strip()


def error_entry(message, sheet="", row=None, column="", value="") -> dict:
    if isinstance(value, dt.datetime | dt.date):
        value = value.isoformat()
    return {
        "sheet": sheet,
        "row": row,
        "column": column,
        "value": cell_text(value)[:100],
        "message": str(message),
    }
