"""What a user notices when they ask for instrument time: every rule refuses with a clear message, changes
nothing, and lets through what it should (overnight, multi-day, weekly series for the unit's own people)."""

import datetime as dt
from contextlib import contextmanager

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yiqi.accounts.access import access_for
from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import UserFactory, user_with_role
from yiqi.booking import services
from yiqi.booking.models import Booking, BookingStatus, ServiceSettings
from yiqi.booking.tests.factories import (
    BlackoutFactory,
    BookingFactory,
    QualificationFactory,
    bookable_instrument,
    freeze_now,
    local,
)
from yiqi.core.models import AuditEvent
from yiqi.fees.models import Charge
from yiqi.notifications.models import Notification
from yiqi.registry.models import Instrument, RegistrationStatus

# Monday 2 March 2026, midnight in Shanghai.
NOW = local(2026, 3, 2)


@pytest.fixture
def instrument(world, clock):
    clock(NOW)
    return bookable_instrument(world.published_a)


def book(user, instrument, start, end, **options):
    """As a request does: the instrument read with its settings as they are now."""
    options.setdefault("purpose", "材料表面形貌观察")
    instrument = Instrument.objects.select_related("service_settings").get(pk=instrument.pk)
    return services.request_booking(user=user, instrument=instrument, starts_at=start, ends_at=end, **options)


def counts():
    return (
        Booking.objects.count(),
        AuditEvent.objects.count(),
        Charge.objects.count(),
        Notification.objects.count(),
    )


@contextmanager
def refused(field, fragment):
    """The block raises a ValidationError whose ``field`` message mentions ``fragment``; nothing is written."""
    before = counts()
    with pytest.raises(ValidationError) as caught:
        yield caught
    messages = caught.value.message_dict.get(field, [])
    assert any(fragment in message for message in messages), caught.value.message_dict
    assert counts() == before


def test_an_external_user_books_free_time_and_it_is_confirmed_quoted_and_announced(
    world, instrument, customer
):
    [booking] = book(customer, instrument, local(2026, 3, 3, 9), local(2026, 3, 3, 11), sample_count=3)

    assert booking.status == BookingStatus.CONFIRMED
    assert booking.starts_at == dt.datetime(2026, 3, 3, 1, 0, tzinfo=dt.UTC)
    assert booking.user_organization == world.enterprise and not booking.is_internal
    assert booking.sample_count == 3 and booking.series is None
    assert list(AuditEvent.objects.for_object(booking).values_list("from_state", "to_state")) == [
        ("", "confirmed")
    ]
    assert Charge.objects.get(record=booking.record).status == Charge.Status.QUOTED
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert {"admin_a", "tech_a", "company"} <= told
    assert "officer_a" not in told


def test_with_approval_required_the_booking_waits_for_the_unit(instrument, customer):
    ServiceSettings.objects.filter(instrument=instrument).update(requires_approval=True)
    [booking] = book(customer, instrument, local(2026, 3, 3, 9), local(2026, 3, 3, 11))
    assert booking.status == BookingStatus.REQUESTED
    assert Notification.objects.filter(subject__startswith="预约待审核").exists()


