"""Business rules of the demand database: who sees which needs, posting a need (checked, matched to the province's
instruments with the catalogue's similarity core, the matched units told), units' answers and quotes, and the end
of a need: met by a service on the platform, or closed. Views and the API call these."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Value
from django.db.models.functions import Concat, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import Access
from yiqi.accounts.models import Role
from yiqi.accounts.services import users_with_role
from yiqi.catalog.similar import similar_instruments
from yiqi.core.models import AuditEvent
from yiqi.core.sequences import next_daily_number
from yiqi.core.workflow import StateMachine, Transition
from yiqi.notifications.services import Phrase, notify
from yiqi.organizations.models import Region
from yiqi.registry.models import Instrument, InstrumentCategory
from yiqi.servicerecords.models import ServiceRecord

from .models import Match, Need, NeedStatus, Response

FIELDS = ("title", "description", "category", "sample_type", "quantity", "deadline", "budget", "region")
# A need rarely names the instrument: its words match fewer of an instrument's, so scores run low. Keep what is
# near the best suggestion, and never what is barely related.
MATCH_FLOOR = 0.05
RELATIVE_FLOOR = 0.5
MAX_MATCHES = 10
MAX_PER_UNIT = 3
MAX_HORIZON = dt.timedelta(days=730)

machine = StateMachine(
    Need,
    [
        Transition("meet", gettext_lazy("确认已满足"), (NeedStatus.OPEN,), NeedStatus.MET, who="poster"),
        Transition(
            "close",
            gettext_lazy("关闭需求"),
            (NeedStatus.OPEN,),
            NeedStatus.CLOSED,
            who="poster",
            needs_comment=True,
        ),
    ],
    missing_comment=gettext_lazy("请填写关闭原因。"),
)


# --- who sees what ------------------------------------------------------------------------------------------------


def sees_demand_database(access: Access) -> bool:
    """Units, departments and the authority browse the open needs (what the province lacks)."""
    return access.is_platform_admin or bool(access.staff_unit_ids or access.department_ids)


def visible_needs(access: Access) -> QuerySet[Need]:
    queryset = Need.objects.select_related("category", "region", "poster")
    if access.is_platform_admin:
        return queryset
    if not access.is_authenticated:
        return queryset.none()
    scope = Q(poster_id=access.user_id)
    if sees_demand_database(access):
        scope |= Q(status=NeedStatus.OPEN)
    if access.staff_unit_ids:
        scope |= Q(matches__unit_id__in=access.staff_unit_ids)
    return queryset.filter(scope).distinct()


def is_poster(access: Access, need: Need) -> bool:
    return access.is_authenticated and need.poster_id == access.user_id


def answerable_matches(access: Access, need: Need) -> QuerySet[Match]:
    """The need's matches the user answers for: those of units they serve as staff."""
    return need.matches.filter(unit_id__in=access.staff_unit_ids).select_related("instrument")


# --- posting and matching -----------------------------------------------------------------------------------------


def _check(need: Need) -> None:
    need.full_clean(exclude=["number", "poster", "met_by"])
    today = timezone.localdate()
    if need.deadline <= today:
        raise ValidationError({"deadline": [_("期望完成日期须晚于今天。")]})
    if need.deadline > today + MAX_HORIZON:
        raise ValidationError({"deadline": [_("期望完成日期不能晚于两年之后。")]})


def match(need: Need) -> list[Match]:
    """Suggest the province's instruments able to do the work, at most a few per unit, best first."""
    found = similar_instruments(
        f"{need.title} {need.description} {need.sample_type}",
        category_code=need.category.code if need.category_id else "",
        province=need.region_id,
        limit=MAX_MATCHES * 3,
    )
    units = dict(
        Instrument.objects.filter(pk__in=[s.instrument_id for s in found]).values_list("pk", "unit_id")
    )
    floor = max(MATCH_FLOOR, RELATIVE_FLOOR * found[0].score) if found else MATCH_FLOOR
    per_unit: dict[int, int] = {}
    matches = []
    for s in found:
        unit_id = units.get(s.instrument_id)
        if s.score < floor or unit_id is None or per_unit.get(unit_id, 0) >= MAX_PER_UNIT:
            continue
        per_unit[unit_id] = per_unit.get(unit_id, 0) + 1
        matches.append(
            Match(need=need, instrument_id=s.instrument_id, unit_id=unit_id, score=Decimal(str(s.score)))
        )
        if len(matches) == MAX_MATCHES:
            break
    return Match.objects.bulk_create(matches)


