"""Business rules of ratings and complaints. Web pages, the API and the daily task all call these.

Ratings: the user of a completed booking or commissioned-testing order rates it once; the instrument's manager
or the unit's admins reply once; averages are DB aggregates; the catalogue ranks better-rated instruments first
among equal matches (``quality_signal``).

Complaints: filed by any signed-in user about a unit or one of its instruments, numbered ``TS`` + date + sequence,
due within ``COMPLAINT_WORKING_DAYS`` working days on the statutory calendar; OPEN → IN_PROGRESS (the unit
accepts) → RESOLVED (outcome recorded by the unit or its supervising department) → CLOSED (the complainant
confirms, or nobody objects for ``CONFIRMATION_WORKING_DAYS``). The complainant may reopen once.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import Access, access_for
from yiqi.accounts.models import Role
from yiqi.accounts.services import organizations_of, users_with_role
from yiqi.booking.models import Booking, BookingStatus
from yiqi.catalog.cache import MAX_QUALITY
from yiqi.catalog.models import IndexChange, SearchDocument
from yiqi.core.sequences import next_daily_number
from yiqi.core.workdays import add_working_days
from yiqi.notifications.services import notify
from yiqi.orders.models import OrderStatus, TestOrder
from yiqi.registry import scoping

from .models import Complaint, ComplaintAction, ComplaintEvent, ComplaintStatus, Rating

ASPECTS = ("overall", "timeliness", "attitude", "result_quality")
COMMENT_MAX_LENGTH = 1000
REPLY_MAX_LENGTH = 1000
SUBJECT_MAX_LENGTH = 100
DESCRIPTION_MAX_LENGTH = 3000
COMPLAINT_WORKING_DAYS = 10  # default handling period; settings.COMPLAINT_WORKING_DAYS overrides it
CONFIRMATION_WORKING_DAYS = 10  # a resolved complaint closes itself after this long without an answer
# Bayesian average: an instrument starts as if PRIOR_WEIGHT users had given it PRIOR_MEAN, so one 5-star rating
# does not outrank twenty 4.8s, and an unrated instrument sits in the middle.
PRIOR_MEAN = 3
PRIOR_WEIGHT = 5

ACTIVE_STATES = (ComplaintStatus.OPEN, ComplaintStatus.IN_PROGRESS)


def _none() -> Q:
    return Q(pk__in=[])


def _too_long(text: str, limit: int, label: str = "") -> str:
    values = {"limit": limit, "n": len(text), "label": label}
    if label:
        return _("%(label)s不能超过 %(limit)d 字（现为 %(n)d 字）。") % values
    return _("不能超过 %(limit)d 字（现为 %(n)d 字）。") % values


# --- ratings ----------------------------------------------------------------------------------------------------


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


def _locked_service(booking: Booking | None, order: TestOrder | None) -> Booking | TestOrder:
    if (booking is None) == (order is None):
        raise ValidationError(_("请指定要评价的一次预约或一份委托测试单。"))
    model = Booking if booking is not None else TestOrder
    return (
        model.objects.select_for_update(of=("self",))
        .select_related("instrument__unit", "user_organization")
        .get(pk=(booking or order).pk)
    )


def _is_completed(service: Booking | TestOrder) -> bool:
    done = BookingStatus.COMPLETED if isinstance(service, Booking) else OrderStatus.COMPLETED
    return service.status == done


def rating_of(service: Booking | TestOrder) -> Rating | None:
    key = "booking" if isinstance(service, Booking) else "order"
    return Rating.objects.filter(**{key: service}).first()


def rating_refusal(service: Booking | TestOrder, user) -> str | None:
    """Why ``user`` cannot rate ``service`` now (None when they can); the service's user only, once, after
    completion."""
    if service.user_id != getattr(user, "pk", None):
        return _("只有服务的使用人可以评价。")
    if not _is_completed(service):
        return _("该服务尚未完成（当前状态：%(status)s），完成后才能评价。") % {
            "status": service.get_status_display()
        }
    if rating_of(service) is not None:
        return _("您已评价过该服务，每次服务只能评价一次。")
    return None


@transaction.atomic
def rate(
    *,
    user,
    booking: Booking | None = None,
    order: TestOrder | None = None,
    overall,
    timeliness,
    attitude,
    result_quality,
    comment: str = "",
) -> Rating:
    """The service's user rates a completed booking or order (1–5 on each aspect, optional comment)."""
    service = _locked_service(booking, order)
    if service.user_id != user.pk:
        raise PermissionDenied(_("只有服务的使用人可以评价。"))
    refusal = rating_refusal(service, user)
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
        errors["comment"] = [_too_long(comment, COMMENT_MAX_LENGTH, _("评价内容"))]
    if errors:
        raise ValidationError(errors)
    organization = service.user_organization or organizations_of(user).first()
    rating = Rating.objects.create(
        booking=service if isinstance(service, Booking) else None,
        order=service if isinstance(service, TestOrder) else None,
        instrument=service.instrument,
        unit_id=service.instrument.unit_id,
        user=user,
        rater_kind=organization.kind if organization else "",
        comment=comment,
        **{aspect: _score(value) for aspect, value in scores.items()},
    )
    update_catalogue_quality([rating.instrument_id])
    notify(
        unit_side(service.instrument.unit_id, service.instrument),
        _("“%(instrument)s”收到一条用户评价（总体 %(score)d 星）")
        % {"instrument": service.instrument.name, "score": rating.overall},
        comment,
        reverse("feedback:rating_list") + "?unreplied=1",
    )
    return rating