@pytest.mark.parametrize(
    "start, end, field, fragment",
    [
        (local(2026, 3, 1, 9), local(2026, 3, 1, 11), "starts_at", "开始时间已过"),
        (local(2026, 3, 2, 1), local(2026, 3, 2, 3), "starts_at", "至少提前 2 小时"),
        (local(2026, 6, 1, 9), local(2026, 6, 1, 11), "ends_at", "最多可预约 90 天"),
        (local(2026, 3, 3, 11), local(2026, 3, 3, 9), "ends_at", "结束时间必须晚于开始时间"),
        (
            local(2026, 3, 3, 9, 10),
            local(2026, 3, 3, 11),
            "starts_at",
            "每 30 分钟一档选择，如 09:00、09:30、10:00",
        ),
        (local(2026, 3, 3, 9), local(2026, 3, 3, 11, 15), "ends_at", "如 11:00、11:30、12:00"),
        (local(2026, 3, 3, 8), local(2026, 3, 3, 17, 30), "ends_at", "不能超过 8 小时"),
        (local(2026, 3, 3, 17), local(2026, 3, 3, 19), "starts_at", "不在开放时间内"),
        (local(2026, 3, 3, 7), local(2026, 3, 3, 9), "starts_at", "不在开放时间内"),
        (local(2026, 3, 7, 9), local(2026, 3, 7, 11), "starts_at", "不在开放时间内"),  # Saturday
    ],
    ids=[
        "past",
        "inside-lead-time",
        "beyond-horizon",
        "ends-before-start",
        "start-off-grid",
        "end-off-grid",
        "too-long",
        "runs-past-closing",
        "starts-before-opening",
        "weekend-closed",
    ],
)
def test_times_that_break_a_rule_are_refused(instrument, customer, start, end, field, fragment):
    with refused(field, fragment):
        book(customer, instrument, start, end)


def test_too_short_is_refused(instrument, customer):
    ServiceSettings.objects.filter(instrument=instrument).update(slot_minutes=15, min_booking_minutes=60)
    with refused("ends_at", "不能少于 60 分钟"):
        book(customer, instrument, local(2026, 3, 3, 9), local(2026, 3, 3, 9, 45))


def test_overnight_booking_spans_two_joined_open_periods(world, monkeypatch):
    freeze_now(monkeypatch, NOW)
    instrument = bookable_instrument(world.published_a, weekdays=[1], hours=(20 * 60, 1440))
    bookable_instrument(instrument, weekdays=[2], hours=(0, 8 * 60))
    customer = world.users["external_user"]

    [booking] = book(customer, instrument, local(2026, 3, 3, 22), local(2026, 3, 4, 6))
    assert booking.ends_at - booking.starts_at == dt.timedelta(hours=8)
    with refused("starts_at", "不在开放时间内"):  # Wednesday night is closed
        book(customer, instrument, local(2026, 3, 4, 22), local(2026, 3, 5, 2))


def test_multi_day_booking_when_open_round_the_clock(world, monkeypatch):
    freeze_now(monkeypatch, NOW)
    instrument = bookable_instrument(
        world.published_a, weekdays=range(7), hours=(0, 1440), max_booking_minutes=4 * 24 * 60
    )
    [booking] = book(world.users["external_user"], instrument, local(2026, 3, 6, 9), local(2026, 3, 9, 9))
    assert booking.ends_at - booking.starts_at == dt.timedelta(days=3)


class TestHolidays:
    """Statutory holidays close the instrument; weekends are a matter of open hours, make-up days too."""

    @pytest.fixture
    def customer(self, world, monkeypatch):
        freeze_now(monkeypatch, local(2026, 4, 20))
        return world.users["external_user"]

    def test_a_weekday_holiday_is_closed(self, world, customer):
        instrument = bookable_instrument(world.published_a)
        with refused("starts_at", "2026-05-01 是法定节假日"):
            book(customer, instrument, local(2026, 5, 1, 9), local(2026, 5, 1, 11))

    def test_a_holiday_inside_a_multi_day_booking_is_closed(self, world, customer):
        instrument = bookable_instrument(
            world.published_a, weekdays=range(7), hours=(0, 1440), max_booking_minutes=3 * 24 * 60
        )
        with refused("starts_at", "2026-05-01 是法定节假日"):
            book(customer, instrument, local(2026, 4, 30, 9), local(2026, 5, 1, 9, 30))

    def test_open_on_holidays_when_the_manager_says_so(self, world, customer):
        instrument = bookable_instrument(world.published_a, closed_on_holidays=False)
        assert book(customer, instrument, local(2026, 5, 1, 9), local(2026, 5, 1, 11))

    def test_a_make_up_working_saturday_does_not_open_a_weekday_only_instrument(self, world, customer):
        instrument = bookable_instrument(world.published_a)
        with refused("starts_at", "不在开放时间内"):
            book(customer, instrument, local(2026, 5, 9, 9), local(2026, 5, 9, 11))

    def test_weekends_follow_open_hours_and_a_weekend_holiday_is_still_closed(self, world, customer):
        instrument = bookable_instrument(world.published_a, weekdays=range(7))
        assert book(customer, instrument, local(2026, 5, 9, 9), local(2026, 5, 9, 11))  # make-up Saturday
        assert book(customer, instrument, local(2026, 5, 16, 9), local(2026, 5, 16, 11))  # ordinary Saturday
        with refused("starts_at", "2026-05-02 是法定节假日"):
            book(customer, instrument, local(2026, 5, 2, 9), local(2026, 5, 2, 11))