def post_need(access: Access, *, values: dict, actor) -> Need:
    """Post a need: checked, matched, and the matched units told (after commit)."""
    if not access.is_authenticated:
        raise PermissionDenied(_("请先登录。"))
    with transaction.atomic():
        need = Need(poster=actor, **{k: v for k, v in values.items() if k in FIELDS})
        _check(need)
        need.number = next_daily_number("XQ", timezone.localdate(), Need.objects.all())
        need.save()
        machine.record_created(need, actor=actor)
        matches = match(need)
    unit_ids = sorted({m.unit_id for m in matches})
    for unit_id in unit_ids:
        recipients = users_with_role(Role.UNIT_ADMIN, organization_id=unit_id) | users_with_role(
            Role.INSTRUMENT_MANAGER, organization_id=unit_id
        )
        notify(
            recipients.distinct(),
            Phrase(gettext_lazy("有新的测试需求与贵单位仪器匹配：%(title)s"), title=need.title),
            Phrase(
                gettext_lazy(
                    "需求 %(number)s：%(quantity)s 个%(sample)s样品，期望 %(deadline)s 前完成。请回复是否承接并报价。"
                ),
                number=need.number,
                quantity=need.quantity,
                sample=need.sample_type,
                deadline=need.deadline.isoformat(),
            ),
            reverse("demands:detail", args=[need.pk]),
        )
    return need


# --- answers and the end of a need --------------------------------------------------------------------------------


@transaction.atomic
def respond(access: Access, match: Match, *, response: str, quote=None, message: str = "", actor) -> Match:
    """A matched unit's answer: a quote, or that it cannot take the work; refused once the need has ended."""
    match = Match.objects.select_for_update().select_related("need").get(pk=match.pk)
    if match.unit_id not in access.staff_unit_ids:
        raise PermissionDenied(_("只有匹配单位的人员可以回复。"))
    if match.need.status != NeedStatus.OPEN:
        raise ValidationError({"response": [_("该需求已结束，不能再回复。")]})
    if response not in (Response.QUOTED, Response.DECLINED):
        raise ValidationError({"response": [_("请选择报价或无法承接。")]})
    if response == Response.QUOTED:
        try:
            quote = Decimal(str(quote)).quantize(Decimal("0.01"))
        except ArithmeticError:
            quote = None
        if quote is None or quote < 0 or quote >= Decimal("10000000000"):
            raise ValidationError({"quote": [_("请填写有效的报价金额（元）。")]})
    match.response, match.quote = response, quote if response == Response.QUOTED else None
    match.message, match.responded_at = (message or "").strip()[:500], timezone.now()
    match.save()
    AuditEvent.record(
        match, "respond", actor=actor, data={"response": response, "quote": str(match.quote or "")}
    )
    notify(
        [match.need.poster],
        Phrase(gettext_lazy("您的需求有了回复：%(title)s"), title=match.need.title),
        Phrase(
            gettext_lazy("%(unit)s：%(response)s。"),
            unit=match.unit.name,
            response=match.get_response_display(),
        ),
        reverse("demands:detail", args=[match.need_id]),
    )
    return match


def meeting_services(access: Access, need: Need) -> QuerySet[ServiceRecord]:
    """The poster's services at a matched unit since the need was posted: those that can meet it."""
    return ServiceRecord.objects.filter(
        user_id=access.user_id, unit_id__in=need.matches.values("unit_id"), created_at__gte=need.created_at
    ).select_related("instrument", "unit")


