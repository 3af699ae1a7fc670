"""The small demo province, built once for these checks (fixture ``demo_province``): a valid province, every role
held, a consistent service history, and the demo's bookings and dates as the platform's rules allow."""

from collections import Counter
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from yiqi.accounts.models import Role, RoleAssignment, User
from yiqi.booking.availability import as_local
from yiqi.booking.models import Booking, OpenHours, ServiceSettings
from yiqi.booking.services import send_reminders
from yiqi.demo.builder import DEMO_PASSWORD
from yiqi.demo.data.templates import all_templates
from yiqi.demo.tests.conftest import SMALL, build
from yiqi.fees.models import Charge
from yiqi.orders.models import TestOrder
from yiqi.organizations.models import Deployment, Organization, Region
from yiqi.organizations.validators import validate_credit_code
from yiqi.outcomes.models import Outcome, OutcomeStatus
from yiqi.registry.categories import leaf_codes
from yiqi.registry.models import Instrument, RegistrationStatus
from yiqi.servicerecords.models import ServiceRecord

pytestmark = pytest.mark.django_db


def test_catalogue_covers_every_class_with_valid_codes():
    templates = all_templates()
    assert len(templates) >= 120
    assert {t.code for t in templates} <= leaf_codes()
    assert {t.code[:2] for t in templates} == {code[:2] for code in leaf_codes()}
    assert all(len(t.indicators) <= 500 and len(t.functions) <= 300 for t in templates)


def test_builds_a_valid_province(demo_province):
    assert "admin" in demo_province and DEMO_PASSWORD in demo_province

    deployment = Deployment.objects.get(pk=1)
    assert deployment.home_region_id == "610000"
    assert deployment.value_threshold == 200000
    assert deployment.reminder_working_days == [10, 5, 1]
    assert Region.objects.filter(parent_id="610000").count() >= 10
    for region in Region.objects.all():
        region.full_clean()

    units = Organization.objects.filter(is_management_unit=True)
    assert units.count() == SMALL["units"]
    assert set(units.values_list("kind", flat=True)) == set(Organization.Kind.values)
    assert Organization.objects.filter(is_management_unit=False).count() == 40
    codes = list(Organization.objects.values_list("credit_code", flat=True))
    assert len(codes) == len(set(codes))
    for org in Organization.objects.select_related("region"):
        validate_credit_code(org.credit_code)
        assert org.credit_code[2:8] == org.region_id
        org.full_clean()
    for unit in units:
        assert 1 <= unit.sub_units.count() <= 8

    assert Instrument.objects.count() == SMALL["instruments"]
    per_unit = Counter(Instrument.objects.values_list("unit_id", "asset_number"))
    assert max(per_unit.values()) == 1
    for instrument in Instrument.objects.order_by("id")[::7]:
        try:
            instrument.full_clean()
        except ValidationError as error:  # pragma: no cover - shows which instrument failed
            pytest.fail(f"{instrument.name}: {error}")
        assert instrument.history.count() == 1
        assert instrument.sub_unit is None or instrument.sub_unit.unit_id == instrument.unit_id
        assert instrument.registration_due is not None
    published = Instrument.objects.filter(registration_status=RegistrationStatus.PUBLISHED)
    assert published.count() > 0.7 * SMALL["instruments"]
    assert not published.filter(published_at__isnull=True).exists()
    assert Instrument.objects.filter(original_value__gte=200000).count() > 0.6 * SMALL["instruments"]
    # Results of use: recorded by the units, and papers users acknowledged (some still waiting for the unit).
    assert Outcome.objects.filter(acknowledged_by_user=False).count() >= 24
    assert Outcome.objects.filter(acknowledged_by_user=True, status=OutcomeStatus.PENDING).exists()
    assert Outcome.objects.filter(acknowledged_by_user=True, status=OutcomeStatus.CONFIRMED).exists()


def test_every_role_is_held_and_everyone_shares_the_password(demo_province):
    held = set(RoleAssignment.objects.values_list("role", flat=True))
    assert held == set(Role.values)
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert admin.role_assignments.filter(role=Role.PLATFORM_ADMIN).exists()
    assert admin.check_password(DEMO_PASSWORD)
    assert User.objects.exclude(password=admin.password).count() == 0
    for unit in Organization.objects.filter(is_management_unit=True):
        roles = set(unit.role_assignments.values_list("role", flat=True))
        assert {Role.UNIT_ADMIN, Role.INFORMATION_OFFICER, Role.INSTRUMENT_MANAGER, Role.TECHNICIAN} <= roles
    assert User.objects.filter(username="unit001-officer").exists()
    assert User.objects.filter(username__startswith="expert").count() == 10
    assert User.objects.filter(username__startswith="eval").count() == 5


