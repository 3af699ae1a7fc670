"""What the census tells afterwards: completion by department while it runs; once closed, the authority's
commendations and notices (服务奖励、通报, Shaanxi §21–23) read from the snapshot, and the province's figures the
authority publishes (Guangxi §20: 将调查结果向全社会公布) — by class, supervising department and unit kind, with no
personal data.
"""

from collections import Counter
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import Access
from yiqi.core.models import AuditEvent
from yiqi.core.workflow import Transition
from yiqi.notifications.services import Phrase
from yiqi.organizations.models import Organization
from yiqi.registry.models import Instrument, InstrumentCategory

from . import services
from .models import (
    Census,
    CensusLine,
    CensusMark,
    CensusReturn,
    CensusSnapshot,
    CensusStatus,
    MarkKind,
    ReturnStatus,
)

DONE_STATES = (ReturnStatus.SUBMITTED, ReturnStatus.AWAITING_AUTHORITY, ReturnStatus.ACCEPTED)
GAP_SHARE = Decimal("0.2")  # declared hours this far from the platform's (either way) are worth a look


def _percent(part, whole) -> int:
    return round(100 * part / whole) if whole else 0


# --- progress -----------------------------------------------------------------------------------------------------


def progress(census: Census, access: Access) -> dict:
    """Completion by department, for the returns the viewer may see: units in scope, submitted, accepted."""
    rows = (
        services.visible_returns(access)
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
            "percent": _percent(row["done"], row["units"]),
        }
        for row in rows
    ]
    total = Counter()
    for row in departments:
        total.update({"units": row["units"], "done": row["done"], "accepted": row["accepted"]})
    total["percent"] = _percent(total["done"], total["units"])
    return {"departments": departments, "total": dict(total)}


# --- publishing ---------------------------------------------------------------------------------------------------


def _published(census: Census, step: Transition) -> None:
    census.published_at = timezone.now()


def publish(census: Census, *, access: Access, actor, comment: str = "") -> Census:
    """The authority publishes a closed census's results to everyone."""
    return services.CENSUS_MACHINE.run(
        census,
        "publish",
        actor=actor,
        comment=comment,
        permitted=lambda locked, step: access.is_platform_admin,
        prepare=_published,
    )


def published_censuses() -> QuerySet[Census]:
    return Census.objects.filter(status=CensusStatus.PUBLISHED).order_by("-year")


FIGURE_SUMS = ("instruments", "shared_instruments", "value", "machine_hours", "external_hours", "services")


def _group(snapshots: QuerySet[CensusSnapshot], key: str, label: str) -> list[dict]:
    rows = (
        snapshots.values(key, label)
        .annotate(units=Count("id"), **{name: Sum(name) for name in FIGURE_SUMS})
        .order_by(label)
    )
    return [
        {
            "key": row[key],
            "name": row[label],
            "units": row["units"],
            **{name: row[name] for name in FIGURE_SUMS},
            "open_percent": _percent(row["shared_instruments"], row["instruments"]),
        }
        for row in rows
    ]


def _by_class(census: Census) -> list[dict]:
    """Instruments by first-level class (the first two digits of the national code): counts, value, share open.
    Hours and services are reported per unit, not per instrument, so a class has none."""
    rows = (
        CensusLine.objects.filter(census_return__census=census)
        .exclude(operating_status=Instrument.OperatingStatus.SCRAPPED)
        .annotate(top=Substr("category_id", 1, 2))
        .values("top")
        .annotate(
            instruments=Count("id"),
            shared_instruments=Count("id", filter=Q(sharing_mode=Instrument.SharingMode.EXTERNAL)),
            value=Sum("original_value"),
        )
        .order_by(F("top").asc(nulls_last=True))
    )
    names = dict(
        InstrumentCategory.objects.filter(parent__isnull=True).values_list("code", "name")
    )  # first-level codes are AA0000
    return [
        {
            "key": row["top"] or "",
            "name": names.get(f"{row['top']}0000", _("未分类")) if row["top"] else _("未分类"),
            "instruments": row["instruments"],
            "shared_instruments": row["shared_instruments"],
            "value": row["value"],
            "open_percent": _percent(row["shared_instruments"], row["instruments"]),
        }
        for row in rows
    ]


