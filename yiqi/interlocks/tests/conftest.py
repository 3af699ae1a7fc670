import datetime as dt

import pytest

from yiqi.booking.tests.factories import bookable_instrument, freeze_now, local
from yiqi.interlocks import services
from yiqi.interlocks.drivers import LOCKED, UNLOCKED, Ack, Driver
from yiqi.interlocks.tests.factories import DeviceFactory, InterlockFactory

NOW = local(2026, 12, 7, 9, 0)  # a Monday morning


class FakeDevice(Driver):
    """Stands in for the hardware: remembers the commands, answers ``ok`` unless told to fail."""

    def __init__(self):
        self.calls, self.fail, self.state, self.supports_allowlist = [], False, LOCKED, True

    def _answer(self, state=None):
        if self.fail:
            return Ack(ok=False, error="timeout")
        self.state = state or self.state
        return Ack(ok=True, state=self.state)

    def lock(self, *, reason=""):
        self.calls.append(("lock", reason))
        return self._answer(LOCKED)

    def unlock(self, *, user, until, reason=""):
        self.calls.append(("unlock", user, until))
        return self._answer(UNLOCKED)

    def status(self):
        return self._answer()

    def push_allowlist(self, entries):
        self.calls.append(("allowlist", entries))
        return self._answer()


@pytest.fixture
def device(monkeypatch):
    fake = FakeDevice()
    monkeypatch.setattr(services, "driver_for", lambda interlock: fake)
    return fake


@pytest.fixture
def clock(monkeypatch):
    moment = {"now": NOW}

    def move(to: dt.datetime):
        moment["now"] = to
        return freeze_now(monkeypatch, to)

    move(NOW)
    return move


@pytest.fixture
def instrument(world, clock):
    instrument = bookable_instrument(world.published_a, requires_qualification=True)
    instrument.manager = world.users["manager_a"]
    instrument.save()
    return instrument


@pytest.fixture
def interlock(instrument):
    return InterlockFactory(device=DeviceFactory(instrument=instrument))
