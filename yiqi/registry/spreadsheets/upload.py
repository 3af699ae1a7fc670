"""The check of an uploaded workbook before it is stored."""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# A packed 10 MB workbook legitimately expands ~10×; far more is a zip bomb.
MAX_UNCOMPRESSED_RATIO = 25


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
    try:
        with zipfile.ZipFile(upload) as archive:
            members = {info.filename: info.file_size for info in archive.infolist()}
    except (zipfile.BadZipFile, OSError):
        members = {}
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in members or "xl/workbook.xml" not in members:
        raise ValidationError(_("文件内容不是有效的 .xlsx 工作簿（可能是改了扩展名的其他文件）。"))
    if sum(members.values()) > MAX_UNCOMPRESSED_RATIO * limit:
        raise ValidationError(_("工作簿解压后过大，请删除无关的工作表或拆分后分批导入。"))
