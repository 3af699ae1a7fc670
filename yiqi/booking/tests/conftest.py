"""Set-up shared by the booking tests. A module that needs another instrument defines its own ``instrument``."""

import pytest

from yiqi.booking.tests.factories import bookable_instrument, freeze_now


@pytest.fixture
def clock(monkeypatch):
    """``clock(moment)`` moves the services' idea of now."""
    return lambda moment: freeze_now(monkeypatch, moment)


@pytest.fixture
def instrument(request, world, clock):
    """Unit A's bookable instrument, managed by ``manager_a``, with the clock at the test module's ``NOW``."""
    clock(request.module.NOW)
    instrument = bookable_instrument(world.published_a)
    instrument.manager = world.users["manager_a"]
    instrument.save()
    return instrument


@pytest.fixture
def customer(world):
    """An enterprise user from outside the instrument's unit."""
    return world.users["external_user"]
