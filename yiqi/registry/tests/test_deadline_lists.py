"""The workspace's deadline lists: the start of the overdue list and of the soon-due list, as each list orders them,
read together."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yiqi.organizations.tests.factories import OrganizationFactory
from yiqi.registry import deadlines
from yiqi.registry.models import Instrument
from yiqi.registry.tests.factories import InstrumentFactory


@pytest.mark.django_db
def test_both_lists_start_as_each_list_does_from_one_query():
    unit, today = OrganizationFactory(), timezone.localdate()
    due = {InstrumentFactory(unit=unit).pk: days for days in (-40, -3, -20, -1, -9, 0, 2, 1, 5, 90)}
    due[InstrumentFactory(unit=unit, original_value=1000).pk] = -5  # below the threshold: not mandatory
    for pk, days in due.items():  # the factory derives the deadline from the acceptance date: set it outright
        Instrument.objects.filter(pk=pk).update(registration_due=today + dt.timedelta(days=days))
    instruments = Instrument.objects.filter(unit=unit)
    with CaptureQueriesContext(connection) as queries:
        overdue, due_soon = deadlines.first_overdue_and_due_soon(instruments, limit=3)
    # One read of the instruments (the deployment's threshold is read once per page view besides).
    assert len([q for q in queries if '"registry_instrument"' in q["sql"]]) == 1
    assert overdue == list(deadlines.overdue(instruments)[:3])
    assert due_soon == list(deadlines.due_soon(instruments)[:3])
    assert [i.registration_due - today for i in overdue] == [dt.timedelta(days=d) for d in (-40, -20, -9)]
    assert [i.registration_due - today for i in due_soon] == [dt.timedelta(days=d) for d in (0, 1, 2)]