def test_a_blackout_closes_the_time(instrument, customer):
    BlackoutFactory(instrument=instrument, starts_at=local(2026, 3, 3, 10), ends_at=local(2026, 3, 3, 12))
    with refused("starts_at", "2026-03-03 10:00–12:00 仪器停机或保留"):
        book(customer, instrument, local(2026, 3, 3, 9), local(2026, 3, 3, 11))
    assert book(customer, instrument, local(2026, 3, 3, 12), local(2026, 3, 3, 14))


def test_overlapping_a_held_booking_names_the_time_but_never_the_other_user(instrument, customer):
    other = UserFactory(username="rival", full_name="王五")
    BookingFactory(
        instrument=instrument, user=other, starts_at=local(2026, 3, 3, 9), ends_at=local(2026, 3, 3, 11)
    )
    with refused("starts_at", "该时段已被预约（2026-03-03 09:00–11:00）") as caught:
        book(customer, instrument, local(2026, 3, 3, 10), local(2026, 3, 3, 12))
    text = str(caught.value.message_dict)
    assert "rival" not in text and "王五" not in text
    # Back-to-back is fine; a cancelled booking holds nothing.
    assert book(customer, instrument, local(2026, 3, 3, 11), local(2026, 3, 3, 12))
    BookingFactory(
        instrument=instrument,
        user=other,
        status=BookingStatus.CANCELLED,
        starts_at=local(2026, 3, 4, 9),
        ends_at=local(2026, 3, 4, 11),
    )
    assert book(customer, instrument, local(2026, 3, 4, 9), local(2026, 3, 4, 11))


def test_weekly_quota_counts_the_users_held_time_in_the_local_week(instrument, customer):
    ServiceSettings.objects.filter(instrument=instrument).update(weekly_quota_hours=4)
    book(customer, instrument, local(2026, 3, 2, 9), local(2026, 3, 2, 12))
    with refused("ends_at", "这一周您已预约 3 小时，本次 2 小时，每人每周最多 4 小时"):
        book(customer, instrument, local(2026, 3, 6, 9), local(2026, 3, 6, 11))
    assert book(customer, instrument, local(2026, 3, 6, 9), local(2026, 3, 6, 10))
    # Next local week starts Monday 00:00 Shanghai (Sunday 16:00 UTC): a fresh quota.
    assert book(customer, instrument, local(2026, 3, 9, 9), local(2026, 3, 9, 13))
    # Another user's time does not count against this one.
    assert book(UserFactory(), instrument, local(2026, 3, 3, 9), local(2026, 3, 3, 13))


def test_internal_reserve_limits_outside_users_but_not_the_unit(world, instrument, customer):
    # Open 50 hours a week; 80 % kept for the unit leaves 10 hours for everyone else.
    ServiceSettings.objects.filter(instrument=instrument).update(internal_reserved_percent=80)
    book(customer, instrument, local(2026, 3, 2, 9), local(2026, 3, 2, 17))
    with refused("ends_at", "这一周对外还可预约 2 小时"):
        book(UserFactory(), instrument, local(2026, 3, 3, 9), local(2026, 3, 3, 13))
    [own] = book(world.users["technician_a"], instrument, local(2026, 3, 3, 9), local(2026, 3, 3, 17))
    assert own.is_internal and own.user_organization == world.unit_a