def unit_side(unit_id: int, instrument=None) -> list:
    """Who answers for a unit's service: its admins and, when an instrument is concerned, its manager."""
    users = list(users_with_role(Role.UNIT_ADMIN, organization_id=unit_id))
    if instrument is not None and instrument.manager_id and instrument.unit_id == unit_id:
        users.append(instrument.manager)
    return users


@transaction.atomic
def reply(rating: Rating, *, actor, text: str) -> Rating:
    """The instrument's manager or a unit admin answers a rating, once."""
    rating = (
        Rating.objects.select_for_update(of=("self",))
        .select_related("instrument__unit", "user")
        .get(pk=rating.pk)
    )
    if not scoping.can_manage_service(access_for(actor), rating.instrument):
        raise PermissionDenied(_("只有该仪器的机组负责人或单位管理员可以回复评价。"))
    if rating.replied_at is not None:
        raise ValidationError({"reply": [_("该评价已回复过，每条评价只能回复一次。")]})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"reply": [_("请填写回复内容。")]})
    if len(text) > REPLY_MAX_LENGTH:
        raise ValidationError({"reply": [_too_long(text, REPLY_MAX_LENGTH, _("回复"))]})
    rating.reply, rating.replied_by, rating.replied_at = text, actor, timezone.now()
    rating.save(update_fields=["reply", "replied_by", "replied_at"])
    notify(
        [rating.user],
        _("您对“%(instrument)s”的评价收到了单位回复") % {"instrument": rating.instrument.name},
        text,
        rating_url(rating),
    )
    return rating


def rating_url(rating: Rating) -> str:
    if rating.booking_id:
        return reverse("feedback:rate_booking", args=[rating.booking_id])
    return reverse("feedback:rate_order", args=[rating.order_id])


def public_ratings(access: Access) -> QuerySet[Rating]:
    """Ratings of the instruments the user may see (published ones for everyone), newest first."""
    return Rating.objects.filter(instrument__in=scoping.visible_instruments(access)).select_related(
        "user", "instrument", "replied_by"
    )


def manageable_ratings(access: Access) -> QuerySet[Rating]:
    """Ratings the user may reply to: their unit's (unit admins) and their instruments' (managers)."""
    scope = _none()
    if access.unit_admin_unit_ids:
        scope |= Q(unit_id__in=access.unit_admin_unit_ids)
    if access.staff_unit_ids:
        scope |= Q(instrument__manager_id=access.user_id, instrument__unit_id__in=access.staff_unit_ids)
    return Rating.objects.filter(scope)


@dataclass(frozen=True)
class ScoreShare:
    score: int
    count: int
    percent: int


@dataclass(frozen=True)
class RatingSummary:
    count: int
    averages: dict[str, Decimal | None]  # aspect → average to one decimal (None without ratings)
    distribution: list[ScoreShare]  # overall scores 5 … 1

    @property
    def overall(self) -> Decimal | None:
        return self.averages["overall"]

    @property
    def aspects(self) -> list[tuple[str, Decimal | None]]:
        """(label, average) of the aspects besides the overall score, for display."""
        return [(aspect_label(aspect), self.averages[aspect]) for aspect in ASPECTS[1:]]


def _percent(part: int, whole: int) -> int:
    return int((Decimal(100 * part) / whole).quantize(Decimal("1"), ROUND_HALF_UP)) if whole else 0


