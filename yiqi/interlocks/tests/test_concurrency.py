"""Two enables of one interlock at the same moment (a double tap, the phone and the lab PC) on PostgreSQL: the
instrument is on once, with one open session and one audit event; the other request is told it is already on."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from yiqi.booking.tests.factories import BookingFactory, QualificationFactory
from yiqi.core.models import AuditEvent
from yiqi.interlocks import services
from yiqi.interlocks.models import InterlockSession, InterlockState

from .conftest import NOW

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_simultaneous_enables_open_one_session(interlock, instrument, device, world):
    customer = world.users["external_user"]
    QualificationFactory(instrument=instrument, user=customer)
    BookingFactory(instrument=instrument, user=customer, starts_at=NOW, ends_at=NOW + dt.timedelta(hours=2))
    # Both requests get the device's acknowledgement before either records it: the race is in the database.
    both_sent = threading.Barrier(2)
    acknowledge = device.unlock

    def unlock(**kwargs):
        ack = acknowledge(**kwargs)
        both_sent.wait(timeout=10)
        return ack

    device.unlock = unlock
    outcomes = []

    def enable():
        try:
            outcomes.append(services.enable(interlock, actor=customer).state)
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        except Exception as error:  # noqa: BLE001 - reported below
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=enable) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert InterlockState.UNLOCKED in outcomes, outcomes
    assert len(outcomes) == 2 and len([o for o in outcomes if o == InterlockState.UNLOCKED]) == 1, outcomes
    session = InterlockSession.objects.get(ended_at__isnull=True)
    assert session.user == customer and session.interlock_id == interlock.pk
    assert AuditEvent.objects.for_object(interlock).filter(action="enable").count() == 1
    interlock.refresh_from_db()
    assert (interlock.state, interlock.user) == (InterlockState.UNLOCKED, customer)
