"""The registration deadline: N working days after installation acceptance (N is a deployment setting)."""

import datetime as dt

from django.db.models import Q, QuerySet
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


def due_soon(queryset: QuerySet[Instrument], within_working_days: int = 10, today: dt.date | None = None):
    """Pending mandatory instruments whose deadline is today or within the next ``within_working_days``."""
    today = today or timezone.localdate()
    horizon = add_working_days(today, within_working_days).date
    return (
        pending_mandatory(queryset)
        .filter(registration_due__gte=today, registration_due__lte=horizon)
        .order_by("registration_due", "id")
    )