def summarize(ratings: QuerySet[Rating]) -> RatingSummary:
    """Count, per-aspect averages and the spread of overall scores, from two aggregate queries.

    Sums, not AVG: the division happens in Decimal, so 4.25 rounds to 4.3 on every database."""
    totals = ratings.aggregate(count=Count("id"), **{aspect: Sum(aspect) for aspect in ASPECTS})
    count = totals["count"]
    averages = {
        aspect: (Decimal(totals[aspect]) / count).quantize(Decimal("0.1"), ROUND_HALF_UP) if count else None
        for aspect in ASPECTS
    }
    by_score = dict(ratings.order_by().values_list("overall").annotate(n=Count("id")))
    distribution = [
        ScoreShare(score, by_score.get(score, 0), _percent(by_score.get(score, 0), count))
        for score in range(5, 0, -1)
    ]
    return RatingSummary(count, averages, distribution)


def rating_summary(instrument) -> RatingSummary:
    return summarize(Rating.objects.filter(instrument=instrument))


def unit_rating_summary(unit) -> RatingSummary:
    return summarize(Rating.objects.filter(unit=unit))


# --- the catalogue's ranking signal -----------------------------------------------------------------------------


def quality_signal(count: int, overall_total: int) -> int:
    """``SearchDocument.quality`` (0–MAX_QUALITY) from the number of ratings and the sum of their overall
    scores: the Bayesian average (1–5) mapped linearly, 1 → 0 and 5 → MAX_QUALITY. Unrated: the middle."""
    mean = Fraction(PRIOR_MEAN * PRIOR_WEIGHT + overall_total, PRIOR_WEIGHT + count)
    return int((mean - 1) * MAX_QUALITY / 4 + Fraction(1, 2))  # exact, rounded half up


def catalogue_quality(instrument_ids: Iterable[int]) -> dict[int, int]:
    """The quality signal of each instrument, from one grouped aggregate query."""
    ids = {int(i) for i in instrument_ids}
    rows = (
        Rating.objects.filter(instrument_id__in=ids)
        .order_by()
        .values("instrument_id")
        .annotate(n=Count("id"), total=Sum("overall"))
    )
    found = {row["instrument_id"]: quality_signal(row["n"], row["total"]) for row in rows}
    return {i: found.get(i, quality_signal(0, 0)) for i in ids}


def update_catalogue_quality(instrument_ids: Iterable[int]) -> list[int]:
    """Write the signal into the search documents and log the change, so every process's facet cache reloads
    them (``IndexChange``); returns the instruments whose signal changed."""
    changed = [
        doc
        for doc, quality in sorted(catalogue_quality(instrument_ids).items())
        if SearchDocument.objects.filter(id=doc).exclude(quality=quality).update(quality=quality)
    ]
    IndexChange.objects.bulk_create([IndexChange(instrument_id=doc) for doc in changed])
    return changed


# --- complaints: who sees and handles them ----------------------------------------------------------------------


def complaint_working_days() -> int:
    return getattr(settings, "COMPLAINT_WORKING_DAYS", COMPLAINT_WORKING_DAYS)


def complaint_due_on(filed_on: dt.date) -> dt.date:
    """The last day of the handling period: N working days after filing, on the statutory calendar."""
    return add_working_days(filed_on, complaint_working_days()).date


def overdue_q(today: dt.date | None = None) -> Q:
    return Q(status__in=ACTIVE_STATES, due_on__lt=today or timezone.localdate())


def _handler_q(access: Access) -> Q:
    """The unit's side: its admins, and the manager of the instrument complained about."""
    scope = _none()
    if access.unit_admin_unit_ids:
        scope |= Q(unit_id__in=access.unit_admin_unit_ids)
    if access.staff_unit_ids:
        scope |= Q(instrument__manager_id=access.user_id, instrument__unit_id__in=access.staff_unit_ids)
    return scope


def visible_complaints(access: Access) -> QuerySet[Complaint]:
    """Complainants see their own; the unit's side its unit's; departments their units'; the platform all."""
    queryset = Complaint.objects.select_related("unit", "instrument", "complainant")
    if access.is_platform_admin:
        return queryset
    if not access.is_authenticated:
        return queryset.none()
    scope = Q(complainant_id=access.user_id) | _handler_q(access)
    if access.department_ids:
        scope |= Q(unit__supervising_department_id__in=access.department_ids)
    return queryset.filter(scope)


def handled_complaints(access: Access) -> QuerySet[Complaint]:
    return Complaint.objects.filter(_handler_q(access))