def test_refuses_a_non_empty_database_unless_told_to_skip(demo_province):
    with pytest.raises(CommandError):
        build()
    out = StringIO()
    call_command("demo_data", "--if-empty", stdout=out, **SMALL)
    assert "skipped" in out.getvalue()
    assert Instrument.objects.count() == SMALL["instruments"]


def test_service_history_is_consistent(demo_province):
    """Demo bookings never overlap, bills add up, every completed service left a usage record."""
    from django.db.models import F, Sum

    from yiqi.booking.models import SLOT_HOLDING_STATES, BookingStatus
    from yiqi.feedback.models import Complaint, Rating
    from yiqi.fees.models import ChargeLine
    from yiqi.orders.models import OrderStatus
    from yiqi.resources.models import ResourceRequest
    from yiqi.servicerecords.models import ServiceKind, ServiceStatus
    from yiqi.usage.models import UsageRecord

    held = Booking.objects.filter(status__in=SLOT_HOLDING_STATES)
    overlaps = held.filter(
        instrument__bookings__status__in=SLOT_HOLDING_STATES,
        instrument__bookings__starts_at__lt=F("ends_at"),
        instrument__bookings__ends_at__gt=F("starts_at"),
    ).exclude(instrument__bookings__pk=F("pk"))
    assert not overlaps.exists()
    assert ServiceSettings.objects.exists() and Rating.objects.exists() and Complaint.objects.exists()
    for charge in Charge.objects.all()[:200]:
        stage = ChargeLine.Stage.QUOTE if charge.status == Charge.Status.QUOTED else ChargeLine.Stage.BILL
        assert charge.total == charge.lines.filter(stage=stage).aggregate(s=Sum("amount"))["s"]
    completed = Booking.objects.filter(status=BookingStatus.COMPLETED).count()
    completed += TestOrder.objects.filter(status=OrderStatus.COMPLETED).count()
    assert UsageRecord.objects.exclude(source=UsageRecord.Source.MANUAL).count() == completed > 0
    # Every booking, order and resource request has its own record, completed exactly when the service was.
    services = Booking.objects.count() + TestOrder.objects.count() + ResourceRequest.objects.count()
    assert ServiceRecord.objects.count() == services
    instrument_records = ServiceRecord.objects.exclude(kind=ServiceKind.RESOURCE_SUPPLY)
    assert instrument_records.filter(status=ServiceStatus.COMPLETED).count() == completed
    booking_records = ServiceRecord.objects.filter(kind=ServiceKind.SELF_OPERATION)
    assert not booking_records.exclude(instrument_id=F("booking__instrument_id")).exists()
    served = UsageRecord.objects.filter(record__isnull=False)
    assert not served.exclude(record__status=ServiceStatus.COMPLETED).exists()
    assert not Rating.objects.exclude(record__status=ServiceStatus.COMPLETED).exists()
    for record in ServiceRecord.objects.filter(status=ServiceStatus.COMPLETED).order_by("id")[::50]:
        record.full_clean()
    for record in UsageRecord.objects.order_by("id")[::50]:
        record.full_clean(exclude=["evidence", "recorded_by"])


def test_demo_vouchers_reconcile(demo_province):
    from yiqi.vouchers.models import Claim, Programme
    from yiqi.vouchers.services import ledger

    programme = Programme.objects.get()
    totals = ledger.programme_balances(programme)
    assert totals.granted == sum(a.approved_amount for a in programme.applications.all()) > 0
    assert totals.spent_total > 0 and Claim.objects.filter(status="submitted").count() == 1


def test_some_instruments_have_simulated_devices_and_interlocks(demo_province):
    from yiqi.interlocks.models import Interlock
    from yiqi.monitoring.models import Device, MonitoringProfile

    devices = Device.objects.filter(uid__startswith="sim-")
    assert devices.count() == 20 and "monitoring devices: 20" in demo_province
    assert all(d.instrument.registration_status == RegistrationStatus.PUBLISHED for d in devices)
    assert MonitoringProfile.objects.count() == 20
    assert Interlock.objects.count() == 5


def test_monitored_instruments_have_measured_history_to_show(demo_province):
    """The board, the timelines and the reconciliation lists show measured data as soon as the demo is built."""
    from yiqi.monitoring.models import (
        DailyHours,
        Device,
        InstrumentMonitor,
        MachineState,
        ReconciliationItem,
        StateInterval,
    )
    from yiqi.usage.models import UsageRecord

    instruments = set(Device.objects.filter(uid__startswith="sim-").values_list("instrument_id", flat=True))
    # Every monitored instrument has a state now and days of hours; most of them ran.
    assert set(InstrumentMonitor.objects.values_list("instrument_id", flat=True)) == instruments
    assert set(DailyHours.objects.values_list("instrument_id", flat=True)) == instruments
    running = DailyHours.objects.filter(running_seconds__gt=0)
    assert running.values("instrument").distinct().count() >= len(instruments) // 2
    assert running.values("day").distinct().count() >= 7
    assert StateInterval.objects.filter(state=MachineState.RUNNING).count() > 50
    # The usage records stand beside the telemetry, and reconciliation found the planted faked records and runs.
    assert UsageRecord.objects.filter(instrument_id__in=instruments, service_content="simulated").exists()
    kinds = set(ReconciliationItem.objects.values_list("kind", flat=True))
    assert {ReconciliationItem.Kind.SUSPECT_RECORD, ReconciliationItem.Kind.UNRECORDED_USE} <= kinds


