"""Results files: uploaded while testing, private to those who may download them. Every download, by anyone, is one
row of the sensitive-read log (``core.changelog``); the ordering user's first such row is when they had the results
("用户已下载", ``OrderResult.downloaded_at``). A download moves nothing: the user completes the order with an explicit
step ("accept")."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from yiqi.accounts.access import Access, access_for
from yiqi.core import changelog
from yiqi.core.models import AuditEvent
from yiqi.core.uploads import RESULTS, check_upload

from ..models import OrderResult, TestOrder
from ..models import OrderStatus as S
from .visibility import can_download_results, serves
from .workflow import locked


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
    checked, problems = [], []
    for upload in uploads:
        try:
            checked.append(
                check_upload(upload, RESULTS, field="files", max_bytes=settings.YIQI_RESULT_MAX_BYTES)
            )
        except ValidationError as error:
            problems.extend(error.messages)
    if problems:
        raise ValidationError({"files": problems})
    saved: list[OrderResult] = []
    try:
        for upload, file in zip(uploads, checked, strict=True):
            result = OrderResult(
                order=order, original_name=file.display_name, size=file.size, uploaded_by=actor
            )
            result.file.save(file.stored_name, upload, save=False)
            saved.append(result)
            result.save()
    except Exception:
        for result in saved:  # nothing half-saved: no orphaned files either
            result.file.delete(save=False)
        raise
    AuditEvent.record(
        order,
        "add_results",
        actor=actor,
        from_state=order.status,
        to_state=order.status,
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
    AuditEvent.record(
        order,
        "remove_result",
        actor=actor,
        from_state=order.status,
        to_state=order.status,
        comment=_("删除结果文件：%(name)s") % {"name": result.original_name},
    )
    result.file.delete(save=False)
    result.delete()


def visible_results(
    access: Access, order: TestOrder, *, serving: bool | None = None
) -> QuerySet[OrderResult]:
    """The order's results files if the user may download them (``serving`` as in ``can_download_results``);
    a list prefetches ``results`` to read them without a query per order."""
    if can_download_results(access, order, serving=serving):
        return order.results.all()
    return order.results.none()


def open_result(result: OrderResult, *, actor) -> OrderResult:
    """Hand a results file to someone allowed to have it, and log who had it (the only write of this read). A
    download never moves the order (a link from another site could make one)."""
    order = result.order
    access = access_for(actor)
    if not can_download_results(access, order):
        raise PermissionDenied(_("您无权下载该结果文件。"))
    changelog.record_read(
        result,
        changelog.DOWNLOAD,
        actor=actor,
        unit_id=order.instrument.unit_id,
        what=_("委托单 %(number)s 的结果文件：%(name)s")
        % {"number": order.number, "name": result.original_name},
        order=order.pk,
    )
    return result
