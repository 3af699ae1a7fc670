"""The one upload check: a file is kept only if its content is what its name says, within its purpose's limits."""

import dataclasses
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from yiqi.core.uploads import DOCUMENT, EVIDENCE, PHOTO, RESULTS, check_upload, display_name

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 20
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 20
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><script>alert(1)</script></html>"


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def xlsx() -> bytes:
    book, buffer = Workbook(), io.BytesIO()
    book.active["A1"] = "硬度"
    book.save(buffer)
    return buffer.getvalue()


def docx() -> bytes:
    return zipped({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})


def zipped(members: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def refusal(name, content, purpose, **kwargs) -> str:
    with pytest.raises(ValidationError) as refused:
        check_upload(upload(name, content), purpose, field="file", **kwargs)
    [message] = refused.value.message_dict["file"]
    return message


@pytest.mark.parametrize(
    ("name", "content", "purpose", "content_type"),
    [
        ("照片.JPG", JPEG, PHOTO, "image/jpeg"),
        ("照片.png", PNG, PHOTO, "image/png"),
        ("照片.webp", WEBP, PHOTO, "image/webp"),
        ("报告.pdf", PDF, DOCUMENT, "application/pdf"),
        (
            "登记表.xlsx",
            xlsx(),
            DOCUMENT,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "合同.docx",
            docx(),
            EVIDENCE,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("数据.csv", "样品,硬度\n1,320\n".encode(), RESULTS, "text/csv"),
        ("说明.txt", "检测说明：GB 编码".encode("gbk"), RESULTS, "text/plain"),
        ("说明.txt", "\ufeff带 BOM 的说明 x<0.5".encode(), RESULTS, "text/plain"),
        ("原始数据.zip", zipped({"raw/1.dat": b"\x00" * 100}), RESULTS, "application/zip"),
    ],
)
def test_genuine_files_are_accepted_with_what_they_are(name, content, purpose, content_type):
    checked = check_upload(upload(name, content), purpose, field="file")
    assert checked.display_name == name and checked.size == len(content)
    assert checked.extension == name.rsplit(".", 1)[1].lower() and checked.content_type == content_type


def test_the_stored_name_is_random_and_keeps_only_the_verified_extension():
    checked = check_upload(upload("../../etc/报告 final.PDF", PDF), DOCUMENT, field="file")
    first, second = checked.stored_name, checked.stored_name
    assert first != second and first.endswith(".pdf") and len(first) == 32 + 4 and "/" not in first
    assert checked.display_name == "报告 final.PDF"


@pytest.mark.parametrize(
    ("name", "content", "purpose", "reason"),
    [
        ("page.html", b"%PDF-1.4\n<html>", DOCUMENT, "类型不被接受"),  # PDF magic, HTML name
        ("logo.svg", PNG, PHOTO, "类型不被接受"),  # PNG magic, SVG name
        ("报告.pdf", HTML, DOCUMENT, "不符"),  # HTML named .pdf
        ("照片.png", JPEG, PHOTO, "不符"),
        ("照片.jpg", b"not really an image", PHOTO, "不符"),
        ("登记表.xlsx", docx(), DOCUMENT, "不符"),  # a Word file renamed .xlsx
        ("登记表.xlsx", b"PK\x03\x04 not really a zip", DOCUMENT, "不符"),
        ("合同.docx", zipped({"word/document.xml": "<w:document/>"}), DOCUMENT, "不符"),  # no content types
        ("原始数据.zip", b"PK\x03\x04 truncated", RESULTS, "不符"),
        ("数据.csv", PNG, RESULTS, "不符"),  # binary renamed .csv
        ("数据.csv", PDF, RESULTS, "不符"),  # a PDF renamed .csv
        ("说明.txt", b"\xff\xfe\x00\x00binary", RESULTS, "不符"),
        ("说明.txt", b"abc\x00def", RESULTS, "不符"),  # NUL
        ("说明.txt", b"\x81\x20 broken GBK", RESULTS, "不符"),
        ("说明.txt", HTML, RESULTS, "网页或脚本"),
        ("数据.csv", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', RESULTS, "网页或脚本"),
        ("setup.exe", b"MZ\x90\x00", RESULTS, "类型不被接受"),
        ("没有扩展名", PDF, RESULTS, "类型不被接受"),
        ("空.pdf", b"", DOCUMENT, "空文件"),
    ],
)
def test_wrong_disguised_or_empty_files_are_refused(name, content, purpose, reason):
    assert reason in refusal(name, content, purpose)


def test_the_refusal_names_the_file_and_the_accepted_types():
    message = refusal("setup.exe", b"MZ", PHOTO)
    assert message == "“setup.exe”的类型不被接受，仅接受：jpg、png、webp。"


def test_each_purpose_has_its_size_limit_and_callers_may_set_theirs():
    message = refusal("照片.jpg", JPEG + b"\x00" * (2 * 1024 * 1024), PHOTO)
    assert "过大" in message and "超过上限 2.0\xa0MB" in message
    assert "上限 1.0\xa0KB" in refusal("报告.pdf", PDF + b"0" * 1024, RESULTS, max_bytes=1024)
    assert check_upload(upload("报告.pdf", PDF + b"0" * 1024), RESULTS, field="file", max_bytes=2048)


def test_a_zip_bomb_is_refused_without_unpacking_it():
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open("word/media/zeros.bin", "w") as member:
            for _ in range(11):
                member.write(b"\x00" * (1024 * 1024))
    small = dataclasses.replace(DOCUMENT, max_unpacked_bytes=10 * 1024 * 1024)
    content = bomb.getvalue()
    assert len(content) < 100 * 1024
    assert "解压后过大" in refusal("合同.docx", content, small)


def test_a_zip_of_too_many_files_is_refused():
    content = zipped(
        {"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<w/>"} | {f"{i}": "" for i in range(20)}
    )
    assert "文件过多" in refusal("表.xlsx", content, dataclasses.replace(DOCUMENT, max_members=10))


def test_errors_are_keyed_by_the_callers_field():
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("x.exe", b"MZ"), EVIDENCE, field="evidence")
    assert set(refused.value.message_dict) == {"evidence"}


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("C:\\Users\\张\\报告.pdf", "报告.pdf"),
        ("/tmp/../报告.pdf", "报告.pdf"),
        ("报\x00告\r\n.pdf", "报告.pdf"),
        ("evil\u202efdp.exe", "evilfdp.exe"),  # no right-to-left override
        ("  spaced.pdf  ", "spaced.pdf"),
        ("长" * 300 + ".pdf", "长" * 196 + ".pdf"),
    ],
)
def test_display_names_lose_paths_control_characters_and_excess_length(given, shown):
    assert display_name(given) == shown
