"""The one check every uploaded file passes: registry photos and documents, order results, usage evidence.

Each purpose declares the extensions it accepts and its size limit. A file is accepted only when its content is
what its extension says: binary types by their signature (``filetype``), Office files as zips holding their main
part within bounded unpacked size, text types by strict decoding and never HTML or script. It is stored under a
random name keeping only the verified extension; the name the user gave is kept, cleaned, for display.
"""

import codecs
import os
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from filetype.types import archive, document, image

MB = 1024 * 1024
HEAD_BYTES = 8192  # enough for every signature filetype looks at


class OleCompoundDocument(filetype.Type):
    """Any OLE2 compound document: filetype's own Xls matcher knows only a few writers' layouts, and instruments'
    software writes .xls files in others."""

    def __init__(self):
        super().__init__(mime="application/vnd.ms-excel", extension="xls")

    def match(self, buf):
        return buf[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


# Extension → the content it must have: filetype matchers, or TEXT (checked by decoding).
TEXT = "text"
MATCHERS = {
    "pdf": (archive.Pdf(),),
    "jpg": (image.Jpeg(),),
    "jpeg": (image.Jpeg(),),
    "png": (image.Png(),),
    "webp": (image.Webp(),),
    "tif": (image.Tiff(),),
    "tiff": (image.Tiff(),),
    "xls": (document.Xls(), OleCompoundDocument()),
    "zip": (archive.Zip(),),
    "docx": (archive.Zip(),),
    "xlsx": (archive.Zip(),),
    "csv": TEXT,
    "txt": TEXT,
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "xls": "application/vnd.ms-excel",
    "zip": "application/zip",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "txt": "text/plain",
}
# An Office Open XML file is a zip holding its content types and its main part.
OFFICE_MAIN_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
# Other spellings of an accepted type, left out when the accepted types are listed to the user.
ALIASES = {"jpeg", "tiff"}
TEXT_BYTES = bytes({7, 8, 9, 10, 12, 13, 27} | set(range(0x20, 0x100)) - {0x7F})
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")
MARKUP = re.compile(
    r"<\s*(!doctype|html|head|body|script|svg|iframe|object|embed|meta|link|style|\?xml)\b|javascript:",
    re.IGNORECASE,
)
NAME_MAX_LENGTH = 200


@dataclass(frozen=True)
class UploadPurpose:
    """What one kind of upload may be: its extensions, its size, and for zips the unpacked size and file count."""

    extensions: tuple[str, ...]
    max_bytes: int
    max_unpacked_bytes: int = 200 * MB
    max_members: int = 1000


PHOTO = UploadPurpose(("jpg", "jpeg", "png", "webp"), 2 * MB)
DOCUMENT = UploadPurpose(("pdf", "docx", "xlsx"), 10 * MB)
EVIDENCE = UploadPurpose(("pdf", "jpg", "jpeg", "png", "xlsx", "docx"), 10 * MB)
RESULTS = UploadPurpose(
    ("pdf", "xlsx", "xls", "csv", "docx", "txt", "zip", "png", "jpg", "jpeg", "tif", "tiff"),
    50 * MB,
    max_unpacked_bytes=2048 * MB,
    max_members=20000,
)


@dataclass(frozen=True)
class CheckedUpload:
    display_name: str  # the user's name for the file, cleaned
    extension: str  # verified against the content, lower case, no dot
    content_type: str
    size: int

    @property
    def stored_name(self) -> str:
        """A fresh random name for storage, with the verified extension only."""
        return f"{uuid.uuid4().hex}.{self.extension}"


def display_name(name: str, max_length: int = NAME_MAX_LENGTH) -> str:
    """The file's own name: no path a client sent, no control or direction characters, cut to fit keeping the
    extension."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp")).strip()
    stem, ext = os.path.splitext(name)
    if len(ext) >= max_length:
        return name[:max_length]
    return stem[: max_length - len(ext)] + ext


def extension_of(name: str) -> str:
    return os.path.splitext(name)[1].lower().lstrip(".")


def accepted_types(purpose: UploadPurpose) -> list[str]:
    """The extensions to show a user (and to give the browser's file picker), without alternative spellings."""
    return [ext for ext in purpose.extensions if ext not in ALIASES]


def check_upload(
    upload, purpose: UploadPurpose, *, field: str, max_bytes: int | None = None
) -> CheckedUpload:
    """Accept ``upload`` for ``purpose`` or raise a ValidationError on ``field`` saying why not.
    ``max_bytes`` overrides the purpose's size limit where a setting decides it."""
    name = display_name(upload.name)
    ext = extension_of(name)

    def refuse(message: str):
        return ValidationError({field: [message]})

    if ext not in purpose.extensions:
        raise refuse(
            _("“%(name)s”的类型不被接受，仅接受：%(types)s。")
            % {"name": name, "types": "、".join(accepted_types(purpose))}
        )
    limit = purpose.max_bytes if max_bytes is None else max_bytes
    if upload.size > limit:
        raise refuse(
            _("“%(name)s”过大（%(size)s），超过上限 %(limit)s。")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    if upload.size == 0:
        raise refuse(_("“%(name)s”是空文件。") % {"name": name})
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    try:
        problem = _content_problem(upload, head, name, ext, purpose)
    finally:
        upload.seek(0)
    if problem:
        raise refuse(problem)
    return CheckedUpload(display_name=name, extension=ext, content_type=CONTENT_TYPES[ext], size=upload.size)


def _content_problem(upload, head: bytes, name: str, ext: str, purpose: UploadPurpose) -> str | None:
    """Why the content is not what ``ext`` says, or None if it is."""
    mismatch = _("“%(name)s”的内容与扩展名 .%(ext)s 不符，请上传真实的文件。") % {"name": name, "ext": ext}
    matchers = MATCHERS[ext]
    if matchers == TEXT:
        if filetype.guess(head) is not None:
            return mismatch
        text = _plain_text(upload, head)
        if text is None:
            return mismatch
        if MARKUP.search(text):
            return _("“%(name)s”看起来是网页或脚本，不能作为 .%(ext)s 文件上传。") % {
                "name": name,
                "ext": ext,
            }
        return None
    if filetype.match(head, matchers=matchers) is None:
        return mismatch
    if matchers[0].extension != "zip":
        return None
    try:
        with zipfile.ZipFile(upload) as archive_file:
            members = archive_file.infolist()
            if (
                len(members) > purpose.max_members
                or sum(m.file_size for m in members) > purpose.max_unpacked_bytes
            ):
                return _("“%(name)s”解压后过大或包含的文件过多（上限 %(count)d 个文件、%(limit)s）。") % {
                    "name": name,
                    "count": purpose.max_members,
                    "limit": filesizeformat(purpose.max_unpacked_bytes),
                }
            part = OFFICE_MAIN_PARTS.get(ext)
            if part is None:
                return None
            if not {"[Content_Types].xml", part} <= {member.filename for member in members}:
                return mismatch
            with archive_file.open(part) as main:  # the main part must unpack, too
                main.read(64 * 1024)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        ValueError,
        NotImplementedError,
        RuntimeError,
    ):
        return mismatch
    return None


def _plain_text(upload, head: bytes) -> str | None:
    """The start of the file as text if it is all UTF-8 or GB 18030 (GBK) without control bytes, else None."""
    decoders = {encoding: codecs.getincrementaldecoder(encoding)() for encoding in TEXT_ENCODINGS}
    for chunk in upload.chunks():
        if chunk.translate(None, TEXT_BYTES):
            return None
        for encoding, decoder in list(decoders.items()):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                del decoders[encoding]
        if not decoders:
            return None
    for encoding, decoder in list(decoders.items()):
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            del decoders[encoding]
    if not decoders:
        return None
    return head[:4096].decode(next(iter(decoders)), errors="ignore")
