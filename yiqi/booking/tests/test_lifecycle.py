"""A booking's life as users and the unit's staff see it: approval, cancellation, check-in, completion with a
bill, a usage record and a rating request (from the layers above, through the service record), no-shows, reminders, and who may do each step."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yiqi.accounts.access import access_for
from yiqi.accounts.tests.factories import UserFactory
from yiqi.booking import services, tasks
from yiqi.booking.models import Blackout, Booking, BookingStatus, OpenHours, ServiceSettings
from yiqi.booking.tests.factories import BookingFactory, bookable_instrument, local
from yiqi.core.models import AuditEvent
from yiqi.fees.models import Charge
from yiqi.fees.tests.factories import FeeItemFactory
from yiqi.notifications.models import Notification
from yiqi.usage.models import UsageRecord

NOW = local(2026, 3, 2)


@pytest.fixture
def instrument(world, clock):
    clock(NOW)
    instrument = bookable_instrument(world.published_a, requires_approval=True, cancellation_cutoff_hours=24)
    FeeItemFactory(instrument=instrument)  # 100 / 200 / 300 yuan an hour
    return instrument


@pytest.fixture
def booking(world, instrument):
    [booking] = services.request_booking(
        user=world.users["external_user"],
        instrument=instrument,
        starts_at=local(2026, 3, 4, 9),
        ends_at=local(2026, 3, 4, 11),
        purpose="XRD 物相分析",
        sample_count=2,
    )
    return booking


def statuses(booking):
    return list(AuditEvent.objects.for_object(booking).values_list("from_state", "to_state"))


def inbox(user):
    return list(Notification.objects.filter(recipient=user).values_list("subject", flat=True))


def test_staff_approve_and_the_user_is_told(world, booking):
    approved = services.approve(booking, actor=world.users["technician_a"], comment="请按时到场")
    assert approved.status == BookingStatus.CONFIRMED
    assert approved.decided_by == world.users["technician_a"] and approved.decided_at is not None
    assert statuses(approved) == [("", "requested"), ("requested", "confirmed")]
    assert any(s.startswith("预约已通过审核") for s in inbox(world.users["external_user"]))


@pytest.mark.parametrize("who", ["external_user", "unit_admin_b", "officer_a", "department_admin_a"])
def test_only_the_instruments_service_staff_decide(world, booking, who):
    with pytest.raises(PermissionDenied):
        services.approve(booking, actor=world.users[who])
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REQUESTED


def test_rejection_needs_a_reason_frees_the_time_and_voids_the_quote(world, booking):
    technician = world.users["technician_a"]
    with pytest.raises(ValidationError) as caught:
        services.reject(booking, actor=technician, comment=" ")
    assert caught.value.message_dict == {"comment": ["请填写不通过的理由。"]}
    rejected = services.reject(booking, actor=technician, comment="样品不符合要求")
    assert rejected.status == BookingStatus.REJECTED
    assert Charge.objects.get(record=booking.record).status == Charge.Status.VOID
    assert services.request_booking(
        user=UserFactory(),
        instrument=booking.instrument,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        purpose="另一位用户",
    )
    with pytest.raises(ValidationError, match="预约当前状态为“未通过”，不能审核通过"):
        services.approve(rejected, actor=technician)


def test_the_user_cancels_before_the_cutoff_and_the_time_is_free_again(world, booking):
    cancelled = services.cancel(booking, actor=world.users["external_user"], reason="实验计划调整")
    assert cancelled.status == BookingStatus.CANCELLED
    assert statuses(cancelled)[-1] == ("requested", "cancelled")
    assert AuditEvent.objects.for_object(cancelled).last().comment == "实验计划调整"
    assert Charge.objects.get(record=booking.record).status == Charge.Status.VOID
    assert any(s.startswith("预约已由用户取消") for s in inbox(world.users["technician_a"]))
    with pytest.raises(ValidationError) as caught:
        services.cancel(cancelled, actor=world.users["external_user"])
    assert caught.value.message_dict == {"status": ["该预约已经取消，无需重复取消。"]}
    assert AuditEvent.objects.for_object(cancelled).count() == 2


def test_inside_the_cutoff_only_staff_may_cancel(world, booking, clock):
    clock(local(2026, 3, 3, 12))  # 21 hours before; the cutoff is 24
    with pytest.raises(ValidationError, match="开始前 24 小时内不能自行取消"):
        services.cancel(booking, actor=world.users["external_user"])
    assert "cancel" not in services.available_actions(booking, access_for(world.users["external_user"]))
    cancelled = services.cancel(booking, actor=world.users["unit_admin_a"])
    assert cancelled.status == BookingStatus.CANCELLED
    assert any(s.startswith("您的预约已被取消") for s in inbox(world.users["external_user"]))


def test_nobody_else_cancels_a_users_booking(world, booking):
    with pytest.raises(PermissionDenied):
        services.cancel(booking, actor=UserFactory())
    with pytest.raises(PermissionDenied):
        services.cancel(booking, actor=world.users["unit_admin_b"])


def test_from_booking_to_completion_the_user_is_billed_recorded_and_asked_to_rate(world, booking, clock):
    technician = world.users["technician_a"]
    services.approve(booking, actor=technician)
    clock(local(2026, 3, 4, 9, 5))
    checked_in = services.check_in(booking, actor=technician)
    assert checked_in.status == BookingStatus.CHECKED_IN
    assert checked_in.actual_start == local(2026, 3, 4, 9, 5)
    clock(local(2026, 3, 4, 10, 35))
    done = services.complete(booking, actor=technician)

    assert done.status == BookingStatus.COMPLETED
    assert (done.actual_start, done.actual_end) == (local(2026, 3, 4, 9, 5), local(2026, 3, 4, 10, 35))
    charge = Charge.objects.get(record=booking.record)
    # An enterprise pays the external rate for the 1.5 hours actually used.
    assert charge.status == Charge.Status.BILLED and charge.total == Decimal("450.00")
    record = UsageRecord.objects.get(record=booking.record)
    assert record.machine_hours == Decimal("1.50") and record.is_external and record.fee == Decimal("450.00")
    assert record.sample_count == 2 and record.user_organization == world.enterprise
    # The layers above ask the user to rate the service (feedback, on the record's completion).
    assert Notification.objects.filter(
        recipient=world.users["external_user"], subject__startswith="上机已完成"
    ).exists()
    assert [to for _from, to in statuses(done)] == ["requested", "confirmed", "checked_in", "completed"]


def test_completion_with_entered_times_for_an_overrun(world, booking, clock):
    services.approve(booking, actor=world.users["technician_a"])
    clock(local(2026, 3, 4, 14))
    done = services.complete(
        booking,
        actor=world.users["unit_admin_a"],
        actual_start=local(2026, 3, 4, 9),
        actual_end=local(2026, 3, 4, 12),
    )
    assert Charge.objects.get(record=done.record).total == Decimal("900.00")
    assert UsageRecord.objects.get(record=done.record).machine_hours == Decimal("3.00")


def test_completion_is_refused_before_the_use_began_or_with_impossible_times(world, booking, clock):
    technician = world.users["technician_a"]
    services.approve(booking, actor=technician)
    with pytest.raises(ValidationError, match="上机尚未开始"):
        services.complete(booking, actor=technician)
    clock(local(2026, 3, 4, 12))
    with pytest.raises(ValidationError, match="实际结束时间必须晚于实际开始时间"):
        services.complete(
            booking, actor=technician, actual_start=local(2026, 3, 4, 10), actual_end=local(2026, 3, 4, 9)
        )
    assert not UsageRecord.objects.exists()
    assert Charge.objects.get(record=booking.record).status == Charge.Status.QUOTED


def test_a_no_show_frees_nothing_owed(world, booking, clock):
    technician = world.users["technician_a"]
    booking = services.approve(booking, actor=technician)
    with pytest.raises(ValidationError, match="预约尚未开始"):
        services.mark_no_show(booking, actor=technician)
    clock(local(2026, 3, 4, 9, 30))
    assert "no_show" in services.available_actions(booking, access_for(technician))
    missed = services.mark_no_show(booking, actor=technician)
    assert missed.status == BookingStatus.NO_SHOW
    assert Charge.objects.get(record=booking.record).status == Charge.Status.VOID
    with pytest.raises(ValidationError):
        services.check_in(missed, actor=technician)


def test_available_actions_follow_role_and_state(world, booking, clock):
    def actions(who):
        return services.available_actions(booking, access_for(world.users[who]))

    assert actions("external_user") == ["cancel"]
    assert actions("technician_a") == ["approve", "reject", "cancel"]
    assert actions("unit_admin_b") == []
    services.approve(booking, actor=world.users["technician_a"])
    booking.refresh_from_db()
    assert actions("technician_a") == ["cancel", "check_in"]
    clock(local(2026, 3, 4, 9, 30))
    assert actions("technician_a") == ["cancel", "check_in", "complete", "no_show"]
    assert actions("external_user") == []


def test_visible_bookings_by_role(world, booking):
    elsewhere = BookingFactory(instrument=bookable_instrument())

    def visible(who):
        return set(services.visible_bookings(access_for(world.users[who])).values_list("pk", flat=True))

    assert visible("external_user") == {booking.pk}
    assert visible("technician_a") == visible("officer_a") == {booking.pk}
    assert visible("unit_admin_b") == visible("department_admin_a") == visible("expert") == set()
    assert visible("platform_admin") == {booking.pk, elsewhere.pk}
    assert not services.visible_bookings(access_for(None)).exists()


def test_reminder_is_sent_once_about_a_day_before(world, instrument, booking, clock):
    services.approve(booking, actor=world.users["technician_a"])
    later = BookingFactory(
        instrument=instrument, starts_at=local(2026, 3, 6, 9), ends_at=local(2026, 3, 6, 10)
    )
    pending = BookingFactory(
        instrument=instrument,
        status=BookingStatus.REQUESTED,
        starts_at=local(2026, 3, 4, 14),
        ends_at=local(2026, 3, 4, 15),
    )
    clock(local(2026, 3, 3, 10))
    assert services.send_reminders() == 1
    tasks.send_booking_reminders.call_local()  # the periodic task runs the same, and sends nothing twice
    assert services.send_reminders() == 0
    reminders = Notification.objects.filter(subject__startswith="上机提醒")
    assert list(reminders.values_list("recipient__username", flat=True)) == ["company"]
    booking.refresh_from_db()
    assert booking.reminder_sent_at == local(2026, 3, 3, 10)
    later.refresh_from_db()
    pending.refresh_from_db()
    assert later.reminder_sent_at is None and pending.reminder_sent_at is None


class TestServiceSettings:
    def test_the_manager_sets_rules_open_hours_and_blackouts(self, world, instrument):
        admin = world.users["unit_admin_a"]
        conf = services.save_service_settings(instrument, actor=admin, slot_minutes=60, weekly_quota_hours=10)
        assert (conf.slot_minutes, conf.weekly_quota_hours) == (60, 10)
        services.set_open_hours(instrument, [(0, 540, 720), (0, 780, 1020), (5, 0, 1440)], actor=admin)
        assert OpenHours.objects.filter(instrument=instrument).count() == 3
        blackout = services.add_blackout(
            instrument,
            starts_at=local(2026, 3, 9, 9),
            ends_at=local(2026, 3, 9, 12),
            kind=Blackout.Kind.MAINTENANCE,
            reason="年度保养",
            actor=admin,
        )
        assert blackout.created_by == admin
        services.remove_blackout(blackout, actor=admin)
        assert not Blackout.objects.exists()

    def test_bad_settings_are_refused(self, world, instrument):
        admin = world.users["unit_admin_a"]
        with pytest.raises(ValidationError, match="最长预约时长不能小于最短预约时长"):
            services.save_service_settings(instrument, actor=admin, min_booking_minutes=600)
        with pytest.raises(ValidationError, match="未知的设置项"):
            services.save_service_settings(instrument, actor=admin, colour="red")
        with pytest.raises(ValidationError, match="同一天的开放时段不能重叠"):
            services.set_open_hours(instrument, [(0, 540, 720), (0, 700, 800)], actor=admin)
        with pytest.raises(ValidationError, match="开放时段无效"):
            services.set_open_hours(instrument, [(7, 540, 720)], actor=admin)
        assert ServiceSettings.objects.get(pk=instrument.pk).min_booking_minutes == 30
        assert OpenHours.objects.filter(instrument=instrument).count() == 5

    def test_a_blackout_over_a_booking_is_refused(self, world, booking):
        with pytest.raises(ValidationError, match="该时段已有预约（2026-03-04 09:00–11:00）"):
            services.add_blackout(
                booking.instrument,
                starts_at=local(2026, 3, 4, 8),
                ends_at=local(2026, 3, 4, 10),
                kind=Blackout.Kind.MAINTENANCE,
                reason="",
                actor=world.users["unit_admin_a"],
            )

    @pytest.mark.parametrize("who", ["technician_a", "external_user", "unit_admin_b", "officer_a"])
    def test_only_the_manager_and_unit_admins_set_them(self, world, instrument, who):
        actor = world.users[who]
        with pytest.raises(PermissionDenied):
            services.save_service_settings(instrument, actor=actor, slot_minutes=60)
        with pytest.raises(PermissionDenied):
            services.grant_qualification(
                instrument,
                world.users["external_user"],
                trained_on=dt.date(2026, 3, 1),
                expires_on=dt.date(2027, 3, 1),
                actor=actor,
            )

    def test_the_instrument_manager_grants_qualifications(self, world, instrument):
        instrument.manager = world.users["manager_a"]
        instrument.save()
        qualification = services.grant_qualification(
            instrument,
            world.users["external_user"],
            trained_on=dt.date(2026, 3, 1),
            expires_on=dt.date(2027, 3, 1),
            training_record="2026-03-01 安全培训",
            actor=world.users["manager_a"],
        )
        assert qualification.granted_by == world.users["manager_a"]
        assert any(s.startswith("您已获得上机资格") for s in inbox(world.users["external_user"]))
        with pytest.raises(ValidationError, match="有效期不能早于培训日期"):
            services.grant_qualification(
                instrument,
                world.users["external_user"],
                trained_on=dt.date(2026, 3, 1),
                expires_on=dt.date(2026, 2, 1),
                actor=world.users["manager_a"],
            )


def test_an_instrument_without_settings_gets_the_defaults(world):
    conf = services.settings_for(world.draft_a)
    assert conf.requires_approval and conf.requires_qualification and conf.closed_on_holidays
    assert Booking.objects.count() == 0
