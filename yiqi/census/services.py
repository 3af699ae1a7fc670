"""Business rules of the yearly census: who sees which returns, opening a census with returns pre-filled from the
registry and the year's usage and telemetry, corrections and the review workflow, reminders, and closing into the
frozen snapshot.

A unit edits its return until the deadline; after it, only a return sent back for correction may change, and
nothing changes once the census is closed.
"""

import datetime as dt
from collections import Counter
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import Access
from yiqi.accounts.models import Role
from yiqi.accounts.services import users_with_role
from yiqi.core.workflow import StateMachine, Transition
from yiqi.monitoring.rollup import yearly_hours
from yiqi.notifications.services import Phrase, notify
from yiqi.organizations.models import Organization
from yiqi.registry.models import Instrument, RegistrationStatus
from yiqi.usage.totals import period, usage_totals

from .models import (
    FIGURES,
    LINE_FIELDS,
    Census,
    CensusLine,
    CensusReminder,
    CensusReturn,
    CensusSnapshot,
    CensusStatus,
    ReturnStatus,
)

REMIND_DAYS = (7, 3, 1)  # days before the deadline a unit whose return is not in is reminded
ZERO = Decimal("0.00")
HOUR_PLACES = Decimal("0.01")

# --- who sees what ------------------------------------------------------------------------------------------------


def sees_census(access: Access) -> bool:
    """The authority, departments and unit staff have census pages."""
    return access.is_platform_admin or bool(access.department_ids) or bool(access.staff_unit_ids)


def visible_returns(access: Access) -> QuerySet[CensusReturn]:
    """All returns for the authority, supervised units' for a department, the unit's own for its staff."""
    queryset = CensusReturn.objects.select_related("census", "unit", "unit__supervising_department")
    if access.is_platform_admin:
        return queryset
    scope = Q(pk__in=[])
    if access.staff_unit_ids:
        scope |= Q(unit_id__in=access.staff_unit_ids)
    if access.department_ids:
        scope |= Q(unit__supervising_department_id__in=access.department_ids)
    return queryset.filter(scope)


def can_edit(access: Access, census_return: CensusReturn, today: dt.date | None = None) -> bool:
    return census_return.unit_id in access.editor_unit_ids and edit_refusal(census_return, today) is None


def edit_refusal(census_return: CensusReturn, today: dt.date | None = None) -> str | None:
    """Why the return cannot change now (None when it can)."""
    census = census_return.census
    if not census.is_open:
        return _("普查已关闭，填报内容不能再修改。")
    if census_return.status == ReturnStatus.RETURNED:
        return None
    if census_return.status != ReturnStatus.DRAFT:
        return _("填报已提交，不能修改；如需更正请联系审核部门退回。")
    if (today or timezone.localdate()) > census.deadline:
        return _("已过填报截止日期（%(date)s），不能再修改。") % {"date": census.deadline}
    return None


def _check_editable(access: Access, census_return: CensusReturn) -> None:
    if census_return.unit_id not in access.editor_unit_ids:
        raise PermissionDenied(_("您无权修改该单位的普查填报。"))
    refusal = edit_refusal(census_return)
    if refusal:
        raise ValidationError({"census": [refusal]})


# --- opening: returns pre-filled from the platform ----------------------------------------------------------------


def _location(instrument: Instrument) -> str:
    return " ".join(part for part in (instrument.campus, instrument.building, instrument.room) if part)[:150]


def _line(census_return: CensusReturn, instrument: Instrument) -> CensusLine:
    line = CensusLine(
        census_return=census_return,
        instrument=instrument,
        name=instrument.name,
        sharing_mode=instrument.sharing_mode,
        operating_status=instrument.operating_status,
        original_value=instrument.original_value,
        location=_location(instrument),
        contact_name=instrument.contact_name,
    )
    line.prefilled = {name: str(getattr(line, name)) for name in LINE_FIELDS}
    return line


