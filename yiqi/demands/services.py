"""Business rules of the demand database: who sees which needs, posting a need (checked, matched to the province's
instruments with the catalogue's similarity core, the matched units told), units' answers and quotes, the order
the poster places from a match, and the end of a need: met by that order once it is delivered (or by a service the
poster names), or closed. Views, the API and the receivers of service-record signals call these."""

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

from yiqi.accounts.access import Access, access_for
from yiqi.accounts.models import Role
from yiqi.accounts.services import users_with_role
from yiqi.catalog.similar import similar_instruments
from yiqi.core.models import AuditEvent
from yiqi.core.sequences import next_daily_number
from yiqi.core.workflow import StateMachine, Transition
from yiqi.notifications.services import Phrase, notify
from yiqi.orders import services as orders
from yiqi.orders.models import TestOrder
from yiqi.organizations.models import Region
from yiqi.registry.models import Instrument, InstrumentCategory
from yiqi.servicerecords.models import ServiceKind, ServiceRecord
from yiqi.servicerecords.presenters import ServicePanel

from .models import Match, Need, NeedStatus, Response

# What a poster states (the form, the API and ``post_need`` all read this one list).
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
            "order", gettext_lazy("下单委托测试"), (NeedStatus.OPEN,), NeedStatus.ORDERED, who="poster"
        ),
        # Taken by the platform when the order's service record moves (see ``receivers``).
        Transition("delivered", gettext_lazy("订单完成，需求已满足"), (NeedStatus.ORDERED,), NeedStatus.MET),
        Transition(
            "order_ended", gettext_lazy("订单未完成，重新征集"), (NeedStatus.ORDERED,), NeedStatus.OPEN
        ),
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
    queryset = Need.objects.select_related(
        "category", "region", "poster", "order_record__test_order__instrument"
    )
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


# --- an order placed from the need --------------------------------------------------------------------------------

# What the poster may change on the prefilled order form; everything else comes from the need and the match.
ORDER_FIELDS = (
    "sample_name",
    "sample_count",
    "sample_description",
    "requirements",
    "answers",
    "return_samples",
    "user_organization",
)


def orderable_matches(access: Access, need: Need) -> QuerySet[Match]:
    """The matches the poster may order from now: any matched unit that has not declined (a quote is the usual
    start); none once the need has an order running or has ended."""
    if not is_poster(access, need) or need.status != NeedStatus.OPEN:
        return Match.objects.none()
    return need.matches.exclude(response=Response.DECLINED).select_related("instrument", "unit")


def order_refusal(access: Access, need: Need, match: Match) -> str | None:
    """Why the poster cannot order from this match now (for the order page), or None."""
    if not orderable_matches(access, need).filter(pk=match.pk).exists():
        return _("该需求当前不能向该单位下单。")
    return orders.order_refusal(access, match.instrument)


def order_defaults(need: Need, match: Match) -> dict:
    """The order form prefilled from the need: its samples, and its deadline, budget and the unit's quote in the
    requirements (an order has no fields of its own for them)."""
    lines = [need.description, _("期望完成日期：%(date)s") % {"date": need.deadline.isoformat()}]
    if need.budget is not None:
        lines.append(_("预算：%(amount)s 元") % {"amount": need.budget})
    if match.quote is not None:
        lines.append(_("单位报价：%(amount)s 元") % {"amount": match.quote})
    lines.append(_("来自需求 %(number)s") % {"number": need.number})
    return {
        "sample_name": need.sample_type[:100],
        "sample_count": need.quantity,
        "sample_description": _("%(type)s，共 %(quantity)s 个（%(title)s）")
        % {"type": need.sample_type, "quantity": need.quantity, "title": need.title},
        "requirements": "\n".join(lines)[:2000],
    }


def _order_refusal(need: Need) -> str:
    if need.status == NeedStatus.ORDERED:
        return _("该需求已有进行中的订单，不能重复下单。")
    return _("该需求已结束，不能再下单。")


