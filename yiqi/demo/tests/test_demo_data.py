import hashlib
from collections import Counter
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from yiqi.accounts.models import Role, RoleAssignment, User
from yiqi.demo.builder import DEMO_PASSWORD
from yiqi.demo.data.templates import all_templates
from yiqi.organizations.models import Deployment, Organization, Region, SubUnit
from yiqi.organizations.validators import validate_credit_code
from yiqi.outcomes.models import Outcome, OutcomeStatus
from yiqi.registry.categories import leaf_codes
from yiqi.registry.models import Instrument, RegistrationStatus

pytestmark = pytest.mark.django_db

SMALL = {"instruments": 300, "units": 20}


def build(seed=2026, **options) -> str:
    out = StringIO()
    call_command("demo_data", seed=seed, stdout=out, **{**SMALL, **options})
    return out.getvalue()


def fingerprint() -> str:
    """Everything the demo generates, by natural keys (primary keys and timestamps may differ)."""
    rows = [
        sorted(
            Organization.objects.values_list(
                "name",
                "kind",
                "credit_code",
                "region_id",
                "address",
                "postcode",
                "supervising_department__name",
            )
        ),
        sorted(SubUnit.objects.values_list("unit__name", "name", "kind")),
        sorted(User.objects.values_list("username", "full_name", "email", "phone", "is_superuser")),
        sorted(
            RoleAssignment.objects.values_list(
                "user__username", "role", "department__name", "organization__name"
            ),
            key=str,
        ),
        sorted(
            Instrument.objects.values_list(
                "unit__credit_code",
                "asset_number",
                "kind",
                "name",
                "category_id",
                "original_value",
                "manufacturer",
                "model_spec",
                "acceptance_date",
                "registration_status",
                "registration_due",
                "published_at",
                "sharing_mode",
                "parent__asset_number",
                "sub_unit__name",
                "manager__username",
                "contact_phone",
            ),
            key=str,
        ),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_catalogue_covers_every_class_with_valid_codes():
    templates = all_templates()
    assert len(templates) >= 120
    assert {t.code for t in templates} <= leaf_codes()
    assert {t.code[:2] for t in templates} == {code[:2] for code in leaf_codes()}
    assert all(len(t.indicators) <= 500 and len(t.functions) <= 300 for t in templates)


def test_builds_a_valid_province():
    output = build()
    assert "admin" in output and DEMO_PASSWORD in output

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


def test_every_role_is_held_and_everyone_shares_the_password():
    build()
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


def fingerprint_of_build(seed: int):
    """Build, fingerprint, and roll the build back so the next one starts from an empty database."""
    with transaction.atomic():
        build(seed=seed)
        result = fingerprint()
        transaction.set_rollback(True)
    return result


def test_same_seed_gives_the_same_data_and_another_seed_does_not():
    first = fingerprint_of_build(11)
    assert fingerprint_of_build(11) == first
    assert fingerprint_of_build(12) != first


def test_refuses_a_non_empty_database_unless_told_to_skip():
    build()
    with pytest.raises(CommandError):
        build()
    out = StringIO()
    call_command("demo_data", "--if-empty", stdout=out, **SMALL)
    assert "skipped" in out.getvalue()
    assert Instrument.objects.count() == SMALL["instruments"]


def test_service_history_is_consistent():
    """Demo bookings never overlap, bills add up, every completed service left a usage record."""
    from django.db.models import F, Sum

    from yiqi.booking.models import SLOT_HOLDING_STATES, Booking, BookingStatus, ServiceSettings
    from yiqi.feedback.models import Complaint, Rating
    from yiqi.fees.models import Charge, ChargeLine
    from yiqi.orders.models import OrderStatus, TestOrder
    from yiqi.resources.models import ResourceRequest
    from yiqi.servicerecords.models import ServiceKind, ServiceRecord, ServiceStatus
    from yiqi.usage.models import UsageRecord

    build()
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


def test_demo_vouchers_reconcile():
    from yiqi.vouchers.models import Claim, Programme
    from yiqi.vouchers.services import ledger

    build()
    programme = Programme.objects.get()
    totals = ledger.programme_balances(programme)
    assert totals.granted == sum(a.approved_amount for a in programme.applications.all()) > 0
    assert totals.spent_total > 0 and Claim.objects.filter(status="submitted").count() == 1


def test_some_instruments_have_simulated_devices_and_interlocks():
    from yiqi.interlocks.models import Interlock
    from yiqi.monitoring.models import Device, MonitoringProfile

    output = build()
    devices = Device.objects.filter(uid__startswith="sim-")
    assert devices.count() == 20 and "monitoring devices: 20" in output
    assert all(d.instrument.registration_status == RegistrationStatus.PUBLISHED for d in devices)
    assert MonitoringProfile.objects.count() == 20
    assert Interlock.objects.count() == 5


def test_monitored_instruments_have_measured_history_to_show():
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

    build()
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


def test_demo_census_and_alliances():
    from yiqi.alliances.models import Alliance, Membership, MembershipStatus
    from yiqi.census.models import (
        Census,
        CensusMark,
        CensusReminder,
        CensusResourceLine,
        CensusSnapshot,
        ReturnStatus,
    )

    build()
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


def test_demo_needs_include_one_met_by_an_order_on_the_platform():
    from yiqi.core.models import AuditEvent
    from yiqi.demands.models import Need, NeedStatus
    from yiqi.orders.models import OrderStatus

    build()
    met = Need.objects.get(status=NeedStatus.MET)
    assert met.order_record == met.met_by and met.met_by.test_order.status == OrderStatus.COMPLETED
    assert list(AuditEvent.objects.for_object(met).values_list("action", flat=True)) == [
        "create",
        "order",
        "delivered",
    ]
    assert Need.objects.filter(status=NeedStatus.CLOSED).count() == 1