class TestQualification:
    @pytest.fixture
    def instrument(self, instrument):
        ServiceSettings.objects.filter(instrument=instrument).update(requires_qualification=True)
        return instrument

    def test_an_unqualified_user_is_refused(self, instrument, customer):
        with refused("instrument", "没有有效的上机资格"):
            book(customer, instrument, local(2026, 3, 3, 9), local(2026, 3, 3, 11))

    def test_unit_staff_need_it_too(self, world, instrument):
        with refused("instrument", "没有有效的上机资格"):
            book(world.users["manager_a"], instrument, local(2026, 3, 3, 9), local(2026, 3, 3, 11))

    def test_a_granted_qualification_lets_the_user_book_until_it_expires(self, world, instrument, customer):
        services.grant_qualification(
            instrument,
            customer,
            trained_on=dt.date(2026, 2, 1),
            expires_on=dt.date(2026, 3, 10),
            actor=world.users["unit_admin_a"],
        )
        assert book(customer, instrument, local(2026, 3, 10, 9), local(2026, 3, 10, 11))
        with refused("instrument", "2026-03-11 没有有效的上机资格"):
            book(customer, instrument, local(2026, 3, 11, 9), local(2026, 3, 11, 11))

    def test_a_revoked_qualification_no_longer_counts(self, world, instrument, customer):
        qualification = QualificationFactory(instrument=instrument, user=customer)
        services.revoke_qualification(qualification, actor=world.users["unit_admin_a"])
        with refused("instrument", "没有有效的上机资格"):
            book(customer, instrument, local(2026, 3, 3, 9), local(2026, 3, 3, 11))
        assert not services.is_qualified(customer, instrument, dt.date(2026, 3, 3))


@pytest.mark.parametrize(
    "change, fragment",
    [
        ({"registration_status": RegistrationStatus.DRAFT}, "不提供自主上机预约"),
        ({"offers_self_operation": False}, "不提供自主上机预约"),
        ({"operating_status": "repairing"}, "不提供自主上机预约"),
        ({"sharing_mode": Instrument.SharingMode.INTERNAL}, "仅供本单位内部使用"),
    ],
)
def test_an_instrument_that_is_not_open_for_self_operation_cannot_be_booked(
    instrument, customer, change, fragment
):
    Instrument.objects.filter(pk=instrument.pk).update(**change)
    instrument.refresh_from_db()
    assert not services.bookable(access_for(customer), instrument)
    with refused("instrument", fragment):
        book(customer, instrument, local(2026, 3, 3, 9), local(2026, 3, 3, 11))


def test_an_internal_only_instrument_is_bookable_by_the_units_staff(world, instrument):
    Instrument.objects.filter(pk=instrument.pk).update(sharing_mode=Instrument.SharingMode.INTERNAL)
    instrument.refresh_from_db()
    technician = world.users["technician_a"]
    assert services.bookable(access_for(technician), instrument)
    assert book(technician, instrument, local(2026, 3, 3, 9), local(2026, 3, 3, 11))
    # A student registered with the unit (no staff role) is the unit's own user too, as pricing treats them.
    student = user_with_role(Role.EXTERNAL_USER, organization=world.unit_a)
    assert services.bookable(access_for(student), instrument)
    assert not services.bookable(access_for(world.users["external_user"]), instrument)


def test_paused_bookings_are_refused(instrument, customer):
    ServiceSettings.objects.filter(instrument=instrument).update(bookings_open=False)
    with refused("instrument", "暂停接受在线预约"):
        book(customer, instrument, local(2026, 3, 3, 9), local(2026, 3, 3, 11))


def test_anonymous_users_must_log_in(instrument):
    with pytest.raises(PermissionDenied):
        book(None, instrument, local(2026, 3, 3, 9), local(2026, 3, 3, 11))