def place_order(access: Access, need: Need, *, match: Match, values: dict | None = None, actor) -> TestOrder:
    """The poster orders commissioned testing on a matched instrument, prefilled from the need (``values`` override
    the prefill); the need then waits for the order, and is met when the order is delivered. One order at a time."""
    placed: dict = {}
    data = {"match": match.pk}

    def permitted(locked, step):
        if not is_poster(access, locked):
            raise PermissionDenied(_("只有发布需求的人可以据此下单。"))
        return True

    def prepare(locked, step):
        if match.need_id != locked.pk:
            raise ValidationError({"match": [_("未找到该匹配。")]})
        if match.response == Response.DECLINED:
            raise ValidationError({"match": [_("该单位已表示无法承接，请选择其他单位。")]})
        chosen = {k: v for k, v in (values or {}).items() if k in ORDER_FIELDS and v not in (None, "")}
        order = orders.submit_order(
            user=actor, instrument=match.instrument, **{**order_defaults(locked, match), **chosen}
        )
        locked.order_record = order.record
        placed["order"], data["order"] = order, order.number

    machine.run(
        need, "order", actor=actor, permitted=permitted, prepare=prepare, data=data, refusal=_order_refusal
    )
    return placed["order"]


def _placed_from_need(record: ServiceRecord) -> QuerySet[Need]:
    """The need ``record``'s order was placed from, if any. Needs are ordered as commissioned testing only, so other
    kinds of service (a booking's check-out, page) cost no query."""
    if record.kind != ServiceKind.COMMISSIONED_TESTING:
        return Need.objects.none()
    return Need.objects.filter(order_record=record)


def _waiting_on(record: ServiceRecord) -> Need | None:
    return _placed_from_need(record).filter(status=NeedStatus.ORDERED).first()


def order_delivered(record: ServiceRecord, *, actor) -> Need | None:
    """The order placed from a need was completed: the need is met by it, and its poster told."""
    need = _waiting_on(record)
    if need is None:
        return None

    def prepare(locked, step):
        locked.met_by, locked.closed_at = record, timezone.now()

    need = machine.run(need, "delivered", actor=actor, prepare=prepare, data={"order": record.reference})
    notify(
        [need.poster],
        Phrase(gettext_lazy("您的需求已由平台订单满足：%(title)s"), title=need.title),
        Phrase(
            gettext_lazy("订单 %(order)s 已完成，需求 %(number)s 已满足。"),
            order=record.reference,
            number=need.number,
        ),
        reverse("demands:detail", args=[need.pk]),
    )
    return need


def order_ended(record: ServiceRecord, *, actor) -> Need | None:
    """The order fell through (cancelled or refused): the need is open again for other units."""
    need = _waiting_on(record)
    if need is None:
        return None

    def prepare(locked, step):
        locked.order_record = None

    return machine.run(need, "order_ended", actor=actor, prepare=prepare, data={"order": record.reference})


def _sees_order(access: Access, need: Need, unit_id: int) -> bool:
    return is_poster(access, need) or unit_id in access.staff_unit_ids or access.is_platform_admin


def need_order(access: Access, need: Need) -> dict | None:
    """The order placed from the need, as plain data for its poster, the ordered unit's staff and the authority
    (read through ``visible_needs``' joins: no query of its own)."""
    record = need.order_record
    if record is None or not _sees_order(access, need, record.unit_id):
        return None
    order = getattr(record, "test_order", None)
    return {
        "id": order.pk if order else None,
        "number": record.reference,
        "status": order.status if order else record.status,
        "status_label": order.get_status_display() if order else record.get_status_display(),
        "instrument": record.instrument_id,
        "instrument_name": order.instrument.name if order else "",
        "unit": record.unit_id,
    }


def need_panel(record: ServiceRecord, user) -> ServicePanel | None:
    """On an order's page: the need it was placed from, so the unit sees which of its orders came from needs."""
    need = _placed_from_need(record).first()
    if need is None or not _sees_order(access_for(user), need, record.unit_id):
        return None
    return ServicePanel("demands/need_panel.html", {"need": need}, position=20)


def unit_orders_from_needs(access: Access) -> QuerySet[Need]:
    """The needs whose order went to one of the user's units: the unit's orders that came from the demand database."""
    return visible_needs(access).filter(order_record__unit_id__in=access.staff_unit_ids)


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
    if action == "order":
        found = need.matches.select_related("instrument").filter(pk=_int(data.get("match"))).first()
        if found is None:
            raise ValidationError({"match": [_("请选择下单的匹配单位。")]})
        return place_order(access, need, match=found, values=data, actor=actor)
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
