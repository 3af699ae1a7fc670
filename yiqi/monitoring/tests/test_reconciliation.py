"""Reconciliation lists from known patterns, explained by the unit and reviewed by the authority."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from yiqi.accounts.access import access_for
from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import user_with_role
from yiqi.booking.tests.factories import BookingFactory
from yiqi.core.models import AuditEvent
from yiqi.monitoring import reconciliation
from yiqi.monitoring.models import ReconciliationItem
from yiqi.monitoring.rollup import roll_up
from yiqi.organizations.tests.factories import DepartmentFactory
from yiqi.registry.models import RegistrationStatus
from yiqi.usage.tests.factories import UsageRecordFactory

from .factories import DeviceFactory, ProfileFactory, pattern
from .test_rollup import send

pytestmark = pytest.mark.django_db
Kind = ReconciliationItem.Kind


@pytest.fixture
def day():
    """Yesterday 08:00 local, and a device on a published instrument."""
    start = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0) - dt.timedelta(days=1)
    profile = ProfileFactory(instrument__registration_status=RegistrationStatus.PUBLISHED)
    return start, DeviceFactory(instrument=profile.instrument)


def hours(n):
    return dt.timedelta(hours=n)


def test_each_kind_is_found_from_a_known_day(day):
    start, device = day
    instrument = device.instrument
    # 08–09 off, 09–11 running (booked and recorded), 11–12 off, 12–13 running (nobody recorded it),
    # 13–15 off (a record claims 13–15), 15–17 running past a booking that ended at 16, then off till 20.
    send(
        device,
        pattern(start, [(3600, 0), (7200, 150), (3600, 0), (3600, 150), (7200, 0), (7200, 150), (10800, 0)]),
    )
    roll_up()
    BookingFactory(instrument=instrument, starts_at=start + hours(1), ends_at=start + hours(3))
    UsageRecordFactory(instrument=instrument, started_at=start + hours(1), ended_at=start + hours(3))
    suspect = UsageRecordFactory(
        instrument=instrument,
        started_at=start + hours(5),
        ended_at=start + hours(7),
        machine_hours=Decimal("2.00"),
    )
    overrun_booking = BookingFactory(
        instrument=instrument, starts_at=start + hours(6), ends_at=start + hours(8)
    )
    no_show = BookingFactory(instrument=instrument, starts_at=start + hours(10), ends_at=start + hours(11))
    found = reconciliation.reconcile(start, start + hours(12))
    items = {(i.kind, timezone.localtime(i.started_at).hour) for i in ReconciliationItem.objects.all()}
    assert items == {
        (Kind.UNRECORDED_USE, 12),
        (Kind.SUSPECT_RECORD, 13),
        (Kind.OVERRUN, 16),
        (Kind.BOOKING_NOT_RUN, 18),
    }
    assert found == 4
    item = ReconciliationItem.objects.get(kind=Kind.SUSPECT_RECORD)
    assert (item.usage_record, item.telemetry_hours, item.recorded_hours) == (
        suspect,
        Decimal("0.00"),
        Decimal("2.00"),
    )
    assert ReconciliationItem.objects.get(kind=Kind.OVERRUN).booking == overrun_booking
    assert ReconciliationItem.objects.get(kind=Kind.BOOKING_NOT_RUN).booking == no_show
    assert ReconciliationItem.objects.get(kind=Kind.UNRECORDED_USE).telemetry_hours == Decimal("1.00")
    # The job runs again every night: nothing twice.
    assert reconciliation.reconcile(start, start + hours(12)) == 0
    assert ReconciliationItem.objects.count() == 4


def test_long_idleness_is_an_item(day, settings):
    settings.YIQI_MONITORING_IDLE_DAYS = 2
    start, device = day
    early = start - dt.timedelta(days=3)
    send(
        device,
        [
            {"t": (early + dt.timedelta(minutes=m)).isoformat(), "power_w": 25}
            for m in range(0, 3 * 24 * 60, 1)
        ],
    )
    roll_up()
    reconciliation.reconcile(early, timezone.now())
    assert list(ReconciliationItem.objects.values_list("kind", flat=True)) == [Kind.LONG_IDLE]


def test_the_unit_explains_and_the_authority_reviews(day):
    start, device = day
    department = DepartmentFactory()
    unit = device.instrument.unit
    unit.supervising_department = department
    unit.save()
    item = ReconciliationItem.objects.create(
        instrument=device.instrument,
        unit=unit,
        kind=Kind.SUSPECT_RECORD,
        started_at=start,
        ended_at=start + hours(1),
    )
    officer = user_with_role(Role.INFORMATION_OFFICER, organization=unit)
    reviewer = user_with_role(Role.DEPARTMENT_ADMIN, department=department)
    with pytest.raises(PermissionDenied):
        reconciliation.review(access_for(officer), item, action="accept", actor=officer)
    with pytest.raises(PermissionDenied):
        reconciliation.explain(
            access_for(reviewer), item, reason="repair", explanation="维修", actor=reviewer
        )
    item = reconciliation.explain(
        access_for(officer), item, reason="calibration", explanation="年度校准，仪器停机", actor=officer
    )
    assert item.status == ReconciliationItem.Status.EXPLAINED
    item = reconciliation.review(access_for(reviewer), item, action="accept", comment="同意", actor=reviewer)
    assert (item.status, item.reviewed_by) == (ReconciliationItem.Status.ACCEPTED, reviewer)
    assert list(AuditEvent.objects.for_object(item).values_list("action", flat=True)) == ["explain", "accept"]