def supervised_complaints(access: Access) -> QuerySet[Complaint]:
    if access.is_platform_admin:
        return Complaint.objects.all()
    return Complaint.objects.filter(unit__supervising_department_id__in=access.department_ids)


def handles(access: Access, complaint: Complaint) -> bool:
    instrument = complaint.instrument
    return complaint.unit_id in access.unit_admin_unit_ids or (
        instrument is not None
        and access.user_id is not None
        and instrument.manager_id == access.user_id
        and instrument.unit_id in access.staff_unit_ids
    )


def supervises(access: Access, complaint: Complaint) -> bool:
    return access.is_platform_admin or complaint.unit.supervising_department_id in access.department_ids


def is_complainant(access: Access, complaint: Complaint) -> bool:
    return access.user_id is not None and complaint.complainant_id == access.user_id


# --- complaints: filing -----------------------------------------------------------------------------------------


def _check_text(errors: dict, field: str, text: str, limit: int, missing: str) -> str:
    text = (text or "").strip()
    if not text:
        errors[field] = [missing]
    elif len(text) > limit:
        errors[field] = [_too_long(text, limit)]
    return text


def _check_target(access: Access, user, unit, instrument, booking, order) -> tuple:
    """(unit, instrument) complained about, consistent with each other and with the user's own booking or
    order; raises a field error otherwise."""
    if booking is not None and order is not None:
        raise ValidationError({"order": [_("一件投诉只能关联一次预约或一份委托测试单。")]})
    service = booking if booking is not None else order
    if service is not None:
        if service.user_id != user.pk:
            field = "booking" if booking is not None else "order"
            raise ValidationError({field: [_("只能关联您本人的预约或委托测试单。")]})
        if instrument is not None and instrument.pk != service.instrument_id:
            raise ValidationError({"instrument": [_("所选仪器与关联的预约或委托测试单不一致。")]})
        instrument = service.instrument
    if instrument is not None:
        if not scoping.visible_instruments(access).filter(pk=instrument.pk).exists():
            raise ValidationError({"instrument": [_("所选仪器不存在。")]})
        if unit is not None and unit.pk != instrument.unit_id:
            raise ValidationError({"instrument": [_("所选仪器不属于被投诉的单位。")]})
        unit = instrument.unit
    if unit is None:
        raise ValidationError({"unit": [_("请选择被投诉的单位或仪器。")]})
    if not unit.is_management_unit:
        raise ValidationError({"unit": [_("只能投诉在平台登记仪器的管理单位。")]})
    return unit, instrument


@transaction.atomic
def file_complaint(
    *,
    user,
    subject: str,
    description: str,
    unit=None,
    instrument=None,
    booking: Booking | None = None,
    order: TestOrder | None = None,
) -> Complaint:
    """A signed-in user complains about a unit or one of its instruments, optionally about their own booking or
    order; the unit's side and its supervising department are told at once."""
    access = access_for(user)
    if not access.is_authenticated:
        raise PermissionDenied(_("请先登录再提交投诉。"))
    errors: dict[str, list[str]] = {}
    try:
        unit, instrument = _check_target(access, user, unit, instrument, booking, order)
    except ValidationError as error:
        errors.update(error.message_dict)
    subject = _check_text(errors, "subject", subject, SUBJECT_MAX_LENGTH, _("请填写投诉事项。"))
    description = _check_text(
        errors, "description", description, DESCRIPTION_MAX_LENGTH, _("请填写详细情况。")
    )
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    complaint = Complaint.objects.create(
        number=next_daily_number("TS", today, Complaint.objects),
        complainant=user,
        unit=unit,
        instrument=instrument,
        booking=booking,
        order=order,
        subject=subject,
        description=description,
        due_on=complaint_due_on(today),
    )
    _record(complaint, ComplaintAction.FILE, "", user)
    _notify(complaint, ComplaintAction.FILE, user)
    return complaint


# --- complaints: handling ---------------------------------------------------------------------------------------

A = ComplaintAction
S = ComplaintStatus


@dataclass(frozen=True)
class Step:
    action: str
    sources: tuple[str, ...]
    target: str | None  # None: a note, the state stays
    needs_comment: bool = False