def census_instruments(unit_ids) -> QuerySet[Instrument]:
    """The instruments a census lists: every published record of the units that is not scrapped."""
    return Instrument.objects.filter(
        unit_id__in=unit_ids, registration_status=RegistrationStatus.PUBLISHED
    ).exclude(operating_status=Instrument.OperatingStatus.SCRAPPED)


def _figures(year: int, units: QuerySet[Organization], instruments: list[Instrument]) -> dict[int, dict]:
    """Each unit's pre-filled figures: hours, services and income from usage records, operating hours from
    telemetry where an instrument is monitored (else its usage hours)."""
    start, end = period(year)
    figures = {
        row.key: {
            "machine_hours": row.machine_hours,
            "external_hours": row.external_hours,
            "services": row.records,
            "income": row.fees,
            "operating_hours": ZERO,
        }
        for row in usage_totals("unit", start=start, end=end, scope_queryset=units)
    }
    hours = yearly_hours([instrument.pk for instrument in instruments], year)
    for instrument in instruments:
        unit = figures.setdefault(
            instrument.unit_id,
            {
                "machine_hours": ZERO,
                "external_hours": ZERO,
                "services": 0,
                "income": ZERO,
                "operating_hours": ZERO,
            },
        )
        unit["operating_hours"] += Decimal(hours[instrument.pk][0])
    for unit in figures.values():
        for name in ("operating_hours", "machine_hours", "external_hours"):
            unit[name] = Decimal(unit[name]).quantize(HOUR_PLACES)
    return figures


def _check_opening(year, deadline: dt.date) -> None:
    errors = {}
    this_year = timezone.localdate().year
    if year is None or not 2000 <= year <= this_year:
        errors["year"] = [_("普查年度须在 2000 年至今年之间。")]
    elif Census.objects.filter(year=year).exists():
        errors["year"] = [_("%(year)s 年度普查已经开始过。") % {"year": year}]
    if deadline is None or deadline < timezone.localdate():
        errors["deadline"] = [_("截止日期不能早于今天。")]
    if errors:
        raise ValidationError(errors)


def units_in_scope(*, department_ids=(), kinds=(), search: str = "") -> QuerySet[Organization]:
    """The management units a census may cover, narrowed by supervising department, kind and a part of the name
    or short name (each filter left empty narrows nothing): what the authority picks from when opening one."""
    units = Organization.objects.management_units().select_related("supervising_department")
    if department_ids:
        units = units.filter(supervising_department_id__in=department_ids)
    if kinds:
        units = units.filter(kind__in=kinds)
    if search.strip():
        units = units.filter(Q(name__icontains=search.strip()) | Q(short_name__icontains=search.strip()))
    return units.order_by("supervising_department__name", "name")


def open_census(*, year: int, deadline: dt.date, access: Access, actor, unit_ids=None) -> Census:
    """The authority opens the census of ``year`` for the management units (all, or ``unit_ids``): one return
    per unit, pre-filled, and a notice to each unit's administrators."""
    if not access.is_platform_admin:
        raise PermissionDenied(_("只有平台管理员可以开展年度普查。"))
    _check_opening(year, deadline)
    units = Organization.objects.management_units()
    if unit_ids is not None:
        units = units.filter(pk__in=unit_ids)
    if not units.exists():
        raise ValidationError({"units": [_("请至少选择一个单位。")]})
    instruments = list(census_instruments(units.values("pk")).order_by("pk"))
    figures = _figures(year, units, instruments)
    try:
        with transaction.atomic():
            census = Census.objects.create(year=year, deadline=deadline, opened_by=actor)
            CENSUS_MACHINE.record_created(census, actor=actor)
            returns = CensusReturn.objects.bulk_create(
                [
                    _return(census, unit_id, figures.get(unit_id))
                    for unit_id in units.values_list("pk", flat=True)
                ]
            )
            by_unit = {census_return.unit_id: census_return for census_return in returns}
            CensusLine.objects.bulk_create(
                [_line(by_unit[instrument.unit_id], instrument) for instrument in instruments], batch_size=500
            )
    except IntegrityError:
        raise ValidationError({"year": [_("%(year)s 年度普查已经开始过。") % {"year": year}]}) from None
    _tell_units(
        returns,
        Phrase(
            gettext_lazy("%(year)s 年度仪器设备普查已开始，请于 %(date)s 前完成填报"),
            year=year,
            date=deadline,
        ),
    )
    return census


