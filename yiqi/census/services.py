"""Business rules of the yearly census: who sees which returns, opening a census with returns pre-filled from the
registry and the year's usage and telemetry, corrections and the review workflow, reminders, and closing into the
frozen snapshot.

A unit edits its return until the deadline; after it, only a return sent back for correction may change, and
nothing changes once the census is closed.
"""

import datetime as dt

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
from yiqi.notifications.services import Phrase, notify
from yiqi.organizations.models import Deployment, Organization
from yiqi.registry.models import Instrument
from yiqi.resources.models import AccessLevel, ResourceKind

from .models import (
    EDITABLE_RETURN_STATES,
    FIGURES,
    FROZEN_STATES,
    Census,
    CensusLine,
    CensusReminder,
    CensusResourceLine,
    CensusReturn,
    CensusSnapshot,
    CensusStatus,
    LineScope,
    ReturnStatus,
)
from .prefill import ZERO, census_instruments, line_for, resource_lines, scope_for, unit_figures

REMIND_DAYS = (7, 3, 1)  # days before the deadline a unit whose return is not in is reminded

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
    figures = unit_figures(year, units, instruments)
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
            threshold = Deployment.current().value_threshold
            CensusLine.objects.bulk_create(
                [
                    line_for(
                        by_unit[instrument.unit_id],
                        instrument,
                        scope_for(instrument.original_value, threshold),
                    )
                    for instrument in instruments
                ],
                batch_size=500,
            )
            CensusResourceLine.objects.bulk_create(resource_lines(year, returns), batch_size=500)
    except IntegrityError:
        raise ValidationError({"year": [_("%(year)s 年度普查已经开始过。") % {"year": year}]}) from None
    tell_units(
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


def tell_units(returns, subject) -> None:
    """Tell each return's unit administrators and information officers, with a link to the return."""
    for census_return in returns:
        notify(
            _unit_staff(census_return.unit_id), subject, url=reverse("census:return", args=[census_return.pk])
        )


# --- the unit's corrections ---------------------------------------------------------------------------------------


def _locked_return(pk: int) -> CensusReturn:
    return CensusReturn.objects.select_related("census").select_for_update(of=("self",)).get(pk=pk)


@transaction.atomic
def save_line(line: CensusLine | CensusResourceLine, *, access: Access):
    """Confirm or correct one instrument's or resource's line, or add one the platform did not know."""
    _check_editable(access, _locked_return(line.census_return_id))
    if line.pk is None:
        line.added, line.prefilled = True, {}
        setattr(line, "instrument" if isinstance(line, CensusLine) else "resource", None)
    if isinstance(line, CensusLine) and line.scope != LineScope.SELECTED and line.original_value is not None:
        line.scope = scope_for(line.original_value, Deployment.current().value_threshold)
    line.confirmed = True
    line.full_clean()
    line.save()
    return line


@transaction.atomic
def remove_line(line: CensusLine | CensusResourceLine, *, access: Access) -> None:
    """Only lines the unit added can go; a platform record that is gone is corrected instead (已报废, 已停止提供)."""
    _check_editable(access, _locked_return(line.census_return_id))
    if not line.added:
        raise ValidationError(
            {"line": [_("平台登记的记录不能删除；已不在用的请将状态改为“已报废”或“已停止提供”。")]}
        )
    line.delete()


def selectable_instruments(census_return: CensusReturn) -> QuerySet[Instrument]:
    """The unit's registry records below the value line that the return does not list yet: what its supervising
    department may select into the census (行政主管部门择优, Guangxi §21)."""
    return (
        Instrument.objects.filter(
            unit_id=census_return.unit_id,
            original_value__lt=Deployment.current().value_threshold,
        )
        .exclude(operating_status=Instrument.OperatingStatus.SCRAPPED)
        .exclude(pk__in=census_return.lines.filter(instrument__isnull=False).values("instrument_id"))
        .select_related("category")
        .order_by("-original_value", "name", "pk")
    )


def may_select(access: Access, census_return: CensusReturn) -> bool:
    return census_return.unit.supervising_department_id in access.department_ids


@transaction.atomic
def select_instrument(census_return: CensusReturn, instrument_id, *, access: Access) -> CensusLine:
    """The supervising department selects one of the unit's instruments below the value line into its return;
    the unit then confirms it like any pre-filled line."""
    locked = _locked_return(census_return.pk)
    if not may_select(access, census_return):
        raise PermissionDenied(_("只有该单位的主管部门可以择优纳入仪器。"))
    if not locked.census.is_open or locked.status not in EDITABLE_RETURN_STATES:
        raise ValidationError({"instrument": [_("填报已提交或普查已关闭，不能再纳入仪器。")]})
    instrument = selectable_instruments(locked).filter(pk=instrument_id).first()
    if instrument is None:
        raise ValidationError({"instrument": [_("请选择本单位原值门槛以下、尚未列入填报的仪器。")]})
    line = line_for(locked, instrument, LineScope.SELECTED)
    line.save()
    return line


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
        unconfirmed = census_return.resource_lines.filter(confirmed=False).count()
        if unconfirmed:
            raise ValidationError(
                {
                    "action": [
                        _("还有 %(n)s 项科技资源未核实，请逐项确认或更正后再提交。") % {"n": unconfirmed}
                    ]
                }
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
        tell_units(
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
    tell_units(
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


# --- closing: the frozen snapshot ---------------------------------------------------------------------------------


RESOURCE_COUNTS = {
    "datasets": ResourceKind.DATASET,
    "literature": ResourceKind.LITERATURE,
    "reports": ResourceKind.REPORT,
    "natural_resources": ResourceKind.NATURAL,
}


def _snapshot(census: Census, census_return: CensusReturn, lines: dict, resources: dict) -> CensusSnapshot:
    counted, held = lines.get(census_return.pk, {}), resources.get(census_return.pk, {})
    return CensusSnapshot(
        census=census,
        unit_id=census_return.unit_id,
        accepted=census_return.status == ReturnStatus.ACCEPTED,
        instruments=counted.get("n", 0),
        shared_instruments=counted.get("shared", 0),
        value=counted.get("value") or ZERO,
        below_line_instruments=counted.get("below_line", 0),
        **{name: held.get(name, 0) for name in (*RESOURCE_COUNTS, "open_resources")},
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
            below_line=Count("id", filter=~Q(scope=LineScope.MANDATORY)),
        )
    }
    resources = {
        row["census_return_id"]: row
        for row in CensusResourceLine.objects.filter(census_return__census=census)
        .exclude(status="discontinued")
        .values("census_return_id")
        .annotate(
            **{name: Count("id", filter=Q(kind=kind)) for name, kind in RESOURCE_COUNTS.items()},
            open_resources=Count("id", filter=Q(access_level=AccessLevel.OPEN)),
        )
    }
    CensusSnapshot.objects.bulk_create(
        [_snapshot(census, census_return, lines, resources) for census_return in census.returns.all()],
        batch_size=500,
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
        ),
        Transition(
            "publish",
            gettext_lazy("公布普查结果"),
            (CensusStatus.CLOSED,),
            CensusStatus.PUBLISHED,
            who="authority",
        ),
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
    """The closed (or published) census of ``year`` per unit id; empty when that census is not closed (readers
    fall back to the live figures)."""
    return {
        row.unit_id: row
        for row in CensusSnapshot.objects.filter(census__year=year, census__status__in=FROZEN_STATES)
    }
