"""Usage figures for other pages: ``{% instrument_usage_summary instrument %}`` and ``{% usage_workspace %}``."""

from django import template
from django.utils import timezone

from yiqi.accounts.access import access_for
from yiqi.organizations.models import Department, Organization

from .. import totals

register = template.Library()


@register.inclusion_tag("usage/_instrument_summary.html")
def instrument_usage_summary(instrument):
    """Machine-hours and external-service hours this year and last year (public figures)."""
    year = timezone.localdate().year
    return {"years": [(y, totals.annual_hours(instrument, y)) for y in (year, year - 1)]}


@register.inclusion_tag("usage/_workspace.html", takes_context=True)
def usage_workspace(context):
    """This year's hours and sharing rate of the user's units (unit staff) and departments (department admins)."""
    access = access_for(context["request"].user)
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
    return {"show": True, "year": year, "unit_rows": unit_rows, "department_rows": department_rows}
