"""Rating a service: only its user, only after completion, only once; the unit replies once; exact averages."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from yiqi.accounts.tests.factories import UserFactory
from yiqi.booking.models import BookingStatus
from yiqi.booking.tests.factories import BookingFactory
from yiqi.feedback import services
from yiqi.feedback.models import Rating
from yiqi.notifications.models import Notification
from yiqi.orders.tests.factories import TestOrderFactory
from yiqi.servicerecords import services as records
from yiqi.servicerecords.models import ServiceStatus

from .conftest import completed_booking, completed_order

pytestmark = pytest.mark.django_db

GOOD = {"overall": 5, "timeliness": 4, "attitude": 5, "result_quality": 4}


def rate(record, user, **changes):
    return services.rate(user=user, record=record, **{**GOOD, **changes})


def test_the_user_rates_a_completed_booking_and_the_unit_hears_of_it(world, served):
    user = world.users["external_user"]
    rating = rate(served["booking"], user, comment="  工程师很耐心  ")
    assert (rating.overall, rating.timeliness, rating.attitude, rating.result_quality) == (5, 4, 5, 4)
    assert rating.comment == "工程师很耐心"
    assert rating.instrument == served["instrument"] and rating.unit == world.unit_a
    assert rating.rater_kind == "enterprise"
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"admin_a", "manager_a"}


def test_a_completed_order_can_be_rated_too(world, served):
    rating = rate(served["order"], world.users["external_user"], overall=3)
    assert rating.record == served["order"] and rating.overall == 3


@pytest.mark.parametrize("kind", ["booking", "order"])
@pytest.mark.parametrize("status", [ServiceStatus.OPEN, ServiceStatus.CLOSED])
def test_a_service_not_completed_cannot_be_rated(world, served, kind, status):
    record = served[kind]
    record.status = status
    record.save()
    with pytest.raises(ValidationError, match="尚未完成"):
        rate(record, world.users["external_user"])
    assert not Rating.objects.exists()


@pytest.mark.parametrize("who", ["unit_admin_a", "manager_a", "platform_admin", "unit_admin_b"])
def test_only_the_services_user_may_rate_it(world, served, who):
    with pytest.raises(PermissionDenied):
        rate(served["booking"], world.users[who])
    assert not Rating.objects.exists()


def test_a_service_is_rated_only_once(world, served):
    user = world.users["external_user"]
    rate(served["booking"], user)
    with pytest.raises(ValidationError, match="只能评价一次"):
        rate(served["booking"], user, overall=1)
    assert Rating.objects.get().overall == 5


def test_the_database_itself_refuses_a_second_rating(world, served):
    first = rate(served["booking"], world.users["external_user"])
    duplicate = Rating(
        record=served["booking"], instrument=first.instrument, unit=first.unit, user=first.user, **GOOD
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    assert Rating.objects.count() == 1


def test_the_database_refuses_scores_out_of_range(world, served):
    bad = Rating(
        record=served["booking"],
        instrument=served["instrument"],
        unit=world.unit_a,
        user=world.users["external_user"],
        **{**GOOD, "attitude": 6},
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        bad.save()


@pytest.mark.parametrize("value", [0, 6, -1, "", None, "4.5", 4.5, "五", True, "10"])
def test_scores_out_of_range_are_refused_and_nothing_is_saved(world, served, value):
    with pytest.raises(ValidationError) as caught:
        rate(served["booking"], world.users["external_user"], timeliness=value)
    assert caught.value.message_dict == {"timeliness": ["“及时性”请打 1 至 5 分。"]}
    assert not Rating.objects.exists()
    assert not Notification.objects.exists()


def test_scores_given_as_text_from_a_form_are_accepted(world, served):
    rating = rate(served["booking"], world.users["external_user"], overall="4", attitude=" 3 ")
    assert (rating.overall, rating.attitude) == (4, 3)


def test_an_over_long_comment_is_refused_and_nothing_is_saved(world, served):
    with pytest.raises(ValidationError) as caught:
        rate(served["booking"], world.users["external_user"], comment="好" * 1001)
    assert caught.value.message_dict["comment"] == ["评价内容不能超过 1000 字（现为 1001 字）。"]
    assert not Rating.objects.exists()
    assert rate(served["booking"], world.users["external_user"], comment="好" * 1000).comment == "好" * 1000


def test_naming_no_service_is_refused(world, served):
    with pytest.raises(ValidationError):
        services.rate(user=world.users["external_user"], record=None, **GOOD)
    assert not Rating.objects.exists()


# --- replies ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["unit_admin_a", "manager_a"])
def test_the_unit_replies_once_and_the_rater_is_told(world, served, who):
    rating = rate(served["booking"], world.users["external_user"])
    Notification.objects.all().delete()
    services.reply(rating, actor=world.users[who], text="感谢您的肯定！")
    rating.refresh_from_db()
    assert rating.reply == "感谢您的肯定！" and rating.replied_by == world.users[who]
    assert rating.replied_at is not None
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["company"]
    with pytest.raises(ValidationError, match="只能回复一次"):
        services.reply(rating, actor=world.users["unit_admin_a"], text="再补充一句")
    rating.refresh_from_db()
    assert rating.reply == "感谢您的肯定！"


@pytest.mark.parametrize(
    "who",
    ["technician_a", "officer_a", "unit_admin_b", "department_admin_a", "external_user", "platform_admin"],
)
def test_others_cannot_reply(world, served, who):
    rating = rate(served["booking"], world.users["external_user"])
    with pytest.raises(PermissionDenied):
        services.reply(rating, actor=world.users[who], text="回复")
    rating.refresh_from_db()
    assert rating.reply == "" and rating.replied_at is None


@pytest.mark.parametrize(
    "text, message", [("   ", "请填写回复内容。"), ("谢" * 1001, "回复不能超过 1000 字")]
)
def test_an_empty_or_over_long_reply_is_refused(world, served, text, message):
    rating = rate(served["booking"], world.users["external_user"])
    with pytest.raises(ValidationError, match=message):
        services.reply(rating, actor=world.users["unit_admin_a"], text=text)
    rating.refresh_from_db()
    assert rating.replied_at is None


# --- averages ---------------------------------------------------------------------------------------------------


def test_averages_are_exact_to_one_decimal_with_the_spread_of_scores(world, served):
    instrument = served["instrument"]
    scores = [(5, 5, 5, 4), (4, 3, 5, 4), (4, 4, 4, 4), (2, 1, 3, 3)]
    for day, (overall, timeliness, attitude, quality) in enumerate(scores, start=2):
        booking = completed_booking(instrument, UserFactory(), days_ago=day)
        services.rate(
            user=booking.user,
            record=booking,
            overall=overall,
            timeliness=timeliness,
            attitude=attitude,
            result_quality=quality,
        )
    summary = services.rating_summary(instrument)
    assert summary.count == 4
    # 15/4 = 3.75 → 3.8; 13/4 = 3.25 → 3.3 (half up, not to even); 17/4 = 4.25 → 4.3; 15/4 → 3.8
    assert summary.averages == {
        "overall": Decimal("3.8"),
        "timeliness": Decimal("3.3"),
        "attitude": Decimal("4.3"),
        "result_quality": Decimal("3.8"),
    }
    assert [(s.score, s.count, s.percent) for s in summary.distribution] == [
        (5, 1, 25),
        (4, 2, 50),
        (3, 0, 0),
        (2, 1, 25),
        (1, 0, 0),
    ]


def test_unit_averages_cover_all_its_instruments_and_no_others(world, served):
    user = world.users["external_user"]
    rate(served["booking"], user, overall=5)
    rate(served["order"], user, overall=2)
    other = completed_order(world.draft_b, UserFactory())
    services.rate(user=other.user, record=other, **{**GOOD, "overall": 1})
    summary = services.unit_rating_summary(world.unit_a)
    assert summary.count == 2 and summary.overall == Decimal("3.5")
    assert services.unit_rating_summary(world.unit_b).overall == Decimal("1.0")


def test_no_ratings_yet(world):
    summary = services.rating_summary(world.published_a)
    assert summary.count == 0 and summary.overall is None
    assert all(share.count == 0 and share.percent == 0 for share in summary.distribution)


@pytest.mark.parametrize(
    "full_name, username, shown", [("张三丰", "zsf", "张**"), ("", "company", "c**"), ("欧阳", "oy", "欧**")]
)
def test_raters_are_masked(full_name, username, shown):
    assert services.mask_name(UserFactory.build(full_name=full_name, username=username)) == shown


# --- asking for ratings, and the rating on a service's page -----------------------------------------------------


@pytest.mark.parametrize(
    "factory, subject",
    [
        ("booking", "上机已完成，请评价服务：场发射扫描电镜 "),
        ("order", "请评价委托测试服务：WT"),
    ],
)
def test_completing_a_service_asks_its_user_for_a_rating(world, served, factory, subject):
    user = world.users["external_user"]
    make = BookingFactory if factory == "booking" else TestOrderFactory
    fields = {"status": BookingStatus.CONFIRMED} if factory == "booking" else {}
    record = make(instrument=served["instrument"], user=user, **fields).record
    assert services.service_rating_panel(record, user) is None, "not before it is done"
    start = timezone.now() - dt.timedelta(hours=3)
    records.complete(
        record, actor=world.users["manager_a"], started_at=start, ended_at=start + dt.timedelta(hours=1)
    )
    notice = Notification.objects.get(recipient=user, subject__startswith=subject)
    assert notice.url == f"/feedback/rate/{record.pk}/"
    panel = services.service_rating_panel(record, user)
    assert panel.template == "feedback/_service_rating.html" and panel.context == {"rate_url": notice.url}
    assert services.service_rating_panel(record, world.users["manager_a"]) is None


def test_a_rated_service_shows_its_rating_to_whoever_sees_the_page(world, served):
    rating = rate(served["booking"], world.users["external_user"], comment="很好")
    services.reply(rating, actor=world.users["manager_a"], text="谢谢")
    for who in ("external_user", "manager_a"):
        panel = services.service_rating_panel(served["booking"], world.users[who])
        assert panel.position == 30
        assert (panel.context["rating"]["overall"], panel.context["rating"]["reply"]) == (5, "谢谢")
