"""Ratings: the user of a completed service record (whatever its kind) rates it once; the instrument's manager or
the unit's admins reply once. A new rating tells listeners (the catalogue) through ``ratings_changed``.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import Access, access_for
from yiqi.accounts.services import organizations_of
from yiqi.notifications.services import Phrase, notify
from yiqi.registry import scoping
from yiqi.servicerecords.models import ServiceKind, ServiceRecord, ServiceStatus

from ..models import Rating
from ..signals import ratings_changed
from .shared import no_rows, too_long, unit_side

ASPECTS = ("overall", "timeliness", "attitude", "result_quality")
COMMENT_MAX_LENGTH = 1000
REPLY_MAX_LENGTH = 1000


def mask_name(user) -> str:
    """What the public sees of a rater: the first character of the name ("张**"), never the whole of it."""
    name = (user.full_name or user.username or "").strip()
    return f"{name[:1]}**"


def aspect_label(aspect: str) -> str:
    return str(Rating._meta.get_field(aspect).verbose_name)


def _score(value) -> int | None:
    """An integer 1–5 from a form, JSON or Python value; None for anything else (4.5, "五", True, 6)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdecimal():
        value = int(value.strip())
    return value if isinstance(value, int) and 1 <= value <= 5 else None


def rating_of(record: ServiceRecord) -> Rating | None:
    return Rating.objects.filter(record=record).first()


def rating_refusal(record: ServiceRecord, user) -> str | None:
    """Why ``user`` cannot rate ``record`` now (None when they can): the service's user only, once, after
    completion. The one rule for offering the rating link anywhere."""
    if record.user_id != getattr(user, "pk", None):
        return _("只有服务的使用人可以评价。")
    if record.status != ServiceStatus.COMPLETED:
        return _("该服务尚未完成（当前状态：%(status)s），完成后才能评价。") % {
            "status": record.get_status_display()
        }
    if rating_of(record) is not None:
        return _("您已评价过该服务，每次服务只能评价一次。")
    return None


@transaction.atomic
def rate(
    *,
    user,
    record: ServiceRecord | None,
    overall,
    timeliness,
    attitude,
    result_quality,
    comment: str = "",
) -> Rating:
    """The service's user rates a completed service record (1–5 on each aspect, optional comment)."""
    if record is None:
        raise ValidationError(_("请指定要评价的一次预约或一份委托测试单。"))
    record = (
        ServiceRecord.objects.select_for_update(of=("self",))
        .select_related("instrument", "user_organization")
        .get(pk=record.pk)
    )
    if record.user_id != user.pk:
        raise PermissionDenied(_("只有服务的使用人可以评价。"))
    refusal = rating_refusal(record, user)
    if refusal:
        raise ValidationError(refusal)
    scores = dict(zip(ASPECTS, (overall, timeliness, attitude, result_quality), strict=True))
    errors = {
        aspect: [_("“%(label)s”请打 1 至 5 分。") % {"label": aspect_label(aspect)}]
        for aspect, value in scores.items()
        if _score(value) is None
    }
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        errors["comment"] = [too_long(comment, COMMENT_MAX_LENGTH, _("评价内容"))]
    if errors:
        raise ValidationError(errors)
    organization = record.user_organization or organizations_of(user).first()
    rating = Rating.objects.create(
        record=record,
        instrument=record.instrument,
        unit_id=record.unit_id,
        user=user,
        rater_kind=organization.kind if organization else "",
        comment=comment,
        **{aspect: _score(value) for aspect, value in scores.items()},
    )
    if rating.instrument_id is not None:
        ratings_changed.send(sender=Rating, instrument_ids=[rating.instrument_id])
    notify(
        unit_side(record.unit_id, record.instrument),
        Phrase(
            gettext_lazy("“%(instrument)s”收到一条用户评价（总体 %(score)d 星）"),
            instrument=served_name(record),
            score=rating.overall,
        ),
        comment,
        reverse("feedback:rating_list") + "?unreplied=1",
        kind="rating",
        context={"rating": rating, "event": "received"},
    )
    return rating