def results(census: Census) -> dict:
    """The published figures of ``census``: totals, by class, by supervising department and by unit kind, the
    other S&T resources, and the units commended or given notice. Refused for a census not yet published."""
    if census.status != CensusStatus.PUBLISHED:
        raise ValidationError({"census": [_("该年度普查结果尚未公布。")]})
    snapshots = CensusSnapshot.objects.filter(census=census)
    resources = ("datasets", "literature", "reports", "natural_resources", "open_resources")
    totals = snapshots.aggregate(
        units=Count("id"),
        returned=Count("id", filter=Q(accepted=True)),
        below_line_instruments=Sum("below_line_instruments"),
        **{name: Sum(name) for name in (*FIGURE_SUMS, *resources)},
    )
    totals = {name: value or 0 for name, value in totals.items()}
    totals["open_percent"] = _percent(totals["shared_instruments"], totals["instruments"])
    kinds = dict(Organization.Kind.choices)
    by_kind = _group(snapshots, "unit__kind", "unit__kind")
    for row in by_kind:
        row["name"] = str(kinds.get(row["key"], row["key"]))
    return {
        "year": census.year,
        "published_at": census.published_at,
        "totals": totals,
        "by_class": _by_class(census),
        "by_department": _group(
            snapshots, "unit__supervising_department_id", "unit__supervising_department__name"
        ),
        "by_unit_kind": by_kind,
        "marks": marks(census),
    }


# --- commendations and notices ------------------------------------------------------------------------------------


def marks(census: Census) -> list[CensusMark]:
    """The census's commendations and notices, by kind and unit (the public results and the authority's page)."""
    return list(census.marks.select_related("unit").order_by("kind", "unit__name"))


def candidates(census: Census) -> dict[str, list[CensusReturn]]:
    """Where a notice or a reward may be due, from the frozen census: units whose return was never accepted, units
    whose declared hours are far from the platform's, and units that served most outside (by external hours)."""
    if not census.is_frozen:
        return {"unreturned": [], "gaps": [], "leaders": []}
    returns = census.returns.select_related("unit").order_by("unit__name")
    gaps = [
        r
        for r in returns.exclude(machine_hours=F("pre_machine_hours"))
        if abs(r.machine_hours - r.pre_machine_hours) > GAP_SHARE * max(r.pre_machine_hours, Decimal("1"))
    ]
    return {
        "unreturned": list(returns.exclude(status=ReturnStatus.ACCEPTED)),
        "gaps": gaps,
        "leaders": list(
            returns.filter(status=ReturnStatus.ACCEPTED, external_hours__gt=0).order_by("-external_hours")[
                :10
            ]
        ),
    }


def mark(census: Census, *, unit_id, kind: str, reason: str, access: Access, actor) -> CensusMark:
    """The authority commends a unit or gives it notice, from a closed census, with a reason; the unit hears."""
    if not access.is_platform_admin:
        raise PermissionDenied(_("只有平台管理员可以通报。"))
    errors = {}
    if not census.is_frozen:
        errors["census"] = [_("普查关闭、数据冻结后才能据此通报。")]
    if kind not in MarkKind.values:
        errors["kind"] = [_("请选择通报表扬或通报批评。")]
    if not census.snapshots.filter(unit_id=unit_id).exists():
        errors["unit"] = [_("请选择本次普查范围内的单位。")]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("请写明通报的理由。")]
    if errors:
        raise ValidationError(errors)
    made = CensusMark(census=census, unit_id=unit_id, kind=kind, reason=reason, marked_by=actor)
    made.full_clean(exclude=["census", "unit"], validate_constraints=False)
    try:
        with transaction.atomic():
            made.save()
            AuditEvent.record(made, "create", actor=actor, to_state=kind, comment=reason)
    except IntegrityError:
        raise ValidationError({"unit": [_("该单位已有同类通报。")]}) from None
    return_ = census.returns.get(unit_id=unit_id)
    services.tell_units(
        [return_],
        Phrase(
            gettext_lazy("%(year)s 年度普查：贵单位被%(kind)s。理由：%(reason)s"),
            year=census.year,
            kind=MarkKind(kind).label,
            reason=reason,
        ),
    )
    return made