def test_demo_census_and_alliances(demo_province):
    from yiqi.alliances.models import Alliance, Membership, MembershipStatus
    from yiqi.census.models import (
        Census,
        CensusMark,
        CensusReminder,
        CensusResourceLine,
        CensusSnapshot,
        ReturnStatus,
    )

    closed, current = Census.objects.order_by("year")
    assert (
        closed.status == "published"
        and CensusSnapshot.objects.filter(census=closed, accepted=True).count() == 10
    )
    assert set(CensusMark.objects.filter(census=closed).values_list("kind", flat=True)) == {
        "commendation",
        "notice",
    }
    # The census in progress lists the units' other S&T resources beside their instruments.
    assert CensusResourceLine.objects.filter(census_return__census=current, kind="natural").exists()
    assert current.is_open and current.returns.count() == SMALL["units"]
    statuses = Counter(current.returns.values_list("status", flat=True))
    assert statuses[ReturnStatus.ACCEPTED] == 2 and statuses[ReturnStatus.RETURNED] == 1
    assert (
        CensusReminder.objects.filter(census_return__census=current).count()
        == statuses[ReturnStatus.DRAFT] + 1
    )
    assert Alliance.objects.count() == 2
    assert Membership.objects.filter(status=MembershipStatus.ACTIVE).count() == 10
    assert Membership.objects.filter(status=MembershipStatus.APPLIED).count() == 1


def test_demo_needs_include_one_met_by_an_order_on_the_platform(demo_province):
    from yiqi.core.models import AuditEvent
    from yiqi.demands.models import Need, NeedStatus
    from yiqi.orders.models import OrderStatus

    met = Need.objects.get(status=NeedStatus.MET)
    assert met.order_record == met.met_by and met.met_by.test_order.status == OrderStatus.COMPLETED
    assert list(AuditEvent.objects.for_object(met).values_list("action", flat=True)) == [
        "create",
        "order",
        "delivered",
    ]
    assert Need.objects.filter(status=NeedStatus.CLOSED).count() == 1


def test_a_fresh_demo_keeps_to_open_hours_and_to_time_and_sends_no_reminder(demo_province):
    every_booking_lies_inside_an_open_period_on_its_slot_grid()
    nothing_is_submitted_or_paid_after_the_demo_was_loaded()
    starting_the_platform_sends_no_reminders()


def every_booking_lies_inside_an_open_period_on_its_slot_grid():
    periods = {}
    for instrument_id, weekday, start, end in OpenHours.objects.values_list(
        "instrument_id", "weekday", "start_minute", "end_minute"
    ):
        periods.setdefault((instrument_id, weekday), []).append((start, end))
    slots = dict(ServiceSettings.objects.values_list("instrument_id", "slot_minutes"))
    bookings = list(Booking.objects.values_list("instrument_id", "starts_at", "ends_at"))
    assert len(bookings) > 100
    for instrument_id, starts_at, ends_at in bookings:
        start, end = as_local(starts_at), as_local(ends_at)
        first, last = start.hour * 60 + start.minute, (end.hour * 60 + end.minute) or 1440
        assert start.date() == as_local(ends_at - timezone.timedelta(minutes=1)).date()
        holding = [(s, e) for s, e in periods[instrument_id, start.weekday()] if s <= first and last <= e]
        assert holding, (instrument_id, start, end)
        slot = slots[instrument_id]
        assert (first - holding[0][0]) % slot == 0 and (last - first) % slot == 0, (instrument_id, start, end)


def nothing_is_submitted_or_paid_after_the_demo_was_loaded():
    now = timezone.now()
    assert not Booking.objects.filter(created_at__gt=now).exists()
    assert not ServiceRecord.objects.filter(created_at__gt=now).exists()
    assert not Charge.objects.filter(paid_at__gt=now).exists()
    in_progress = TestOrder.objects.filter(tested_until__isnull=True)
    assert in_progress.exists()
    # Orders in progress were submitted over the last week, not at the moment of loading.
    assert not in_progress.filter(created_at__gt=now - timezone.timedelta(minutes=30)).exists()


def starting_the_platform_sends_no_reminders():
    mail.outbox.clear()
    assert send_reminders() == 0
    assert mail.outbox == []
