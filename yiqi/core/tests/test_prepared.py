"""A prepared read answers exactly as its queryset would, for any arguments, and refuses a build that would freeze a
request's value into the compiled SQL."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Value

from yiqi.core.models import AuditEvent
from yiqi.core.prepared import PreparedRead

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
SPAN = dt.timedelta(hours=6)


def events_query(*, object_id, action, since, until):
    """Events of one object and action from ``since - SPAN`` (a shifted argument) to ``until``, or of any object."""
    events = AuditEvent.objects.order_by().filter(
        action=action, created_at__gte=since - SPAN, created_at__lt=until
    )
    events = events.filter(object_id=object_id) if object_id is not None else events
    labelled = events.annotate(kind=Value(1)).values_list("kind", "object_id", "created_at", "to_state")
    others = AuditEvent.objects.order_by().filter(object_id=object_id, action="note").annotate(kind=Value(2))
    return labelled.union(others.values_list("kind", "object_id", F("created_at"), "to_state"), all=True)


@pytest.fixture
def events():
    kind = ContentType.objects.get_for_model(AuditEvent)
    rows = [
        AuditEvent(
            content_type=kind,
            object_id=oid,
            action=action,
            to_state=state,
            created_at=T0 + dt.timedelta(hours=h),
        )
        for oid, action, state, h in [
            (1, "approve", "confirmed", 0),
            (1, "approve", "confirmed", 5),
            (1, "cancel", "cancelled", 1),
            (2, "approve", "confirmed", 2),
            (2, "approve", "confirmed", 30),
            (1, "note", "", 3),
        ]
    ]
    AuditEvent.objects.bulk_create(rows)


@pytest.mark.parametrize(
    "arguments",
    [
        dict(
            object_id=1, action="approve", since=T0 + dt.timedelta(hours=3), until=T0 + dt.timedelta(hours=9)
        ),
        dict(object_id=2, action="approve", since=T0, until=T0 + dt.timedelta(days=3)),
        dict(
            object_id=1,
            action="cancel",
            since=T0 + dt.timedelta(minutes=30),
            until=T0 + dt.timedelta(hours=1),
        ),
        dict(
            object_id=None,
            action="approve",
            since=T0 + dt.timedelta(hours=7),
            until=T0 + dt.timedelta(days=2),
        ),
    ],
)
def test_the_rows_are_the_querysets_whatever_the_arguments(events, arguments):
    prepared = PreparedRead(events_query)
    for _twice in range(2):  # compiled on the first call, bound on the second
        assert sorted(prepared.rows(**arguments)) == sorted(events_query(**arguments))


def test_one_compiled_read_serves_different_values():
    prepared = PreparedRead(events_query)
    kind = ContentType.objects.get_for_model(AuditEvent)
    AuditEvent.objects.create(content_type=kind, object_id=7, action="approve", created_at=T0)
    assert prepared.rows(object_id=7, action="approve", since=T0, until=T0 + SPAN) == [(1, 7, T0, "")]
    assert prepared.rows(object_id=8, action="approve", since=T0, until=T0 + SPAN) == []
    assert prepared.rows(object_id=7, action="approve", since=T0 + 2 * SPAN, until=T0 + 3 * SPAN) == []


def test_a_value_computed_from_an_argument_is_refused():
    def by_day(*, since):
        return AuditEvent.objects.filter(created_at__date=since.date()).values_list("pk")

    with pytest.raises(ValueError, match="neither a constant nor an argument"):
        PreparedRead(by_day).rows(since=T0)


def test_sql_that_depends_on_the_values_is_refused():
    def by_size(*, object_id):
        events = AuditEvent.objects.filter(object_id=object_id)
        return (events if object_id % 2 else events.filter(action="x")).values_list("pk")

    with pytest.raises(ValueError, match="must not depend"):
        PreparedRead(by_size).rows(object_id=1)


def test_only_plain_values_are_arguments():
    with pytest.raises(TypeError):
        PreparedRead(events_query).rows(object_id=1, action="approve", since=T0, until=[T0])
