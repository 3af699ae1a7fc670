"""Figures for workspaces and the home page, each scoped to what the viewer may see."""

from django.db.models import Count, Q, Sum

from yiqi.accounts.access import Access

from . import deadlines, scoping
from .models import Instrument, RegistrationStatus


def public_figures() -> dict:
    published = Instrument.objects.filter(registration_status=RegistrationStatus.PUBLISHED)
    return published.aggregate(
        instruments=Count("id"),
        open_instruments=Count("id", filter=Q(sharing_mode=Instrument.SharingMode.EXTERNAL)),
        open_value=Sum("original_value", filter=Q(sharing_mode=Instrument.SharingMode.EXTERNAL)),
    )


def has_review_queue(access: Access) -> bool:
    """Reviewers: unit admins (their units' submissions), departments and the platform authority."""
    return access.is_platform_admin or bool(access.department_ids) or bool(access.unit_admin_unit_ids)


def sees_deadlines(access: Access) -> bool:
    """Registration deadlines concern unit staff, their departments and the platform authority."""
    return access.is_platform_admin or bool(access.department_ids) or bool(access.staff_unit_ids)


def review_queue(access: Access):
    """Records waiting for this user's decision, oldest first."""
    scope = Q(pk__in=[])
    if access.is_platform_admin:
        scope |= Q(registration_status=RegistrationStatus.AWAITING_AUTHORITY)
    if access.department_ids:
        scope |= Q(
            registration_status=RegistrationStatus.AWAITING_DEPARTMENT,
            unit__supervising_department_id__in=access.department_ids,
        )
    if access.unit_admin_unit_ids:
        scope |= Q(registration_status=RegistrationStatus.SUBMITTED, unit_id__in=access.unit_admin_unit_ids)
    return (
        scoping.visible_instruments(access)
        .filter(scope)
        .select_related("unit", "category")
        .order_by("updated_at", "id")
    )


def deadline_lists(access: Access, limit: int | None = None) -> dict:
    """Overdue and soon-due mandatory registrations within the viewer's scope."""
    if not sees_deadlines(access):
        return {"overdue": Instrument.objects.none(), "due_soon": Instrument.objects.none()}
    visible = scoping.visible_instruments(access).select_related("unit", "category")
    overdue, due_soon = deadlines.overdue(visible), deadlines.due_soon(visible)
    if limit:
        overdue, due_soon = overdue[:limit], due_soon[:limit]
    return {"overdue": overdue, "due_soon": due_soon}


def status_counts(access: Access) -> list[dict]:
    """How many of the user's units' records are in each state: status, label, count (the list filtered by
    ``scope=mine&status=<status>`` shows exactly these records)."""
    rows = (
        scoping.visible_instruments(access)
        .filter(unit_id__in=access.staff_unit_ids)
        .values("registration_status")
        .annotate(n=Count("id"))
    )
    counts = {row["registration_status"]: row["n"] for row in rows}
    return [
        {"status": value, "label": label, "count": counts.get(value, 0)}
        for value, label in RegistrationStatus.choices
    ]


def count_by_unit(queryset, limit: int = 50):
    """Rows of (unit id, unit name, count), largest first: which units lag most."""
    return (
        queryset.order_by()
        .values("unit_id", "unit__name")
        .annotate(n=Count("id"))
        .order_by("-n", "unit__name")[:limit]
    )


def related_instruments(instrument: Instrument, limit: int = 6) -> dict:
    """The unit's other published instruments, and published ones of the same class at other units."""
    published = Instrument.objects.filter(registration_status=RegistrationStatus.PUBLISHED).select_related(
        "unit", "category"
    )
    return {
        "same_unit": published.filter(unit_id=instrument.unit_id)
        .exclude(pk=instrument.pk)
        .order_by("-original_value", "id")[:limit],
        "similar": published.filter(category_id=instrument.category_id)
        .exclude(unit_id=instrument.unit_id)
        .order_by("-updated_at", "-id")[:limit],
    }