# What the user is told when a service is done, by kind (the wording each kind's users have always received).
RATE_NOTICES = {
    ServiceKind.SELF_OPERATION: (
        gettext_lazy("上机已完成，请评价服务：%(instrument)s %(reference)s"),
        gettext_lazy("请对本次服务的及时性、态度和结果质量进行评价，您的评价将用于仪器开放共享考核。"),
    ),
    ServiceKind.COMMISSIONED_TESTING: (
        gettext_lazy("请评价委托测试服务：%(reference)s"),
        gettext_lazy("您的委托测试已完成，欢迎对服务的及时性、态度和结果质量作出评价。"),
    ),
    ServiceKind.RESOURCE_SUPPLY: (
        gettext_lazy("请评价科技资源服务：%(instrument)s %(reference)s"),
        gettext_lazy("您申请的科技资源已交付，欢迎对服务的及时性、态度和结果质量作出评价。"),
    ),
}


def served_name(record: ServiceRecord) -> str:
    """What was served: the instrument, or for a resource's service the resource named in the record."""
    return record.instrument.name if record.instrument_id else record.content


def ask_for_rating(record: ServiceRecord) -> None:
    """The service was delivered: invite its user to rate it, with a link to the rating page."""
    if rating_refusal(record, record.user) is not None:
        return
    subject, body = RATE_NOTICES[record.kind]
    notify(
        [record.user],
        Phrase(subject, instrument=served_name(record), reference=record.reference),
        body,
        reverse("feedback:rate", args=[record.pk]),
        kind="rating_request",
        context={"record": record},
    )


def can_reply(access: Access, rating: Rating) -> bool:
    """The instrument's manager or the unit's admins; for a resource's service (no instrument) the unit's admins."""
    if rating.instrument_id is None:
        return rating.unit_id in access.unit_admin_unit_ids
    return scoping.can_manage_service(access, rating.instrument)


@transaction.atomic
def reply(rating: Rating, *, actor, text: str) -> Rating:
    """The instrument's manager or a unit admin answers a rating, once."""
    rating = (
        Rating.objects.select_for_update(of=("self",))
        .select_related("instrument__unit", "user")
        .get(pk=rating.pk)
    )
    if not can_reply(access_for(actor), rating):
        raise PermissionDenied(_("只有该仪器的机组负责人或单位管理员可以回复评价。"))
    if rating.replied_at is not None:
        raise ValidationError({"reply": [_("该评价已回复过，每条评价只能回复一次。")]})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"reply": [_("请填写回复内容。")]})
    if len(text) > REPLY_MAX_LENGTH:
        raise ValidationError({"reply": [too_long(text, REPLY_MAX_LENGTH, _("回复"))]})
    rating.reply, rating.replied_by, rating.replied_at = text, actor, timezone.now()
    rating.save(update_fields=["reply", "replied_by", "replied_at"])
    notify(
        [rating.user],
        Phrase(
            gettext_lazy("您对“%(instrument)s”的评价收到了单位回复"), instrument=served_name(rating.record)
        ),
        text,
        rating_url(rating),
        kind="rating",
        context={"rating": rating, "event": "replied"},
    )
    return rating


def rating_url(rating: Rating) -> str:
    return reverse("feedback:rate", args=[rating.record_id])


def public_ratings(access: Access) -> QuerySet[Rating]:
    """Ratings of the instruments the user may see (published ones for everyone), newest first."""
    return Rating.objects.filter(instrument__in=scoping.visible_instruments(access)).select_related(
        "user", "instrument", "replied_by"
    )


def manageable_ratings(access: Access) -> QuerySet[Rating]:
    """Ratings the user may reply to: their unit's (unit admins) and their instruments' (managers)."""
    scope = no_rows()
    if access.unit_admin_unit_ids:
        scope |= Q(unit_id__in=access.unit_admin_unit_ids)
    if access.staff_unit_ids:
        scope |= Q(instrument__manager_id=access.user_id, instrument__unit_id__in=access.staff_unit_ids)
    return Rating.objects.filter(scope)