def _return(census: Census, unit_id: int, figures: dict | None) -> CensusReturn:
    figures = figures or {"operating_hours": ZERO, "machine_hours": ZERO, "external_hours": ZERO}
    values = {name: figures.get(name, 0 if name == "services" else ZERO) for name in FIGURES}
    return CensusReturn(
        census=census, unit_id=unit_id, **values, **{f"pre_{name}": value for name, value in values.items()}
    )


def _unit_staff(unit_id: int) -> list:
    people = {}
    for role in (Role.UNIT_ADMIN, Role.INFORMATION_OFFICER):
        for user in users_with_role(role, organization_id=unit_id):
            people[user.pk] = user
    return list(people.values())


def _tell_units(returns, subject) -> None:
    for census_return in returns:
        notify(
            _unit_staff(census_return.unit_id), subject, url=reverse("census:return", args=[census_return.pk])
        )


# --- the unit's corrections ---------------------------------------------------------------------------------------


@transaction.atomic
def save_line(line: CensusLine, *, access: Access) -> CensusLine:
    """Confirm or correct one instrument's line, or add one the platform did not know."""
    census_return = (
        CensusReturn.objects.select_related("census")
        .select_for_update(of=("self",))
        .get(pk=line.census_return_id)
    )
    _check_editable(access, census_return)
    if line.pk is None:
        line.added, line.instrument, line.prefilled = True, None, {}
    line.confirmed = True
    line.full_clean()
    line.save()
    return line


@transaction.atomic
def remove_line(line: CensusLine, *, access: Access) -> None:
    """Only lines the unit added can go; a platform record that is gone is corrected to 已报废 instead."""
    census_return = (
        CensusReturn.objects.select_related("census")
        .select_for_update(of=("self",))
        .get(pk=line.census_return_id)
    )
    _check_editable(access, census_return)
    if not line.added:
        raise ValidationError({"line": [_("平台登记的仪器不能删除；已不在用的请将运行状态改为“已报废”。")]})
    line.delete()


@transaction.atomic
def save_figures(census_return: CensusReturn, *, access: Access, **values) -> CensusReturn:
    """The year's service figures as the unit reports them; any difference from the platform's needs a reason."""
    locked = (
        CensusReturn.objects.select_related("census").select_for_update(of=("self",)).get(pk=census_return.pk)
    )
    _check_editable(access, locked)
    for name in (*FIGURES, "difference_note"):
        if name in values:
            setattr(locked, name, values[name])
    locked.difference_note = (locked.difference_note or "").strip()
    errors = {}
    if locked.differences() and not locked.difference_note:
        errors["difference_note"] = [_("填报数与平台统计不一致，请说明原因。")]
    if locked.external_hours > locked.machine_hours:
        errors["external_hours"] = [_("对外服务机时不能多于有效机时。")]
    if errors:
        raise ValidationError(errors)
    locked.full_clean()
    locked.save()
    return locked


# --- review -------------------------------------------------------------------------------------------------------

MACHINE = StateMachine(
    CensusReturn,
    [
        Transition(
            "submit",
            gettext_lazy("提交填报"),
            (ReturnStatus.DRAFT, ReturnStatus.RETURNED),
            ReturnStatus.SUBMITTED,
            who="unit",
        ),
        Transition(
            "department_approve",
            gettext_lazy("主管部门审核通过"),
            (ReturnStatus.SUBMITTED,),
            ReturnStatus.AWAITING_AUTHORITY,
            who="department",
        ),
        Transition(
            "accept",
            gettext_lazy("平台审核通过"),
            (ReturnStatus.AWAITING_AUTHORITY,),
            ReturnStatus.ACCEPTED,
            who="authority",
        ),
        Transition(
            "return",
            gettext_lazy("退回修改"),
            (ReturnStatus.SUBMITTED, ReturnStatus.AWAITING_AUTHORITY),
            ReturnStatus.RETURNED,
            who="reviewer",
            needs_comment=True,
        ),
    ],
    missing_comment=gettext_lazy("退回时请写明需要更正的内容。"),
    lock_related=("census", "unit"),
)


