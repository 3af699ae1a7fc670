"""The demo's bookings keep to what the booking rules allow, nothing is dated after the moment it was loaded, and
loading it sends no reminder."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from yiqi.booking.availability import as_local
from yiqi.booking.models import Booking, OpenHours, ServiceSettings
from yiqi.booking.services import send_reminders
from yiqi.fees.models import Charge
from yiqi.orders.models import TestOrder
from yiqi.servicerecords.models import ServiceRecord

pytestmark = pytest.mark.django_db


def test_a_fresh_demo_keeps_to_open_hours_and_to_time_and_sends_no_reminder():
    """One build (they are slow) for the three promises."""
    call_command("demo_data", seed=2026, instruments=300, units=20, stdout=StringIO())
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
