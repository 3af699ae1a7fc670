"""The registration deadline: N working days after installation acceptance (N is a deployment setting)."""

import datetime as dt

from django.db.models import BooleanField, Case, ExpressionWrapper, Q, QuerySet, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from yiqi.core.workdays import WorkdayResult, add_working_days
from yiqi.organizations.models import Deployment

from .models import PENDING_REGISTRATION, Instrument


def registration_deadline(acceptance_date: dt.date, deployment: Deployment | None = None) -> WorkdayResult:
    deployment = deployment or Deployment.current()
    return add_working_days(acceptance_date, deployment.registration_working_days)


def apply_deadline(instrument: Instrument, deployment: Deployment | None = None) -> None:
    """Set the stored deadline fields from the acceptance date (call before saving)."""
    result = registration_deadline(instrument.acceptance_date, deployment)
    instrument.registration_due = result.date
    instrument.registration_due_estimated = result.estimated


def mandatory_q(deployment: Deployment | None = None) -> Q:
    deployment = deployment or Deployment.current()
    return Q(original_value__gte=deployment.value_threshold)


def is_mandatory(instrument: Instrument, deployment: Deployment | None = None) -> bool:
    deployment = deployment or Deployment.current()
    return instrument.original_value >= deployment.value_threshold


def pending_mandatory(
    queryset: QuerySet[Instrument], deployment: Deployment | None = None
) -> QuerySet[Instrument]:
    """Mandatory instruments the unit has not yet sent on to the platform."""
    return queryset.filter(mandatory_q(deployment), registration_status__in=PENDING_REGISTRATION)


def overdue(queryset: QuerySet[Instrument], today: dt.date | None = None) -> QuerySet[Instrument]:
    today = today or timezone.localdate()
    return pending_mandatory(queryset).filter(registration_due__lt=today).order_by("registration_due", "id")


def _horizon(today: dt.date, within_working_days: int) -> dt.date:
    return add_working_days(today, within_working_days).date


def due_soon(queryset: QuerySet[Instrument], within_working_days: int = 10, today: dt.date | None = None):
    """Pending mandatory instruments whose deadline is today or within the next ``within_working_days``."""
    today = today or timezone.localdate()
    horizon = _horizon(today, within_working_days)
    return (
        pending_mandatory(queryset)
        .filter(registration_due__gte=today, registration_due__lte=horizon)
        .order_by("registration_due", "id")
    )


def first_overdue_and_due_soon(
    queryset: QuerySet[Instrument], limit: int, within_working_days: int = 10
) -> tuple[list[Instrument], list[Instrument]]:
    """The first ``limit`` of ``overdue`` and of ``due_soon``, in their order, from one query (a row number
    within each list): a page showing the start of both reads once."""
    today = timezone.localdate()
    late = Q(registration_due__lt=today)
    rows = (
        pending_mandatory(queryset)
        .filter(registration_due__lte=_horizon(today, within_working_days))
        .annotate(
            is_overdue=ExpressionWrapper(late, output_field=BooleanField()),
            place=Window(
                RowNumber(),
                partition_by=[Case(When(late, then=1), default=0)],
                order_by=["registration_due", "id"],
            ),
        )
        .filter(place__lte=limit)
        .order_by("registration_due", "id")
    )
    overdue_rows, soon = [], []
    for row in rows:
        (overdue_rows if row.is_overdue else soon).append(row)
    return overdue_rows, soon
