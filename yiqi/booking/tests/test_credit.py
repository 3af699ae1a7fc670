"""No-shows and user credit: unattended bookings become no-shows by themselves, no-shows and late cancellations are
counted per user and per organisation, and a user who reaches the threshold cannot book for a while, may appeal to
the unit, and may be let back in by the platform authority."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yiqi.booking import services, tasks
from yiqi.booking.models import Booking, BookingStatus, BookingSuspension, CreditEvent, SuspensionStatus
from yiqi.booking.services import credit
from yiqi.booking.tests.factories import BookingFactory, bookable_instrument, freeze_now, local
from yiqi.core.models import AuditEvent
from yiqi.notifications.models import Notification
from yiqi.organizations.models import Deployment
from yiqi.servicerecords.models import ServiceStatus

# Monday 2 March 2026, 09:00 in Shanghai.
NOW = local(2026, 3, 2, 9)


@pytest.fixture
def instrument(world, clock):
    clock(NOW)
    return bookable_instrument(
        world.published_a, weekdays=range(7), hours=(0, 1440), cancellation_cutoff_hours=2
    )


@pytest.fixture
def policy(db):
    """Three marks in 90 days suspend for 30 days; no-shows after 30 minutes; late cancellations within 24 hours."""
    deployment, _created = Deployment.objects.update_or_create(pk=1, defaults={"credit_threshold": 3})
    return deployment


def confirmed(instrument, user, start, hours=1, **fields):
    return BookingFactory(
        instrument=instrument,
        user=user,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=hours),
        **fields,
    )


def mark_no_shows(instrument, user, count, world):
    """``count`` no-shows of ``user`` in the last days, through the job."""
    for n in range(count):
        confirmed(instrument, user, NOW - dt.timedelta(days=n + 1), user_organization=world.enterprise)
    return services.mark_missed_bookings()


# --- the no-show job ---------------------------------------------------------------------------------------------


def test_a_booking_nobody_checked_in_to_becomes_a_no_show_after_the_grace(
    world, instrument, customer, policy
):
    # Quarter-hour bookings, so they do not overlap (PostgreSQL refuses overlapping bookings of one instrument).
    late = confirmed(
        instrument, customer, NOW - dt.timedelta(minutes=31), hours=0.25, user_organization=world.enterprise
    )
    within_grace = confirmed(instrument, customer, NOW - dt.timedelta(minutes=15), hours=0.25)
    arrived = confirmed(
        instrument, customer, NOW - dt.timedelta(hours=3), hours=1, status=BookingStatus.CHECKED_IN
    )
    assert tasks.mark_missed_bookings.call_local() == 1
    late.refresh_from_db()
    assert late.status == BookingStatus.NO_SHOW and late.record.status == ServiceStatus.CLOSED
    event = AuditEvent.objects.for_object(late).get(action="no_show")
    assert event.actor is None and "30 分钟内未签到" in event.comment
    assert Notification.objects.filter(recipient=customer, subject__startswith="您未按预约上机").exists()
    mark = CreditEvent.objects.get(booking=late)
    assert (mark.kind, mark.user, mark.user_organization, mark.unit) == (
        "no_show",
        customer,
        world.enterprise,
        instrument.unit,
    )
    for booking in (within_grace, arrived):
        booking.refresh_from_db()
    assert within_grace.status == BookingStatus.CONFIRMED and arrived.status == BookingStatus.CHECKED_IN
    assert services.mark_missed_bookings() == 0  # nothing marked twice


def test_staff_marking_a_no_show_counts_too(world, instrument, customer, policy):
    booking = confirmed(instrument, customer, NOW - dt.timedelta(minutes=10))
    services.mark_no_show(booking, actor=world.users["unit_admin_a"])
    assert CreditEvent.objects.get(booking=booking).kind == "no_show"


# --- late cancellations ----------------------------------------------------------------------------------------


def test_only_the_users_own_cancellation_shortly_before_the_start_counts(world, instrument, customer, policy):
    late = confirmed(instrument, customer, NOW + dt.timedelta(hours=10))
    early = confirmed(instrument, customer, NOW + dt.timedelta(days=3))
    by_staff = confirmed(instrument, customer, NOW + dt.timedelta(hours=5))
    services.cancel(late, actor=customer)
    services.cancel(early, actor=customer)
    services.cancel(by_staff, actor=world.users["unit_admin_a"], reason="设备故障")
    assert list(CreditEvent.objects.values_list("booking", "kind")) == [(late.pk, "late_cancellation")]


def test_a_deployment_may_count_no_late_cancellations(world, instrument, customer, policy):
    policy.late_cancellation_hours = 0
    policy.save()
    services.cancel(confirmed(instrument, customer, NOW + dt.timedelta(hours=3)), actor=customer)
    assert not CreditEvent.objects.exists()


# --- suspension -----------------------------------------------------------------------------------------------


def test_reaching_the_threshold_suspends_booking_with_a_notice_and_a_reason(
    world, instrument, customer, policy
):
    assert mark_no_shows(instrument, customer, 2, world) == 2
    assert not BookingSuspension.objects.exists()
    services.cancel(confirmed(instrument, customer, NOW + dt.timedelta(hours=5)), actor=customer)
    suspension = BookingSuspension.objects.get()
    assert suspension.status == SuspensionStatus.ACTIVE
    assert suspension.ends_at == NOW + dt.timedelta(days=30)
    assert suspension.reason == "90 天内爽约 2 次、临时取消 1 次"
    assert set(suspension.events.values_list("kind", flat=True)) == {"no_show", "late_cancellation"}
    notice = Notification.objects.get(recipient=customer, subject__startswith="您的预约资格已暂停")
    assert notice.subject == "您的预约资格已暂停至 2026-04-01" and notice.url == "/booking/credit/"

    with pytest.raises(ValidationError) as refused:
        services.request_booking(
            user=customer,
            instrument=instrument,
            starts_at=NOW + dt.timedelta(days=1),
            ends_at=NOW + dt.timedelta(days=1, hours=1),
            purpose="形貌观察",
        )
    assert refused.value.message_dict["instrument"][0].startswith(
        "您的预约资格已暂停至 2026-04-01 09:00（90 天内爽约 2 次、临时取消 1 次）"
    )


def test_marks_outside_the_window_or_already_punished_do_not_count_again(world, instrument, customer, policy):
    old = confirmed(instrument, customer, NOW - dt.timedelta(days=100))
    old.status = BookingStatus.NO_SHOW
    old.save()
    CreditEvent.objects.create(
        booking=old,
        kind="no_show",
        user=customer,
        unit=instrument.unit,
        occurred_at=NOW - dt.timedelta(days=100),
    )
    mark_no_shows(instrument, customer, 2, world)
    assert not BookingSuspension.objects.exists()
    mark_no_shows_later = confirmed(instrument, customer, NOW - dt.timedelta(hours=2))
    services.mark_missed_bookings()
    suspension = BookingSuspension.objects.get()
    assert suspension.events.count() == 3 and not CreditEvent.objects.get(booking=old).suspension
    assert mark_no_shows_later.pk in suspension.events.values_list("booking", flat=True)


@pytest.fixture
def suspension(world, instrument, customer, policy):
    mark_no_shows(instrument, customer, 3, world)
    return BookingSuspension.objects.get()


def test_the_unit_accepts_an_appeal_and_the_user_books_again(world, instrument, customer, suspension):
    with pytest.raises(ValidationError):
        credit.appeal(suspension, actor=customer, reason="")
    credit.appeal(suspension, actor=customer, reason="当天设备故障，机组通知取消")
    admin = world.users["unit_admin_a"]
    assert Notification.objects.filter(recipient=admin, subject__startswith="预约资格暂停申诉待处理").exists()
    with pytest.raises(PermissionDenied):
        credit.decide_appeal(suspension, actor=world.users["unit_admin_b"], accept=True)
    credit.decide_appeal(suspension, actor=admin, accept=True, comment="属实")
    suspension.refresh_from_db()
    assert suspension.status == SuspensionStatus.LIFTED and suspension.appeal == "当天设备故障，机组通知取消"
    assert [e["action"] for e in credit.suspension_history(suspension)] == [
        "create",
        "appeal",
        "accept_appeal",
    ]
    assert services.request_booking(
        user=customer,
        instrument=instrument,
        starts_at=NOW + dt.timedelta(days=1),
        ends_at=NOW + dt.timedelta(days=1, hours=1),
        purpose="形貌观察",
    )


def test_a_dismissed_appeal_keeps_the_suspension_and_cannot_be_repeated(world, customer, suspension):
    credit.appeal(suspension, actor=customer, reason="不服")
    with pytest.raises(ValidationError):
        credit.decide_appeal(suspension, actor=world.users["unit_admin_a"], accept=False, comment="")
    credit.decide_appeal(suspension, actor=world.users["unit_admin_a"], accept=False, comment="签到记录完整")
    suspension.refresh_from_db()
    assert suspension.status == SuspensionStatus.UPHELD
    assert credit.standing(customer).refusal()
    with pytest.raises(ValidationError):
        credit.appeal(suspension, actor=customer, reason="再次申诉")


def test_only_the_platform_authority_overrides(world, customer, suspension):
    for someone in (customer, world.users["unit_admin_a"], world.users["department_admin_a"]):
        with pytest.raises(PermissionDenied):
            credit.override(suspension, actor=someone, comment="解除")
    credit.override(suspension, actor=world.users["platform_admin"], comment="系统误判")
    suspension.refresh_from_db()
    assert suspension.status == SuspensionStatus.LIFTED
    assert credit.standing(customer).refusal() is None
    assert Notification.objects.filter(recipient=customer, subject="平台已解除您的预约资格暂停").exists()


def test_a_suspension_expires_at_its_end(monkeypatch, customer, suspension):
    assert credit.expire_suspensions() == 0
    freeze_now(monkeypatch, NOW + dt.timedelta(days=30, minutes=1))
    assert credit.standing(customer).refusal() is None  # at once, whether or not the job has run
    assert tasks.expire_booking_suspensions.call_local() == 1
    suspension.refresh_from_db()
    assert suspension.status == SuspensionStatus.EXPIRED


# --- pages ---------------------------------------------------------------------------------------------------


def test_the_user_sees_their_marks_and_appeals_from_their_credit_page(client_for, customer, suspension):
    page = client_for(customer).get("/booking/credit/").content.decode()
    assert "预约资格暂停中" in page and "90 天内爽约 3 次、临时取消 0 次" in page
    assert page.count("爽约</td>") == 3
    response = client_for(customer).post(
        f"/booking/credit/suspensions/{suspension.pk}/appeal/", {"comment": "设备故障"}
    )
    assert response.status_code == 302 and response.url == "/booking/credit/"
    suspension.refresh_from_db()
    assert suspension.status == SuspensionStatus.APPEALED


def test_the_unit_admin_decides_appeals_from_their_page(world, client_for, customer, suspension):
    credit.appeal(suspension, actor=customer, reason="设备故障")
    admin = client_for(world.users["unit_admin_a"])
    page = admin.get("/booking/credit/appeals/").content.decode()
    assert "设备故障" in page and "支持申诉并解除" in page
    admin.post(f"/booking/credit/suspensions/{suspension.pk}/accept_appeal/", {"comment": ""})
    suspension.refresh_from_db()
    assert suspension.status == SuspensionStatus.LIFTED
    workspace = admin.get("/workspace/").content.decode()
    assert "/booking/credit/appeals/" in workspace


def test_the_authority_sees_counts_by_organisation_and_lifts_a_suspension(
    world, client_for, customer, suspension
):
    page = client_for(world.users["platform_admin"]).get("/booking/credit/overview/").content.decode()
    assert "西安某某科技有限公司" in page and "平台解除" in page
    overview = credit.credit_overview(NOW)
    assert overview["by_organization"][0]["user_organization__name"] == "西安某某科技有限公司"
    assert (overview["by_organization"][0]["no_shows"], overview["totals"]["no_shows"]) == (3, 3)
    client_for(world.users["platform_admin"]).post(
        f"/booking/credit/suspensions/{suspension.pk}/override/", {"comment": "误判"}
    )
    suspension.refresh_from_db()
    assert suspension.status == SuspensionStatus.LIFTED


@pytest.mark.parametrize(
    "path,who",
    [("/booking/credit/overview/", "platform_admin"), ("/booking/credit/appeals/", "unit_admin_a")],
)
def test_credit_lists_cost_the_same_queries_however_many_rows(
    world, client_for, instrument, policy, path, who
):
    from yiqi.accounts.tests.factories import UserFactory

    def add_suspended_users(n):
        for _ in range(n):
            user = UserFactory()
            mark_no_shows(instrument, user, 3, world)
            credit.appeal(BookingSuspension.objects.get(user=user), actor=user, reason="申诉")

    client = client_for(world.users[who])
    add_suspended_users(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    add_suspended_users(4)
    with CaptureQueriesContext(connection) as more:
        assert client.get(path).status_code == 200
    assert len(more) == len(few)
    assert Booking.objects.filter(status=BookingStatus.NO_SHOW).count() == 18