STEPS = {
    step.action: step
    for step in (
        Step(A.ACCEPT, (S.OPEN,), S.IN_PROGRESS),
        Step(A.RESOLVE, (S.OPEN, S.IN_PROGRESS), S.RESOLVED, needs_comment=True),
        Step(A.CONFIRM, (S.RESOLVED,), S.CLOSED),
        Step(A.REOPEN, (S.RESOLVED,), S.IN_PROGRESS, needs_comment=True),
        Step(A.COMMENT, (S.OPEN, S.IN_PROGRESS, S.RESOLVED), None, needs_comment=True),
    )
}
MISSING_COMMENT = {
    A.RESOLVE: gettext_lazy("办结时须填写处理结果。"),
    A.REOPEN: gettext_lazy("要求重新办理时须说明理由。"),
    A.COMMENT: gettext_lazy("请填写意见内容。"),
}


def _may(access: Access, action: str, complaint: Complaint) -> bool:
    if action == A.ACCEPT:
        return handles(access, complaint)
    if action == A.RESOLVE:
        # The unit resolves what it has accepted; the department may step in at any time before.
        return supervises(access, complaint) or (
            complaint.status == S.IN_PROGRESS and handles(access, complaint)
        )
    if action == A.CONFIRM:
        return is_complainant(access, complaint)
    if action == A.REOPEN:
        return is_complainant(access, complaint) and complaint.reopened_at is None
    if action == A.COMMENT:
        return (
            supervises(access, complaint) or handles(access, complaint) or is_complainant(access, complaint)
        )
    return False


def available_actions(complaint: Complaint, access: Access) -> list[str]:
    return [
        action
        for action, step in STEPS.items()
        if complaint.status in step.sources and _may(access, action, complaint)
    ]


@transaction.atomic
def transition(complaint: Complaint, action: str, *, actor, comment: str = "") -> Complaint:
    """One step of a complaint (accept, resolve with its outcome, confirm, reopen once, comment), recorded and
    told to the other side."""
    step = STEPS.get(action)
    if step is None:
        raise ValidationError({"action": [_("未知操作：%(action)s") % {"action": action}]})
    complaint = (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("unit", "instrument", "complainant")
        .get(pk=complaint.pk)
    )
    access = access_for(actor)
    if complaint.status not in step.sources:
        raise ValidationError(
            {
                "action": [
                    _("投诉当前状态为“%(status)s”，不能执行此操作。")
                    % {"status": complaint.get_status_display()}
                ]
            }
        )
    if action == A.REOPEN and is_complainant(access, complaint) and complaint.reopened_at is not None:
        raise ValidationError({"action": [_("每件投诉只能要求重新办理一次。")]})
    if not _may(access, action, complaint):
        raise PermissionDenied(_("您无权对该投诉执行此操作。"))
    comment = (comment or "").strip()
    if step.needs_comment and not comment:
        raise ValidationError({"comment": [MISSING_COMMENT[action]]})
    if len(comment) > DESCRIPTION_MAX_LENGTH:
        raise ValidationError({"comment": [_too_long(comment, DESCRIPTION_MAX_LENGTH)]})
    source = complaint.status
    today = timezone.localdate()
    if action == A.RESOLVE:
        complaint.outcome, complaint.resolved_at = comment, timezone.now()
        complaint.auto_close_on = add_working_days(today, CONFIRMATION_WORKING_DAYS).date
    elif action == A.REOPEN:
        # A fresh handling period, and a fresh overdue reminder if that one passes too.
        complaint.reopened_at = timezone.now()
        complaint.outcome, complaint.resolved_at, complaint.auto_close_on = "", None, None
        complaint.due_on, complaint.escalated_at = complaint_due_on(today), None
    if step.target:
        complaint.status = step.target
    complaint.save()
    _record(complaint, action, source, actor, comment)
    _notify(complaint, action, actor, comment)
    return complaint


def _record(complaint: Complaint, action: str, source: str, actor, comment: str = "") -> ComplaintEvent:
    return ComplaintEvent.objects.create(
        complaint=complaint,
        action=action,
        from_status=source,
        to_status=complaint.status,
        actor=actor,
        comment=comment,
    )


def _department_side(complaint: Complaint) -> list:
    return list(
        users_with_role(Role.DEPARTMENT_ADMIN, department_id=complaint.unit.supervising_department_id)
    )


