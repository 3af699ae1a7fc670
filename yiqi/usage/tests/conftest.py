import datetime as dt
import io
import zipfile
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def pdf(name="使用登记表.pdf", size=None) -> SimpleUploadedFile:
    body = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"
    if size:
        body = body + b"0" * (size - len(body))
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def png(name="记录照片.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, content_type="image/png")


def xlsx(name="使用登记.xlsx") -> SimpleUploadedFile:
    book, buffer = Workbook(), io.BytesIO()
    book.active["A1"] = "使用登记"
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def docx(name="服务合同.docx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def recent():
    """A two-hour slot that ended yesterday, local time on the hour."""
    from django.utils import timezone

    start = (timezone.localtime() - dt.timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    return start, start + dt.timedelta(hours=2)
