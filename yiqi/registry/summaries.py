"""Figures for workspaces and the home page, each scoped to what the viewer may see."""

from django.db.models import BooleanField, Case, Count, ExpressionWrapper, F, Q, Sum, When, Window
from django.db.models.functions import RowNumber

from yiqi.accounts.access import Access
from yiqi.core.memo import answers
from yiqi.core.queries import total

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
    if limit:
        overdue, due_soon = deadlines.first_overdue_and_due_soon(visible, limit)
    else:
        overdue, due_soon = deadlines.overdue(visible), deadlines.due_soon(visible)
    return {"overdue": overdue, "due_soon": due_soon}


def workspace_counts(access: Access) -> dict:
    """The workspace's registry counts as questions (``memo.answers``): the review queue's length and, for unit
    staff, their units' records in each state."""
    questions = {("review_queue", access.user_id): total(review_queue(access), Count("pk"))}
    if access.staff_unit_ids:
        mine = scoping.visible_instruments(access).filter(unit_id__in=access.staff_unit_ids)
        questions.update(
            (
                ("registration_status", value, access.user_id),
                total(mine.filter(registration_status=value), Count("pk")),
            )
            for value in RegistrationStatus.values
        )
    return questions


def review_count(access: Access) -> int:
    return answers(workspace_counts(access))[("review_queue", access.user_id)]


def status_counts(access: Access) -> list[dict]:
    """How many of the user's units' records are in each state: status, label, count (the list filtered by
    ``scope=mine&status=<status>`` shows exactly these records)."""
    counts = answers(workspace_counts(access))
    return [
        {"status": value, "label": label, "count": counts[("registration_status", value, access.user_id)]}
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
    """The unit's other published instruments (most valuable first), and published ones of the same class at other
    units (latest first): the start of each from one query, a row number within each list."""
    same = Q(unit_id=instrument.unit_id)
    in_same = Case(When(same, then=1), default=0)
    rows = (
        Instrument.objects.filter(registration_status=RegistrationStatus.PUBLISHED)
        .filter(same | Q(category_id=instrument.category_id))
        .exclude(pk=instrument.pk)
        .select_related("unit", "category")
        .annotate(
            same_unit=ExpressionWrapper(same, output_field=BooleanField()),
            # Each list's own order: the keys of the other list are NULL within it, so they decide nothing.
            place=Window(
                RowNumber(),
                partition_by=[in_same],
                order_by=[
                    Case(When(same, then=F("original_value"))).desc(),
                    Case(When(same, then=F("id"))).asc(),
                    Case(When(~same, then=F("updated_at"))).desc(),
                    Case(When(~same, then=F("id"))).desc(),
                ],
            ),
        )
        .filter(place__lte=limit)
    )
    lists = {True: [], False: []}
    for row in sorted(rows, key=lambda row: row.place):
        lists[row.same_unit].append(row)
    return {"same_unit": lists[True], "similar": lists[False]}