def _notify(complaint: Complaint, action: str, actor, comment: str = "") -> None:
    """Tell the other side. The department hears of new, reopened, overdue complaints and of every note."""
    complainant = [complaint.complainant]
    unit, department = unit_side(complaint.unit_id, complaint.instrument), _department_side(complaint)
    recipients = {
        A.FILE: unit + department,
        A.ACCEPT: complainant,
        A.RESOLVE: complainant + unit,
        A.CONFIRM: unit,
        A.REOPEN: unit + department,
        A.COMMENT: complainant + unit + department,
        A.ESCALATE: unit + department,
        A.AUTO_CLOSE: complainant + unit,
    }[action]
    subject = _("投诉 %(number)s（%(subject)s）：%(action)s") % {
        "number": complaint.number,
        "subject": complaint.subject,
        "action": A(action).label,
    }
    notify(
        [user for user in recipients if actor is None or user.pk != actor.pk],
        subject,
        comment,
        reverse("feedback:complaint_detail", args=[complaint.pk]),
    )


# --- complaints: the daily deadlines ----------------------------------------------------------------------------


@transaction.atomic
def remind_overdue_complaints(today: dt.date | None = None) -> int:
    """Past the handling period and not resolved: remind the unit's side and the department, once per period."""
    today = today or timezone.localdate()
    overdue = (
        Complaint.objects.select_for_update(of=("self",))
        .filter(overdue_q(today), escalated_at__isnull=True)
        .select_related("unit", "instrument", "complainant")
        .order_by("due_on", "id")
    )
    count = 0
    for complaint in overdue:
        complaint.escalated_at = timezone.now()
        complaint.save(update_fields=["escalated_at", "updated_at"])
        note = _("已超过办理期限（%(date)s）仍未办结。") % {"date": complaint.due_on.isoformat()}
        _record(complaint, A.ESCALATE, complaint.status, None, note)
        _notify(complaint, A.ESCALATE, None, note)
        count += 1
    return count


@transaction.atomic
def close_unconfirmed_complaints(today: dt.date | None = None) -> int:
    """Resolved complaints the complainant neither confirmed nor reopened in time close themselves."""
    today = today or timezone.localdate()
    expired = (
        Complaint.objects.select_for_update(of=("self",))
        .filter(status=S.RESOLVED, auto_close_on__lte=today)
        .select_related("unit", "instrument", "complainant")
        .order_by("auto_close_on", "id")
    )
    count = 0
    for complaint in expired:
        complaint.status = S.CLOSED
        complaint.save(update_fields=["status", "updated_at"])
        note = _("投诉人在 %(days)d 个工作日内未确认或提出异议，投诉自动关闭。") % {
            "days": CONFIRMATION_WORKING_DAYS
        }
        _record(complaint, A.AUTO_CLOSE, S.RESOLVED, None, note)
        _notify(complaint, A.AUTO_CLOSE, None, note)
        count += 1
    return count


# --- the workspace ----------------------------------------------------------------------------------------------

WORKSPACE_ROWS = 10


def awaiting_rating(user) -> tuple[list[Booking], list[TestOrder], int]:
    """The user's completed bookings and orders not rated yet (newest first) and how many there are."""
    bookings = Booking.objects.filter(user=user, status=BookingStatus.COMPLETED, rating__isnull=True)
    orders = TestOrder.objects.filter(user=user, status=OrderStatus.COMPLETED, rating__isnull=True)
    return (
        list(bookings.select_related("instrument").order_by("-ends_at", "-id")[:WORKSPACE_ROWS]),
        list(orders.select_related("instrument").order_by("-updated_at", "-id")[:WORKSPACE_ROWS]),
        bookings.count() + orders.count(),
    )


def workspace_summary(user) -> dict:
    """What needs the user's attention: ratings to give, complaints to handle, replies owed, overdue cases."""
    access = access_for(user)
    bookings, orders, to_rate = awaiting_rating(user)
    summary = {
        "to_rate_bookings": bookings,
        "to_rate_orders": orders,
        "to_rate_count": to_rate,
        "to_confirm": list(
            Complaint.objects.filter(complainant=user, status=S.RESOLVED).order_by("auto_close_on", "id")[
                :WORKSPACE_ROWS
            ]
        ),
    }
    if access.staff_unit_ids:
        handled = handled_complaints(access)
        summary["open_complaints"] = handled.filter(status__in=ACTIVE_STATES).count()
        summary["overdue_handled"] = handled.filter(overdue_q()).count()
        summary["unreplied_ratings"] = manageable_ratings(access).filter(replied_at__isnull=True).count()
    if access.department_ids or access.is_platform_admin:
        overdue = supervised_complaints(access).filter(overdue_q())
        summary["overdue_supervised"] = list(
            overdue.select_related("unit").order_by("due_on", "id")[:WORKSPACE_ROWS]
        )
        summary["overdue_supervised_count"] = overdue.count()
    return summary
