"""Plain data for the usage pages and panels: what the dashboard offers and shows to whom, the workspace rows, the
instrument page's summary and a record's page. Views and template tags only call these; nothing here writes."""

import datetime as dt
from pathlib import PurePath

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from yiqi.accounts.access import Access
from yiqi.booking.models import Booking, BookingStatus
from yiqi.core.memo import answers
from yiqi.core.queries import total
from yiqi.organizations.models import Department, Organization

from . import services, totals
from .models import UsageRecord

TOP = 10
DASHBOARD_YEARS = 6


def instrument_usage_summary(instrument) -> dict:
    """Machine-hours and external-service hours this year and last year (public figures)."""
    year = timezone.localdate().year
    return {"years": list(totals.annual_hours_of_years(instrument, [year, year - 1]).items())}


def usage_workspace_counts(access: Access) -> dict:
    """The workspace panel's count as a question (``memo.answers``): bookings of the user's units still checked
    in after their end."""
    if not access.staff_unit_ids:
        return {}
    overdue = Booking.objects.filter(
        instrument__unit_id__in=access.staff_unit_ids,
        status=BookingStatus.CHECKED_IN,
        ends_at__lt=timezone.now(),
    )
    return {("usage_overdue_checkouts", access.user_id): total(overdue, Count("pk"))}


def usage_workspace(access: Access) -> dict:
    """This year's hours and sharing rate of the user's units (unit staff) and of their departments' supervised
    units (department admins), a row for each even without records; nothing for anyone else."""
    if not (access.staff_unit_ids or access.department_ids):
        return {"show": False}
    year = timezone.localdate().year
    start, end = totals.period(year)
    units = Organization.objects.management_units()

    def rows(group_by, scope, names):
        found = {
            row.key: row for row in totals.usage_totals(group_by, start=start, end=end, scope_queryset=scope)
        }
        return [found.get(pk) or totals.Totals(pk, name) for pk, name in names]

    unit_rows, department_rows = [], []
    if access.staff_unit_ids:
        mine = units.filter(pk__in=access.staff_unit_ids)
        unit_rows = rows("unit", mine, mine.order_by("name").values_list("pk", "name"))
    if access.department_ids:
        supervised = units.filter(supervising_department_id__in=access.department_ids)
        departments = Department.objects.filter(pk__in=access.department_ids).order_by("name")
        department_rows = rows("department", supervised, departments.values_list("pk", "name"))
    overdue = answers(usage_workspace_counts(access)).get(("usage_overdue_checkouts", access.user_id))
    return {
        "show": True,
        "year": year,
        "unit_rows": unit_rows,
        "department_rows": department_rows,
        "overdue_checkouts": overdue,
    }


# --- the dashboard ----------------------------------------------------------------------------------------------


def dashboard_options(access: Access) -> dict:
    """What the dashboard's form offers this user: the units they may see (``totals.units_for``), the years, the
    groupings (the platform admin and evaluators group by department, region or unit; others by unit), whether
    they pick a unit (a single unit's staff see just that unit), and the defaults (this year, all months). Refused
    to those who see no unit."""
    if not totals.sees_usage_totals(access):
        raise PermissionDenied(_("使用统计仅对单位人员、主管部门和平台管理员开放。"))
    units = totals.units_for(access)
    this_year = timezone.localdate().year
    sees_all = access.is_platform_admin or access.is_evaluator
    groups = ["department", "region", "unit"] if sees_all else ["unit"]
    # Staff of a single unit see that unit; departments and the platform choose, or see all their units.
    pick_unit = sees_all or bool(access.department_ids) or len(units) > 1
    return {
        "units": units,
        "years": list(range(this_year, this_year - DASHBOARD_YEARS, -1)),
        "groups": groups,
        "pick_unit": pick_unit,
        "initial": {"year": this_year, "first_month": 1, "last_month": 12, "group_by": groups[0]},
    }


def dashboard(access: Access, options: dict, choice: dict) -> dict:
    """The dashboard for ``choice`` (the form's cleaned data, empty when it did not validate; missing values take
    the defaults of ``options``): the period's headline totals and months; for one unit its top instruments and
    least shared ones, else a row per ``group_by``."""
    initial = options["initial"]
    year = choice.get("year") or initial["year"]
    first, last = choice.get("first_month") or 1, choice.get("last_month") or 12
    units = options["units"]
    unit = choice.get("unit") or (None if options["pick_unit"] else units.get())
    scope = units.filter(pk=unit.pk) if unit else units
    start, end = totals.period(year, first, last)
    months = totals.monthly_totals(start, end, scope)
    headline = totals.Totals(None, "")
    for _month, row in months:
        headline.add(row)
    page = {
        "unit": unit,
        "year": year,
        "first_month": first,
        "last_month": last,
        "headline": headline,
        "can_record": services.can_record(access),
        "monthly": months,
        "chart": chart(months),
    }
    if unit:
        rows = totals.usage_totals("instrument", start=start, end=end, scope_queryset=scope)
        shared = [row for row in rows if row.sharing_rate is not None]
        page["top_instruments"] = rows[:TOP]
        page["least_shared"] = sorted(shared, key=lambda row: (row.sharing_rate, -row.machine_hours))[:TOP]
    else:
        group_by = choice.get("group_by") or initial["group_by"]
        page["group_by"] = group_by
        page["rows"] = totals.usage_totals(group_by, start=start, end=end, scope_queryset=scope)
    return page


def chart(months: list) -> dict:
    """Monthly series and labels for the ECharts chart; numbers go as decimal strings."""
    return {
        "months": [month.strftime("%Y-%m") for month, _row in months],
        "machine_hours": [str(row.machine_hours) for _month, row in months],
        "external_hours": [str(row.external_hours) for _month, row in months],
        "sharing_rate": [
            None if row.sharing_percent is None else str(row.sharing_percent) for _m, row in months
        ],
        "labels": {
            "machine_hours": _("有效机时"),
            "external_hours": _("对外服务机时"),
            "sharing_rate": _("共享率"),
            "hours": _("小时"),
        },
    }


# --- a record ---------------------------------------------------------------------------------------------------


def record_page(access: Access, record: UsageRecord) -> dict:
    """A record's page: whether the user may correct it, whether its evidence downloads, and its change history
    (shown to those who may see the evidence)."""
    sees_evidence = services.can_download_evidence(access, record)
    return {
        "can_change": services.can_change(access, record),
        "can_download": bool(record.evidence) and sees_evidence,
        "evidence_name": PurePath(record.evidence.name).name if record.evidence else "",
        "history": services.change_history(record) if sees_evidence else [],
    }


# --- check-outs nobody made ---------------------------------------------------------------------------------------


def overdue_checkouts(access: Access, now: dt.datetime | None = None, *, days: int = 30) -> dict:
    """For the unit's service staff (everything for the platform authority): bookings still checked in after
    their end, and those the system ended in the last ``days`` days, to check the hours recorded."""
    now = now or timezone.now()
    bookings = Booking.objects.select_related("instrument", "user", "user_organization")
    if not access.is_platform_admin:
        bookings = bookings.filter(instrument__unit_id__in=access.staff_unit_ids)
    return {
        "still_in": bookings.filter(status=BookingStatus.CHECKED_IN, ends_at__lt=now).order_by(
            "ends_at", "id"
        ),
        "ended_automatically": bookings.filter(
            status=BookingStatus.COMPLETED,
            ended_automatically=True,
            ends_at__gte=now - dt.timedelta(days=days),
        ).order_by("-ends_at", "-id"),
        "days": days,
    }
