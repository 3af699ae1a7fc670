"""Demo yearly census: the year before last closed into its snapshot for a few units, its results published with
a commendation and a notice, and last year's census in progress for every unit, listing each unit's instruments
and other S&T resources — some accepted, some with the department or the platform, one sent back, the rest still
to fill in (with a reminder already sent)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from yiqi.accounts.access import access_for
from yiqi.accounts.models import Role, RoleAssignment, User
from yiqi.census import results, services
from yiqi.census.models import CensusLine, CensusResourceLine, MarkKind
from yiqi.organizations.models import Organization

CLOSED_UNITS = 10
# The first units' returns of the census in progress, each taken this far.
PROGRESS = (
    ("submit", "department_approve", "accept"),
    ("submit", "department_approve", "accept"),
    ("submit", "department_approve"),
    ("submit",),
    ("submit", "department_approve", "return"),
)


def _holder(role: str, **where) -> User | None:
    assignment = (
        RoleAssignment.objects.filter(role=role, **where).select_related("user").order_by("pk").first()
    )
    return assignment.user if assignment else None


def _take(census_return, steps, authority) -> None:
    unit = census_return.unit
    people = {
        "submit": _holder(Role.UNIT_ADMIN, organization=unit),
        "department_approve": _holder(Role.DEPARTMENT_ADMIN, department_id=unit.supervising_department_id),
        "accept": authority,
        "return": authority,
    }
    # The unit has gone through its lines (confirming each by hand is what the return page is for).
    CensusLine.objects.filter(census_return=census_return).update(confirmed=True)
    CensusResourceLine.objects.filter(census_return=census_return).update(confirmed=True)
    for step in steps:
        actor = people[step]
        if actor is None:
            return
        census_return = services.act(
            census_return,
            step,
            access=access_for(actor),
            actor=actor,
            comment="请核对原值：与资产账不一致的两台仪器需更正。" if step == "return" else "",
        )


@transaction.atomic
def build_census() -> dict:
    authority = User.objects.filter(is_superuser=True).order_by("id").first()
    units = list(Organization.objects.management_units().order_by("id").values_list("pk", flat=True))
    if authority is None or not units:
        return {}
    access, today = access_for(authority), timezone.localdate()
    closed = services.open_census(
        year=today.year - 2, deadline=today, access=access, actor=authority, unit_ids=units[:CLOSED_UNITS]
    )
    for census_return in closed.returns.select_related("unit"):
        _take(census_return, PROGRESS[0], authority)
    closed = services.close(closed, access=access, actor=authority, comment="数据已全部审核，冻结上报。")
    first, last = units[0], units[min(CLOSED_UNITS, len(units)) - 1]
    results.mark(closed, unit_id=first, kind=MarkKind.COMMENDATION, reason="对外服务机时全省前列，给予服务奖励。",
                 access=access, actor=authority)  # fmt: skip
    if last != first:
        results.mark(closed, unit_id=last, kind=MarkKind.NOTICE, reason="填报机时与平台记录差距较大，限期整改。",
                     access=access, actor=authority)  # fmt: skip
    results.publish(closed, access=access, actor=authority, comment="向社会公布普查结果。")
    current = services.open_census(
        year=today.year - 1, deadline=today + dt.timedelta(days=7), access=access, actor=authority
    )
    returns = current.returns.select_related("unit").order_by("unit_id")
    for census_return, steps in zip(returns, PROGRESS, strict=False):
        _take(census_return, steps, authority)
    reminded = services.send_due_reminders(today)
    return {
        "census_returns": current.returns.count(),
        "census_resource_lines": CensusResourceLine.objects.filter(census_return__census=current).count(),
        "census_reminders": reminded,
    }
