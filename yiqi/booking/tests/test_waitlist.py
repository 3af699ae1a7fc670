"""Waiting for taken time: a freed slot is offered to the next user, who books it, lets it go, or lets the offer
run out so it passes on."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yiqi.accounts.tests.factories import UserFactory
from yiqi.booking import services, tasks
from yiqi.booking.models import Booking, BookingStatus, ServiceSettings, WaitlistEntry
from yiqi.booking.tests.factories import (
    BookingFactory,
    WaitlistEntryFactory,
    bookable_instrument,
    local,
)
from yiqi.core.models import AuditEvent
from yiqi.notifications.models import Notification
from yiqi.organizations.models import Deployment

W = WaitlistEntry.Status
NOW = local(2026, 3, 2, 8)


@pytest.fixture
def instrument(world, clock):
    clock(NOW)
    return bookable_instrument(world.published_a)


@pytest.fixture
def holder(world, instrument):
    """Someone holding Wednesday 09:00–12:00."""
    [booking] = services.request_booking(
        user=world.users["external_user"],
        instrument=instrument,
        starts_at=local(2026, 3, 4, 9),
        ends_at=local(2026, 3, 4, 12),
        purpose="拉曼光谱",
    )
    return booking


def wait(user, instrument, start, end, purpose="候补测试"):
    return services.join_waitlist(
        user=user, instrument=instrument, starts_at=start, ends_at=end, purpose=purpose
    )


def refreshed(*entries):
    for entry in entries:
        entry.refresh_from_db()
    return entries


def test_joining_is_only_for_taken_time_and_only_once(instrument, holder):
    user = UserFactory()
    with pytest.raises(ValidationError, match="该时段目前无人预约，请直接预约"):
        wait(user, instrument, local(2026, 3, 5, 9), local(2026, 3, 5, 10))
    entry = wait(user, instrument, local(2026, 3, 4, 10), local(2026, 3, 4, 11))
    assert entry.status == W.WAITING
    with pytest.raises(ValidationError, match="您已在候补这一时段"):
        wait(user, instrument, local(2026, 3, 4, 10, 30), local(2026, 3, 4, 11, 30))
    with pytest.raises(ValidationError, match="结束时间必须晚于开始时间"):
        wait(user, instrument, local(2026, 3, 4, 11), local(2026, 3, 4, 10))
    assert WaitlistEntry.objects.count() == 1


def test_a_cancellation_offers_the_time_to_the_first_user_whose_window_is_free(world, instrument, holder):
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    BookingFactory(instrument=instrument, starts_at=local(2026, 3, 4, 12), ends_at=local(2026, 3, 4, 14))
    blocked = wait(first, instrument, local(2026, 3, 4, 11), local(2026, 3, 4, 13))  # still half taken after
    earliest = wait(second, instrument, local(2026, 3, 4, 9), local(2026, 3, 4, 11))
    overlapping = wait(third, instrument, local(2026, 3, 4, 10), local(2026, 3, 4, 12))

    services.cancel(holder, actor=world.users["external_user"])

    blocked, earliest, overlapping = refreshed(blocked, earliest, overlapping)
    assert (blocked.status, earliest.status, overlapping.status) == (W.WAITING, W.OFFERED, W.WAITING)
    assert earliest.offered_at == NOW and earliest.offer_expires_at == local(2026, 3, 2, 10)
    note = Notification.objects.get(recipient=second, subject__startswith="候补时段已空出")
    assert "2026-03-02 10:00" in note.body


def test_how_long_an_offer_is_held_is_the_deployments_policy(world, instrument, holder):
    Deployment.objects.update_or_create(pk=1, defaults={"waitlist_offer_hours": 5})
    entry = wait(UserFactory(), instrument, local(2026, 3, 4, 9), local(2026, 3, 4, 11))
    services.cancel(holder, actor=world.users["external_user"])
    entry.refresh_from_db()
    assert entry.status == W.OFFERED and entry.offer_expires_at == NOW + dt.timedelta(hours=5)


def test_the_offer_runs_until_the_window_starts_when_that_is_sooner(world, instrument, clock):
    clock(local(2026, 3, 4, 8))
    booking = BookingFactory(
        instrument=instrument, user=world.users["external_user"], starts_at=local(2026, 3, 4, 9)
    )
    entry = WaitlistEntryFactory(
        instrument=instrument, starts_at=local(2026, 3, 4, 9), ends_at=local(2026, 3, 4, 10)
    )
    ServiceSettings.objects.filter(instrument=instrument).update(lead_time_hours=0)
    services.cancel(booking, actor=world.users["technician_a"])
    (entry,) = refreshed(entry)
    assert entry.status == W.OFFERED and entry.offer_expires_at == local(2026, 3, 4, 9)


def test_accepting_books_the_time_through_the_rules(world, instrument, holder):
    user = UserFactory()
    entry = wait(user, instrument, local(2026, 3, 4, 9), local(2026, 3, 4, 11), purpose="补测样品")
    services.cancel(holder, actor=world.users["external_user"])
    with pytest.raises(PermissionDenied):
        services.accept_offer(entry, user=UserFactory())
    booking = services.accept_offer(entry, user=user)
    assert booking.user == user and booking.status == BookingStatus.CONFIRMED
    assert (booking.starts_at, booking.ends_at, booking.purpose) == (
        local(2026, 3, 4, 9),
        local(2026, 3, 4, 11),
        "补测样品",
    )
    (entry,) = refreshed(entry)
    assert entry.status == W.ACCEPTED
    trail = AuditEvent.objects.for_object(entry).values_list("action", "from_state", "to_state", "actor")
    assert list(trail) == [
        ("create", "", W.WAITING, user.pk),
        ("offer", W.WAITING, W.OFFERED, None),
        ("accept", W.OFFERED, W.ACCEPTED, user.pk),
    ]
    with pytest.raises(ValidationError, match="没有待确认的空出时段"):
        services.accept_offer(entry, user=user)


def test_an_offer_that_breaks_a_rule_stays_open_and_books_nothing(world, instrument, holder):
    user = UserFactory()
    entry = wait(user, instrument, local(2026, 3, 4, 9), local(2026, 3, 4, 11))
    services.cancel(holder, actor=world.users["external_user"])
    ServiceSettings.objects.filter(instrument=instrument).update(requires_qualification=True)
    with pytest.raises(ValidationError, match="没有有效的上机资格"):
        services.accept_offer(entry, user=user)
    (entry,) = refreshed(entry)
    assert entry.status == W.OFFERED
    assert not Booking.objects.filter(user=user).exists()


def test_an_expired_offer_passes_to_the_next_user(world, instrument, holder, clock):
    first, second = UserFactory(), UserFactory()
    a = wait(first, instrument, local(2026, 3, 4, 9), local(2026, 3, 4, 11))
    b = wait(second, instrument, local(2026, 3, 4, 9, 30), local(2026, 3, 4, 10, 30))
    services.cancel(holder, actor=world.users["external_user"])
    assert [e.status for e in refreshed(a, b)] == [W.OFFERED, W.WAITING]

    clock(local(2026, 3, 2, 10, 10))
    with pytest.raises(ValidationError, match="确认期限已过"):
        services.accept_offer(a, user=first)
    tasks.pass_on_expired_waitlist_offers.call_local()
    assert [e.status for e in refreshed(a, b)] == [W.EXPIRED, W.OFFERED]
    assert b.offer_expires_at == local(2026, 3, 2, 12, 10)
    assert Notification.objects.filter(recipient=second, subject__startswith="候补时段已空出").exists()


def test_declining_passes_the_offer_on_and_waiting_entries_lapse_when_their_time_comes(
    world, instrument, holder, clock
):
    first, second = UserFactory(), UserFactory()
    a = wait(first, instrument, local(2026, 3, 4, 9), local(2026, 3, 4, 11))
    b = wait(second, instrument, local(2026, 3, 4, 9), local(2026, 3, 4, 10))
    services.cancel(holder, actor=world.users["external_user"])
    services.decline_offer(a, user=first)
    assert [e.status for e in refreshed(a, b)] == [W.CANCELLED, W.OFFERED]
    with pytest.raises(ValidationError, match="无需取消"):
        services.decline_offer(a, user=first)

    late = WaitlistEntryFactory(
        instrument=instrument, starts_at=local(2026, 3, 5, 9), ends_at=local(2026, 3, 5, 10)
    )
    clock(local(2026, 3, 5, 9))
    services.expire_offers()
    assert [e.status for e in refreshed(b, late)] == [W.EXPIRED, W.EXPIRED]


# --- an offer holds its window until it expires ---------------------------------------------------------------------


@pytest.fixture
def offered(world, instrument, holder):
    """Wednesday 09:00–11:00 freed by the holder and offered to a waiting user until Monday 10:00."""
    user = UserFactory()
    entry = wait(user, instrument, local(2026, 3, 4, 9), local(2026, 3, 4, 11))
    services.cancel(holder, actor=world.users["external_user"])
    (entry,) = refreshed(entry)
    assert entry.status == W.OFFERED and entry.offer_expires_at == local(2026, 3, 2, 10)
    return entry


def book_as(user, instrument, start, end):
    return services.request_booking(
        user=user, instrument=instrument, starts_at=start, ends_at=end, purpose="抢占测试"
    )


def test_while_an_offer_is_live_nobody_else_may_book_its_window_and_the_offered_user_can(instrument, offered):
    someone = UserFactory()
    with pytest.raises(ValidationError, match="留给候补用户确认") as refused:
        book_as(someone, instrument, local(2026, 3, 4, 10), local(2026, 3, 4, 12))
    assert "starts_at" in refused.value.message_dict
    assert "2026-03-02 10:00" in refused.value.message_dict["starts_at"][0]
    # Time next to the window stays bookable.
    book_as(someone, instrument, local(2026, 3, 4, 11), local(2026, 3, 4, 12))

    booking = services.accept_offer(offered, user=offered.user)
    assert (booking.user, booking.starts_at, booking.ends_at) == (
        offered.user,
        local(2026, 3, 4, 9),
        local(2026, 3, 4, 11),
    )


def test_the_window_is_free_again_once_the_offer_has_expired(instrument, offered, clock):
    clock(local(2026, 3, 2, 10))
    [booking] = book_as(UserFactory(), instrument, local(2026, 3, 4, 9), local(2026, 3, 4, 11))
    assert booking.status == BookingStatus.CONFIRMED
    with pytest.raises(ValidationError, match="确认期限已过"):
        services.accept_offer(offered, user=offered.user)


def test_the_window_is_free_again_once_the_offer_is_declined(instrument, offered):
    services.decline_offer(offered, user=offered.user)
    [booking] = book_as(UserFactory(), instrument, local(2026, 3, 4, 9), local(2026, 3, 4, 11))
    assert booking.status == BookingStatus.CONFIRMED


def test_a_user_refused_because_of_an_offer_may_wait_for_it(instrument, offered):
    entry = wait(UserFactory(), instrument, local(2026, 3, 4, 9), local(2026, 3, 4, 10))
    assert entry.status == W.WAITING