def meet(access: Access, need: Need, *, record: ServiceRecord, actor) -> Need:
    """The poster says which service on the platform met the need."""

    def prepare(locked, step):
        if not meeting_services(access, locked).filter(pk=record.pk).exists():
            raise ValidationError({"record": [_("请选择您在匹配单位的服务记录。")]})
        locked.met_by, locked.closed_at = record, timezone.now()

    return machine.run(
        need, "meet", actor=actor, permitted=lambda locked, step: is_poster(access, locked), prepare=prepare
    )


def close(access: Access, need: Need, *, reason: str, actor) -> Need:
    def prepare(locked, step):
        locked.close_reason, locked.closed_at = reason.strip()[:300], timezone.now()

    return machine.run(
        need,
        "close",
        actor=actor,
        comment=reason,
        permitted=lambda locked, step: is_poster(access, locked) or access.is_platform_admin,
        prepare=prepare,
    )


# --- what the province lacks --------------------------------------------------------------------------------------


def unmet_by_class_and_region(access: Access) -> list[dict]:
    """Open needs counted by top class and city (one grouped query): an input to purchase review."""
    if not sees_demand_database(access):
        raise PermissionDenied
    rows = (
        Need.objects.filter(status=NeedStatus.OPEN)
        .annotate(
            top=Concat(Substr("category_id", 1, 2), Value("0000")),
            city=Concat(Substr("region_id", 1, 4), Value("00")),
        )
        .values("top", "city")
        .annotate(needs=Count("id"))
        .order_by("-needs", "top", "city")
    )
    rows = list(rows)
    classes = dict(
        InstrumentCategory.objects.filter(code__in={r["top"] for r in rows}).values_list("code", "name")
    )
    cities = dict(Region.objects.filter(code__in={r["city"] for r in rows}).values_list("code", "name"))
    return [
        {
            "class_code": row["top"] if row["top"] != "0000" else "",
            "class_name": classes.get(row["top"], ""),
            "city_code": row["city"],
            "city_name": cities.get(row["city"], row["city"]),
            "needs": row["needs"],
        }
        for row in rows
    ]


def act(access: Access, need: Need, action: str, data: dict, *, actor):
    """One step on a need, as a page's or the API's ``action`` with its fields."""
    if action == "respond":
        found = need.matches.filter(pk=_int(data.get("match"))).first()
        if found is None:
            raise ValidationError({"match": [_("未找到该匹配。")]})
        return respond(
            access,
            found,
            response=data.get("response", ""),
            quote=data.get("quote"),
            message=data.get("message", ""),
            actor=actor,
        )
    if action == "meet":
        record = ServiceRecord.objects.filter(pk=_int(data.get("record"))).first()
        if record is None:
            raise ValidationError({"record": [_("请选择满足需求的服务记录。")]})
        return meet(access, need, record=record, actor=actor)
    if action == "close":
        return close(access, need, reason=data.get("reason", "") or data.get("comment", ""), actor=actor)
    raise ValidationError({"action": [_("未知操作：%(action)s") % {"action": action}]})


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def unmet_needs_for(*, category_code: str, region: str, limit: int = 20) -> list[dict]:
    """Open needs no unit has quoted for, of the same middle class as ``category_code`` (stated by the poster or of
    the instruments matched to it), in the province of ``region``: what a planned purchase of that class would serve."""
    middle = category_code[:4]
    needs = (
        Need.objects.filter(status=NeedStatus.OPEN, region__code__startswith=region[:2])
        .filter(
            Q(category__code__startswith=middle) | Q(matches__instrument__category__code__startswith=middle)
        )
        .exclude(matches__response=Response.QUOTED)
        .distinct()
        .order_by("-created_at")[:limit]
    )
    return [
        {"number": n.number, "title": n.title, "quantity": n.quantity, "deadline": n.deadline.isoformat()}
        for n in needs
    ]
