"""Alerts to the unit's inbox and by email: a device offline for hours, an instrument idle for days, a new suspect
record — each once per condition, however often the hourly or nightly job runs."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import user_with_role
from yiqi.monitoring import reconciliation, services
from yiqi.monitoring.models import InstrumentMonitor
from yiqi.monitoring.rollup import roll_up
from yiqi.notifications.models import Notification
from yiqi.registry.models import RegistrationStatus
from yiqi.usage.tests.factories import UsageRecordFactory

from .factories import DeviceFactory, ProfileFactory, pattern
from .test_rollup import send

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_of():
    def make(device):
        return user_with_role(Role.UNIT_ADMIN, organization=device.unit, email="admin@example.cn")

    return make


def test_a_device_silent_past_the_setting_is_reported_once(
    settings, admin_of, django_capture_on_commit_callbacks
):
    settings.YIQI_MONITORING_OFFLINE_HOURS = 3
    now = timezone.now()
    silent = DeviceFactory(last_seen=now - dt.timedelta(hours=4))
    fresh = DeviceFactory(instrument__unit=silent.unit, last_seen=now - dt.timedelta(hours=2))  # within it
    admin = admin_of(silent)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.alert_offline_devices(now=now) == 1
    assert services.alert_offline_devices(now=now + dt.timedelta(hours=1)) == 0
    (note,) = Notification.objects.filter(recipient=admin)
    assert silent.uid in note.subject and "3" in note.subject
    assert len(mail.outbox) == 1 and silent.uid in mail.outbox[0].body
    # Back online, then silent again: a new condition, a new alert.
    silent.refresh_from_db()
    silent.last_seen = now + dt.timedelta(hours=2)
    silent.save(update_fields=["last_seen"])
    fresh.last_seen = now + dt.timedelta(hours=5)
    fresh.save(update_fields=["last_seen"])
    assert services.alert_offline_devices(now=now + dt.timedelta(hours=6)) == 1


def test_an_instrument_idle_past_the_setting_is_reported_once(settings, admin_of):
    settings.YIQI_MONITORING_IDLE_DAYS = 10
    device = DeviceFactory()
    admin = admin_of(device)
    now = timezone.now()
    InstrumentMonitor.objects.create(
        instrument=device.instrument, state="off", since=now - dt.timedelta(days=11)
    )
    assert services.alert_idle_instruments(now=now) == 1
    assert services.alert_idle_instruments(now=now + dt.timedelta(hours=1)) == 0
    (note,) = Notification.objects.filter(recipient=admin)
    assert "10" in note.subject


def test_a_new_suspect_record_is_reported_once(admin_of):
    start = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0) - dt.timedelta(days=1)
    profile = ProfileFactory(instrument__registration_status=RegistrationStatus.PUBLISHED)
    device = DeviceFactory(instrument=profile.instrument)
    admin = admin_of(device)
    send(device, pattern(start, [(7200, 0)]))  # off all along
    roll_up()
    UsageRecordFactory(
        instrument=device.instrument,
        started_at=start + dt.timedelta(minutes=30),
        ended_at=start + dt.timedelta(minutes=90),
        machine_hours=Decimal("1.00"),
    )
    reconciliation.reconcile(start, start + dt.timedelta(hours=2))
    reconciliation.reconcile(start, start + dt.timedelta(hours=2))  # the nightly run again: nothing new
    (note,) = Notification.objects.filter(recipient=admin)
    assert device.instrument.name in note.subject
    assert "/monitoring/items/" in note.url