def _may(access: Access, census_return: CensusReturn, step: Transition) -> bool:
    department = census_return.unit.supervising_department_id in access.department_ids
    return {
        "unit": census_return.unit_id in access.unit_admin_unit_ids,
        "department": department,
        "authority": access.is_platform_admin,
        "reviewer": access.is_platform_admin
        or (department and census_return.status == ReturnStatus.SUBMITTED),
    }[step.who]


def allowed_actions(access: Access, census_return: CensusReturn) -> list[Transition]:
    if not census_return.census.is_open:
        return []
    return [step for step in MACHINE.available(census_return) if _may(access, census_return, step)]


def _prepare(access: Access):
    def prepare(census_return: CensusReturn, step: Transition) -> None:
        if not census_return.census.is_open:
            raise ValidationError({"action": [_("普查已关闭。")]})
        if step.action != "submit":
            return
        refusal = edit_refusal(census_return)
        if refusal:
            raise ValidationError({"action": [refusal]})
        unconfirmed = census_return.lines.filter(confirmed=False).count()
        if unconfirmed:
            raise ValidationError(
                {"action": [_("还有 %(n)s 台仪器未核实，请逐台确认或更正后再提交。") % {"n": unconfirmed}]}
            )
        census_return.submitted_at = timezone.now()

    return prepare


def act(
    census_return: CensusReturn, action: str, *, access: Access, actor, comment: str = ""
) -> CensusReturn:
    """Submit, approve, accept or return a return; the unit hears when it is sent back."""
    done = MACHINE.run(
        census_return,
        action,
        actor=actor,
        comment=comment,
        permitted=lambda locked, step: _may(access, locked, step),
        prepare=_prepare(access),
    )
    if action == "return":
        _tell_units(
            [done],
            Phrase(
                gettext_lazy("%(year)s 年度普查填报被退回：%(reason)s"),
                year=done.census.year,
                reason=comment.strip(),
            ),
        )
    return done


# --- reminders ----------------------------------------------------------------------------------------------------


LATE_STATES = (ReturnStatus.DRAFT, ReturnStatus.RETURNED)  # not in: still with the unit


def _late(census: Census) -> QuerySet[CensusReturn]:
    return census.returns.filter(status__in=LATE_STATES)


def days_left(census: Census, today: dt.date | None = None) -> int:
    return (census.deadline - (today or timezone.localdate())).days


@transaction.atomic
def remind(census: Census, *, today: dt.date | None = None) -> int:
    """Remind every unit whose return is not in, once per number of days left (a unit already reminded at this
    count is not reminded again). Returns how many units were reminded."""
    days = max(days_left(census, today), 0)
    already = CensusReminder.objects.filter(census_return__census=census, days_before=days).values(
        "census_return_id"
    )
    late = list(_late(census).exclude(pk__in=already).select_for_update(of=("self",)))
    CensusReminder.objects.bulk_create([CensusReminder(census_return=r, days_before=days) for r in late])
    _tell_units(
        late,
        Phrase(
            gettext_lazy("提醒：%(year)s 年度普查将于 %(date)s 截止，贵单位尚未提交填报"),
            year=census.year,
            date=census.deadline,
        ),
    )
    return len(late)


def chase(census: Census, *, access: Access) -> int:
    """The authority chases the late now."""
    if not access.is_platform_admin:
        raise PermissionDenied(_("只有平台管理员可以催报。"))
    if not census.is_open:
        raise ValidationError({"census": [_("普查已关闭。")]})
    return remind(census)


