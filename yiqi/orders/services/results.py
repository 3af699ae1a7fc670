"""Results files: uploaded while testing, private to those who may download them, and downloading completes."""

import codecs
import os
import uuid
import zipfile

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from yiqi.accounts.access import Access, access_for

from ..models import OrderEvent, OrderResult, TestOrder
from ..models import OrderStatus as S
from .visibility import can_download_results, serves
from .workflow import TRANSITIONS, apply_step, locked

ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
# Extension → leading bytes the content must start with (None: plain text, checked by decoding).
RESULT_SIGNATURES = {
    "pdf": (b"%PDF-",),
    "xlsx": ZIP_SIGNATURES,
    "docx": ZIP_SIGNATURES,
    "zip": ZIP_SIGNATURES,
    "xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),  # OLE2 compound document
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "tif": (b"II*\x00", b"MM\x00*"),
    "tiff": (b"II*\x00", b"MM\x00*"),
    "csv": None,
    "txt": None,
}
# An Office Open XML file is a zip holding [Content_Types].xml and its own part folder.
OFFICE_PARTS = {"xlsx": "xl/", "docx": "word/"}
TEXT_BYTES = bytes({7, 8, 9, 10, 12, 13, 27} | set(range(0x20, 0x100)) - {0x7F})
DEFAULT_RESULT_MAX_BYTES = 50 * 1024 * 1024


def result_max_bytes() -> int:
    return getattr(settings, "ORDER_RESULT_MAX_BYTES", DEFAULT_RESULT_MAX_BYTES)


def _extension(name: str) -> str:
    return os.path.splitext(name or "")[1].lower().lstrip(".")


def _display_name(name: str) -> str:
    """The file's own name without any path a client sent, cut to fit while keeping the extension."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip() or "result"
    stem, ext = os.path.splitext(name)
    return stem[: 200 - len(ext)] + ext


def _looks_like_text(upload) -> bool:
    head = upload.read(64 * 1024)
    upload.seek(0)
    if head.translate(None, TEXT_BYTES):
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _is_office_file(upload, part: str) -> bool:
    try:
        with zipfile.ZipFile(upload.file) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, EOFError):
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names and any(name.startswith(part) for name in names)


def validate_result_file(upload) -> str:
    """Refuse a results file of the wrong type (by extension and by content) or over the size limit."""
    name = _display_name(upload.name)
    ext = _extension(name)
    if ext not in RESULT_SIGNATURES:
        raise ValidationError(
            _("“%(name)s”的类型不被接受，仅接受：%(types)s。")
            % {"name": name, "types": "、".join(t for t in RESULT_SIGNATURES if t not in ("jpeg", "tiff"))}
        )
    limit = result_max_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s”过大（%(size)s），单个文件上限 %(limit)s。")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s”是空文件。") % {"name": name})
    upload.seek(0)
    signatures = RESULT_SIGNATURES[ext]
    if signatures is None:
        genuine = _looks_like_text(upload)
    else:
        genuine = upload.read(16).startswith(signatures)
        upload.seek(0)
        if genuine and ext in OFFICE_PARTS:
            genuine = _is_office_file(upload, OFFICE_PARTS[ext])
    if not genuine:
        raise ValidationError(
            _("“%(name)s”的内容与扩展名 .%(ext)s 不符，请上传真实的文件。") % {"name": name, "ext": ext}
        )
    return ext


@transaction.atomic
def add_results(order: TestOrder, uploads, *, actor) -> list[OrderResult]:
    """Store results files (all or none) while the order is being tested."""
    order = locked(order)
    if not serves(access_for(actor), order):
        raise PermissionDenied(_("您无权为该委托单上传结果。"))
    if order.status != S.TESTING:
        raise ValidationError({"files": [_("只有检测中的委托单可以上传结果文件。")]})
    uploads = [upload for upload in uploads if upload]
    if not uploads:
        raise ValidationError({"files": [_("请选择要上传的结果文件。")]})
    problems = []
    for upload in uploads:
        try:
            validate_result_file(upload)
        except ValidationError as error:
            problems.extend(error.messages)
    if problems:
        raise ValidationError({"files": problems})
    saved: list[OrderResult] = []
    try:
        for upload in uploads:
            result = OrderResult(
                order=order, original_name=_display_name(upload.name), size=upload.size, uploaded_by=actor
            )
            result.file.save(f"{uuid.uuid4().hex}.{_extension(upload.name)}", upload, save=False)
            saved.append(result)
            result.save()
    except Exception:
        for result in saved:  # nothing half-saved: no orphaned files either
            result.file.delete(save=False)
        raise
    OrderEvent.objects.create(
        order=order,
        from_status=order.status,
        to_status=order.status,
        actor=actor,
        comment=_("上传结果文件：%(names)s") % {"names": "、".join(r.original_name for r in saved)},
    )
    return saved


@transaction.atomic
def remove_result(result: OrderResult, *, actor) -> None:
    """Take back a file uploaded by mistake, before results are published."""
    order = locked(result.order)
    if not serves(access_for(actor), order):
        raise PermissionDenied(_("您无权删除该结果文件。"))
    if order.status != S.TESTING:
        raise ValidationError({"files": [_("结果发布后不能再删除文件。")]})
    OrderEvent.objects.create(
        order=order,
        from_status=order.status,
        to_status=order.status,
        actor=actor,
        comment=_("删除结果文件：%(name)s") % {"name": result.original_name},
    )
    result.file.delete(save=False)
    result.delete()


def visible_results(access: Access, order: TestOrder) -> QuerySet[OrderResult]:
    if can_download_results(access, order):
        return order.results.select_related("uploaded_by")
    return order.results.none()


@transaction.atomic
def open_result(result: OrderResult, *, actor) -> OrderResult:
    """Hand a results file to someone allowed to have it. The ordering user's first download is recorded, and
    downloading published results completes the order (billing it)."""
    order = locked(result.order)
    access = access_for(actor)
    if not can_download_results(access, order):
        raise PermissionDenied(_("您无权下载该结果文件。"))
    if order.user_id == access.user_id:
        if result.downloaded_at is None:
            result.downloaded_at = timezone.now()
            result.save(update_fields=["downloaded_at"])
        if order.status == S.RESULTS_READY:
            apply_step(
                order, TRANSITIONS["accept"], actor=actor, comment=_("用户下载了检测结果。"), params={}
            )
    return result