def test_bad_details_are_all_reported(instrument, customer):
    with refused("sample_count", "样品数不能为负数") as caught:
        book(customer, instrument, local(2026, 3, 3, 9), local(2026, 3, 3, 11), sample_count=-1, purpose="  ")
    assert "请填写用途或实验内容。" in caught.value.message_dict["purpose"]


def test_user_organisation_must_be_the_users_own(world, instrument, customer):
    with refused("user_organization", "请选择您所属的单位"):
        book(
            customer, instrument, local(2026, 3, 3, 9), local(2026, 3, 3, 11), user_organization=world.unit_b
        )
    # Without any organisation the booking is simply external.
    [booking] = book(UserFactory(), instrument, local(2026, 3, 3, 9), local(2026, 3, 3, 11))
    assert booking.user_organization is None and not booking.is_internal


def test_staff_of_two_organisations_choose_which_one_they_book_for(world, instrument):
    person = user_with_role(Role.TECHNICIAN, organization=world.unit_a)
    person.role_assignments.create(role=Role.EXTERNAL_USER, organization=world.enterprise)
    [booking] = book(
        person, instrument, local(2026, 3, 3, 9), local(2026, 3, 3, 11), user_organization=world.enterprise.pk
    )
    assert booking.user_organization == world.enterprise and not booking.is_internal


class TestWeeklySeries:
    def test_an_internal_user_books_the_same_time_for_several_weeks(self, world, instrument):
        bookings = book(
            world.users["technician_a"],
            instrument,
            local(2026, 3, 3, 9),
            local(2026, 3, 3, 11),
            repeat_weeks=3,
        )
        assert [b.starts_at for b in bookings] == [local(2026, 3, 3 + 7 * n, 9) for n in range(4)]
        assert len({b.series for b in bookings}) == 1 and bookings[0].series is not None
        assert all(b.is_internal for b in bookings)
        assert Charge.objects.filter(record__booking__in=bookings).count() == 4

    def test_outside_users_cannot_repeat(self, instrument, customer):
        with refused("repeat_weeks", "只有本单位用户可以按周重复预约"):
            book(customer, instrument, local(2026, 3, 3, 9), local(2026, 3, 3, 11), repeat_weeks=2)

    def test_one_clash_refuses_the_whole_series(self, world, instrument):
        BookingFactory(
            instrument=instrument, starts_at=local(2026, 3, 17, 10), ends_at=local(2026, 3, 17, 12)
        )
        with refused("starts_at", "第 3 次（2026-03-17）：该时段已被预约"):
            book(
                world.users["technician_a"],
                instrument,
                local(2026, 3, 3, 9),
                local(2026, 3, 3, 11),
                repeat_weeks=4,
            )

    def test_a_series_reaching_beyond_the_horizon_is_refused(self, world, instrument):
        with refused("ends_at", "第 14 次（2026-06-02）：最多可预约 90 天"):
            book(
                world.users["technician_a"],
                instrument,
                local(2026, 3, 3, 9),
                local(2026, 3, 3, 11),
                repeat_weeks=13,
            )

    def test_at_most_26_weeks(self, world, instrument):
        with refused("repeat_weeks", "0 到 26"):
            book(
                world.users["technician_a"],
                instrument,
                local(2026, 3, 3, 9),
                local(2026, 3, 3, 11),
                repeat_weeks=27,
            )

    def test_the_quota_applies_to_every_week_of_the_series(self, world, instrument):
        technician = world.users["technician_a"]
        ServiceSettings.objects.filter(instrument=instrument).update(weekly_quota_hours=3)
        book(technician, instrument, local(2026, 3, 13, 9), local(2026, 3, 13, 11))
        with refused("ends_at", "第 2 次（2026-03-10）：超出每周预约上限"):
            book(technician, instrument, local(2026, 3, 3, 9), local(2026, 3, 3, 11), repeat_weeks=2)