def send_due_reminders(today: dt.date | None = None) -> int:
    """The daily job: reminders 7, 3 and 1 days before each open census's deadline."""
    today = today or timezone.localdate()
    return sum(
        remind(census, today=today)
        for census in Census.objects.filter(status=CensusStatus.OPEN)
        if days_left(census, today) in REMIND_DAYS
    )


# --- progress -----------------------------------------------------------------------------------------------------

DONE_STATES = (ReturnStatus.SUBMITTED, ReturnStatus.AWAITING_AUTHORITY, ReturnStatus.ACCEPTED)


def progress(census: Census, access: Access) -> dict:
    """Completion by department, for the returns the viewer may see: units in scope, submitted, accepted."""
    rows = (
        visible_returns(access)
        .filter(census=census)
        .values("unit__supervising_department_id", "unit__supervising_department__name")
        .annotate(
            units=Count("id"),
            done=Count("id", filter=Q(status__in=DONE_STATES)),
            accepted=Count("id", filter=Q(status=ReturnStatus.ACCEPTED)),
        )
        .order_by("unit__supervising_department__name")
    )
    departments = [
        {
            "id": row["unit__supervising_department_id"],
            "name": row["unit__supervising_department__name"],
            "units": row["units"],
            "done": row["done"],
            "accepted": row["accepted"],
            "percent": round(100 * row["done"] / row["units"]) if row["units"] else 0,
        }
        for row in rows
    ]
    total = Counter()
    for row in departments:
        total.update({"units": row["units"], "done": row["done"], "accepted": row["accepted"]})
    total["percent"] = round(100 * total["done"] / total["units"]) if total["units"] else 0
    return {"departments": departments, "total": dict(total)}


# --- closing: the frozen snapshot ---------------------------------------------------------------------------------


def _snapshot(census: Census, census_return: CensusReturn, lines: dict) -> CensusSnapshot:
    counted = lines.get(census_return.pk, {})
    return CensusSnapshot(
        census=census,
        unit_id=census_return.unit_id,
        accepted=census_return.status == ReturnStatus.ACCEPTED,
        instruments=counted.get("n", 0),
        shared_instruments=counted.get("shared", 0),
        value=counted.get("value") or ZERO,
        **{name: getattr(census_return, name) for name in FIGURES},
    )


def _freeze(census: Census, step: Transition) -> None:
    census.closed_at = timezone.now()
    lines = {
        row["census_return_id"]: row
        for row in CensusLine.objects.filter(census_return__census=census)
        .exclude(operating_status=Instrument.OperatingStatus.SCRAPPED)
        .values("census_return_id")
        .annotate(
            n=Count("id"),
            shared=Count("id", filter=Q(sharing_mode=Instrument.SharingMode.EXTERNAL)),
            value=Sum("original_value"),
        )
    }
    CensusSnapshot.objects.bulk_create(
        [_snapshot(census, census_return, lines) for census_return in census.returns.all()], batch_size=500
    )


CENSUS_MACHINE = StateMachine(
    Census,
    [
        Transition(
            "close",
            gettext_lazy("关闭普查并冻结数据"),
            (CensusStatus.OPEN,),
            CensusStatus.CLOSED,
            who="authority",
        )
    ],
)


def close(census: Census, *, access: Access, actor, comment: str = "") -> Census:
    """Close the census: every return is frozen as it stands (accepted or not) into the snapshot."""
    return CENSUS_MACHINE.run(
        census,
        "close",
        actor=actor,
        comment=comment,
        permitted=lambda locked, step: access.is_platform_admin,
        prepare=_freeze,
    )


def frozen_figures(year: int) -> dict[int, CensusSnapshot]:
    """The closed census of ``year`` per unit id; empty when that census is not closed (readers fall back to the
    live figures)."""
    return {
        row.unit_id: row
        for row in CensusSnapshot.objects.filter(census__year=year, census__status=CensusStatus.CLOSED)
    }
