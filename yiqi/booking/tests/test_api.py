"""The bookings API as its users see it: the same rules as the web pages, scoped by role, bad input refused."""

import pytest
from rest_framework.test import APIClient

from yiqi.accounts.tests.factories import UserFactory
from yiqi.booking.models import (
    Booking,
    BookingStatus,
    OpenHours,
    Qualification,
    ServiceSettings,
    WaitlistEntry,
)
from yiqi.booking.tests.factories import BookingFactory, bookable_instrument, local
from yiqi.core.models import AuditEvent
from yiqi.fees.models import Charge
from yiqi.fees.tests.factories import FeeItemFactory
from yiqi.usage.models import UsageRecord

BOOKINGS = "/api/v1/bookings/"
NOW = local(2026, 3, 2)


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def instrument(world, clock):
    clock(NOW)
    instrument = bookable_instrument(world.published_a)
    FeeItemFactory(instrument=instrument)
    return instrument


def request_data(instrument, start="2026-03-03T09:00:00+08:00", end="2026-03-03T11:00:00+08:00", **fields):
    return {"instrument": instrument.pk, "starts_at": start, "ends_at": end, "purpose": "形貌观察", **fields}


def post_booking(user, instrument, **fields):
    return api(user).post(BOOKINGS, request_data(instrument, **fields), format="json")


def errors(response, status=400):
    assert response.status_code == status, response.content
    return response.json()


# --- availability -----------------------------------------------------------------------------------------------


def availability_url(instrument, start="2026-03-02", end="2026-03-09"):
    return f"/api/v1/instruments/{instrument.pk}/availability/?start={start}&end={end}"


def test_anyone_sees_open_and_busy_time_without_identities(world, instrument):
    BookingFactory(
        instrument=instrument,
        user=UserFactory(username="rival", full_name="王五"),
        starts_at=local(2026, 3, 3, 9),
        ends_at=local(2026, 3, 3, 11),
    )
    response = api().get(availability_url(instrument))
    data = errors(response, 200)
    assert len(data["open"]) == 5
    assert data["open"][0] == {"start": "2026-03-02T08:00:00+08:00", "end": "2026-03-02T18:00:00+08:00"}
    assert data["busy"] == [
        {
            "start": "2026-03-03T09:00:00+08:00",
            "end": "2026-03-03T11:00:00+08:00",
            "mine": False,
            "booking_id": None,
            "label": "已被预约",
        }
    ]
    assert "rival" not in response.content.decode() and "王五" not in response.content.decode()


def test_own_bookings_and_the_service_staff_see_booking_ids(world, instrument):
    booking = BookingFactory(
        instrument=instrument,
        user=world.users["external_user"],
        starts_at=local(2026, 3, 3, 9),
        ends_at=local(2026, 3, 3, 11),
    )
    [mine] = errors(api(world.users["external_user"]).get(availability_url(instrument)), 200)["busy"]
    assert mine["mine"] and mine["booking_id"] == booking.pk and mine["label"] == "我的预约（已确认）"
    [served] = errors(api(world.users["technician_a"]).get(availability_url(instrument)), 200)["busy"]
    assert not served["mine"] and served["booking_id"] == booking.pk
    [other] = errors(api(world.users["unit_admin_b"]).get(availability_url(instrument)), 200)["busy"]
    assert other["booking_id"] is None


@pytest.mark.parametrize(
    "start, end, field, fragment",
    [
        ("2026-03-02", "2026-06-03", "end", "不能超过 92 天"),
        ("2026-03-09", "2026-03-02", "end", "结束时间必须晚于开始时间"),
        ("next-monday", "2026-03-09", "start", "ISO 8601"),
        ("2026-03-02T00:00:00+99:00", "2026-03-09", "start", "ISO 8601"),
    ],
)
def test_bad_availability_queries_are_refused(instrument, start, end, field, fragment):
    data = errors(api().get(availability_url(instrument, start, end).replace("+", "%2B")))
    assert fragment in data[field][0]


def test_unpublished_instruments_have_no_public_availability(world):
    assert api().get(availability_url(world.draft_a)).status_code == 404
    assert api(world.users["officer_a"]).get(availability_url(world.draft_a)).status_code == 200


# --- creating -----------------------------------------------------------------------------------------------------


def test_a_booking_is_created_through_the_rules(world, instrument):
    data = errors(post_booking(world.users["external_user"], instrument, sample_count=2), 201)
    [booking] = data["bookings"]
    assert (
        booking["status"] == "confirmed" and booking["fee"] == "600.00" and booking["fee_status"] == "quoted"
    )
    assert booking["starts_at"] == "2026-03-03T09:00:00+08:00"
    assert booking["user_organization"] == world.enterprise.pk and booking["available_actions"] == ["cancel"]


def test_an_internal_user_books_a_weekly_series_in_one_request(world, instrument):
    data = errors(post_booking(world.users["technician_a"], instrument, repeat_weeks=2), 201)
    assert [b["starts_at"][:10] for b in data["bookings"]] == ["2026-03-03", "2026-03-10", "2026-03-17"]
    refused = errors(
        post_booking(world.users["external_user"], instrument, repeat_weeks=2, start="2026-03-04T09:00")
    )
    assert refused["repeat_weeks"] == ["只有本单位用户可以按周重复预约。"]


@pytest.mark.parametrize(
    "fields, field, fragment",
    [
        ({"start": "2026-03-03 9点"}, "starts_at", "时间格式不正确"),
        ({"start": "2026-03-03T09:00:00+25:00"}, "starts_at", "时间格式不正确"),
        ({"start": "2026-03-03T09:00:00 Asia/Shanghai"}, "starts_at", "时间格式不正确"),
        ({"end": ""}, "ends_at", "时间格式不正确"),
        ({"sample_count": -3}, "sample_count", "样品数不能为负数"),
        ({"sample_count": "很多"}, "sample_count", ""),
        (
            {"start": "2026-03-01T09:00:00+08:00", "end": "2026-03-01T11:00:00+08:00"},
            "starts_at",
            "开始时间已过",
        ),
        (
            {"start": "2026-03-03T17:00:00+08:00", "end": "2026-03-03T19:00:00+08:00"},
            "starts_at",
            "不在开放时间内",
        ),
        (
            {"start": "2026-03-03T08:00:00+08:00", "end": "2026-03-03T17:30:00+08:00"},
            "ends_at",
            "不能超过 8 小时",
        ),
        (
            {"start": "2026-06-01T09:00:00+08:00", "end": "2026-06-01T11:00:00+08:00"},
            "ends_at",
            "最多可预约 90 天",
        ),
        ({"purpose": ""}, "purpose", "请填写用途"),
        ({"user_organization": 999999}, "user_organization", "请选择您所属的单位"),
    ],
)
def test_bad_requests_get_a_field_message_and_change_nothing(world, instrument, fields, field, fragment):
    start, end = (
        fields.pop("start", "2026-03-03T09:00:00+08:00"),
        fields.pop("end", "2026-03-03T11:00:00+08:00"),
    )
    data = errors(post_booking(world.users["external_user"], instrument, start=start, end=end, **fields))
    assert fragment in data[field][0]
    assert not Booking.objects.exists() and not Charge.objects.exists()


def test_overlapping_an_existing_booking_is_refused(world, instrument):
    errors(post_booking(UserFactory(), instrument), 201)
    data = errors(post_booking(world.users["external_user"], instrument, start="2026-03-03T10:00:00+08:00"))
    assert data["starts_at"] == ["该时段已被预约（2026-03-03 09:00–11:00），请选择其他时间。"]
    assert Booking.objects.count() == 1


def test_over_quota_and_unqualified_are_refused(world, instrument):
    ServiceSettings.objects.filter(pk=instrument.pk).update(weekly_quota_hours=2)
    errors(post_booking(world.users["external_user"], instrument), 201)
    data = errors(
        post_booking(
            world.users["external_user"],
            instrument,
            start="2026-03-04T09:00:00+08:00",
            end="2026-03-04T10:00:00+08:00",
        )
    )
    assert "超出每周预约上限" in data["ends_at"][0]
    ServiceSettings.objects.filter(pk=instrument.pk).update(requires_qualification=True)
    data = errors(
        post_booking(
            UserFactory(), instrument, start="2026-03-05T09:00:00+08:00", end="2026-03-05T10:00:00+08:00"
        )
    )
    assert "没有有效的上机资格" in data["instrument"][0]


def test_instruments_the_user_cannot_see_do_not_exist(world):
    bookable_instrument(world.draft_a)
    data = errors(post_booking(world.users["external_user"], world.draft_a))
    assert "不存在" in data["instrument"][0]


def test_anonymous_users_cannot_list_or_book(instrument):
    assert api().get(BOOKINGS).status_code in (401, 403)
    assert post_booking(None, instrument).status_code in (401, 403)
    assert not Booking.objects.exists()


# --- seeing and acting by role ------------------------------------------------------------------------------------


@pytest.fixture
def scene(world, instrument):
    """A booking on unit A's instrument by the enterprise user, and one on another unit's instrument."""
    ServiceSettings.objects.filter(pk=instrument.pk).update(requires_approval=True)
    [booking] = Booking.objects.filter(
        pk=errors(post_booking(world.users["external_user"], instrument), 201)["bookings"][0]["id"]
    )
    elsewhere = BookingFactory(instrument=bookable_instrument(world.draft_b))
    return booking, elsewhere


@pytest.mark.parametrize(
    "who, sees_booking, sees_elsewhere",
    [
        ("external_user", True, False),
        ("technician_a", True, False),
        ("unit_admin_a", True, False),
        ("officer_a", True, False),
        ("unit_admin_b", False, True),
        ("department_admin_a", False, False),
        ("expert", False, False),
        ("platform_admin", True, True),
    ],
)
def test_list_and_detail_are_scoped_by_role(world, scene, who, sees_booking, sees_elsewhere):
    booking, elsewhere = scene
    client = api(world.users[who])
    listed = {row["id"] for row in errors(client.get(BOOKINGS), 200)["results"]}
    assert listed == {pk for pk, seen in ((booking.pk, sees_booking), (elsewhere.pk, sees_elsewhere)) if seen}
    assert client.get(f"{BOOKINGS}{booking.pk}/").status_code == (200 if sees_booking else 404)


def test_user_name_is_shown_to_those_who_see_the_booking(world, scene):
    booking, _elsewhere = scene
    row = errors(api(world.users["technician_a"]).get(f"{BOOKINGS}{booking.pk}/"), 200)
    assert row["user_name"] == world.users["external_user"].get_full_name()
    assert row["available_actions"] == ["approve", "reject", "cancel"]


def test_filters(world, scene, instrument):
    booking, _elsewhere = scene
    client = api(world.users["platform_admin"])

    def ids(query):
        return {row["id"] for row in errors(client.get(BOOKINGS + query), 200)["results"]}

    assert ids("?status=requested") == {booking.pk}
    assert ids(f"?instrument={instrument.pk}") == {booking.pk}
    assert ids("?from=2026-03-03T10:00:00%2B08:00&to=2026-03-03T10:30:00%2B08:00") == {booking.pk}
    assert ids("?from=2026-03-03T11:00:00%2B08:00&to=2026-03-03T12:00:00%2B08:00") == set()


@pytest.mark.parametrize(
    "who, status",
    [("external_user", 403), ("unit_admin_b", 404), ("department_admin_a", 404), ("technician_a", 200)],
)
def test_only_service_staff_approve(world, scene, who, status):
    booking, _elsewhere = scene
    response = api(world.users[who]).post(f"{BOOKINGS}{booking.pk}/approve/", {}, format="json")
    assert response.status_code == status, response.content
    booking.refresh_from_db()
    assert booking.status == (BookingStatus.CONFIRMED if status == 200 else BookingStatus.REQUESTED)


def test_reject_needs_a_reason(world, scene):
    booking, _elsewhere = scene
    client = api(world.users["technician_a"])
    assert errors(client.post(f"{BOOKINGS}{booking.pk}/reject/", {"comment": ""}, format="json")) == {
        "comment": ["请填写不通过的理由。"]
    }
    data = errors(
        client.post(f"{BOOKINGS}{booking.pk}/reject/", {"comment": "样品不合格"}, format="json"), 200
    )
    assert data["status"] == "rejected" and data["fee_status"] == "void"


def test_cancelling_twice_is_refused_clearly(world, scene):
    booking, _elsewhere = scene
    client = api(world.users["external_user"])
    assert (
        errors(client.post(f"{BOOKINGS}{booking.pk}/cancel/", {"reason": "改期"}, format="json"), 200)[
            "status"
        ]
        == "cancelled"
    )
    data = errors(client.post(f"{BOOKINGS}{booking.pk}/cancel/", {}, format="json"))
    assert data == {"status": ["该预约已经取消，无需重复取消。"]}
    assert AuditEvent.objects.for_object(booking).count() == 2


def test_served_end_to_end_through_the_api(world, scene, clock):
    booking, _elsewhere = scene
    staff = api(world.users["technician_a"])
    errors(staff.post(f"{BOOKINGS}{booking.pk}/approve/", {"comment": "请准时"}, format="json"), 200)
    clock(local(2026, 3, 3, 9, 10))
    data = errors(staff.post(f"{BOOKINGS}{booking.pk}/check_in/", {}, format="json"), 200)
    assert data["status"] == "checked_in" and data["actual_start"] == "2026-03-03T09:10:00+08:00"
    clock(local(2026, 3, 3, 12))
    data = errors(
        staff.post(
            f"{BOOKINGS}{booking.pk}/complete/", {"actual_end": "2026-03-03T03:10:00Z"}, format="json"
        ),
        200,
    )
    assert data["status"] == "completed" and data["fee_status"] == "billed" and data["fee"] == "600.00"
    assert UsageRecord.objects.get(record=booking.record).machine_hours == 2
    assert errors(staff.post(f"{BOOKINGS}{booking.pk}/no_show/", {}, format="json"))["status"]


def test_bad_completion_times_are_refused(world, scene, clock):
    booking, _elsewhere = scene
    staff = api(world.users["technician_a"])
    staff.post(f"{BOOKINGS}{booking.pk}/approve/", {}, format="json")
    clock(local(2026, 3, 3, 12))
    data = errors(staff.post(f"{BOOKINGS}{booking.pk}/complete/", {"actual_end": "下午三点"}, format="json"))
    assert "时间格式不正确" in data["actual_end"][0]
    data = errors(
        staff.post(
            f"{BOOKINGS}{booking.pk}/complete/",
            {"actual_start": "2026-03-03T10:00+08:00", "actual_end": "2026-03-03T09:00+08:00"},
            format="json",
        )
    )
    assert data == {"actual_end": ["实际结束时间必须晚于实际开始时间。"]}
    assert not UsageRecord.objects.exists()


# --- waitlist -----------------------------------------------------------------------------------------------------


def test_waitlist_join_offer_accept(world, scene):
    booking, _elsewhere = scene
    waiting = UserFactory()
    client = api(waiting)
    window = {"instrument": booking.instrument_id, "purpose": "补测"}
    entry = errors(
        client.post(
            "/api/v1/waitlist/",
            {**window, "starts_at": "2026-03-03T09:00+08:00", "ends_at": "2026-03-03T10:00+08:00"},
            format="json",
        ),
        201,
    )
    assert entry["status"] == "waiting"
    api(world.users["external_user"]).post(f"{BOOKINGS}{booking.pk}/cancel/", {}, format="json")
    assert errors(client.get(f"/api/v1/waitlist/{entry['id']}/"), 200)["status"] == "offered"
    assert api(UserFactory()).post(f"/api/v1/waitlist/{entry['id']}/accept/").status_code == 404
    booked = errors(client.post(f"/api/v1/waitlist/{entry['id']}/accept/"), 201)
    assert booked["status"] == "requested" and booked["starts_at"] == "2026-03-03T09:00:00+08:00"
    assert WaitlistEntry.objects.get().status == WaitlistEntry.Status.ACCEPTED
    data = errors(client.post(f"/api/v1/waitlist/{entry['id']}/decline/"))
    assert "无需取消" in data["status"][0]


# --- the manager's settings ---------------------------------------------------------------------------------------


def settings_url(instrument, suffix="service-settings/"):
    return f"/api/v1/instruments/{instrument.pk}/{suffix}"


def test_the_manager_reads_and_changes_booking_settings(world, instrument):
    client = api(world.users["unit_admin_a"])
    data = errors(client.get(settings_url(instrument)), 200)
    assert data["slot_minutes"] == 30 and len(data["open_hours"]) == 5
    changed = errors(
        client.put(
            settings_url(instrument),
            {
                "slot_minutes": 60,
                "weekly_quota_hours": 6,
                "open_hours": [{"weekday": 5, "start_minute": 0, "end_minute": 1440}],
            },
            format="json",
        ),
        200,
    )
    assert changed["slot_minutes"] == 60 and changed["open_hours"] == [
        {"weekday": 5, "start_minute": 0, "end_minute": 1440}
    ]
    bad = errors(
        client.put(settings_url(instrument), {"min_booking_minutes": 900, "slot_minutes": 30}, format="json")
    )
    assert "最长预约时长不能小于最短预约时长" in str(bad)
    assert ServiceSettings.objects.get(pk=instrument.pk).slot_minutes == 60
    overlapping = [
        {"weekday": 0, "start_minute": 480, "end_minute": 720},
        {"weekday": 0, "start_minute": 700, "end_minute": 800},
    ]
    bad = errors(
        client.put(settings_url(instrument), {"slot_minutes": 15, "open_hours": overlapping}, format="json")
    )
    assert bad == {"open_hours": ["同一天的开放时段不能重叠。"]}
    assert ServiceSettings.objects.get(pk=instrument.pk).slot_minutes == 60
    assert OpenHours.objects.filter(instrument=instrument).count() == 1


@pytest.mark.parametrize(
    "who, status", [("technician_a", 403), ("external_user", 403), ("unit_admin_b", 403), (None, 403)]
)
def test_others_cannot_touch_the_settings(world, instrument, who, status):
    client = api(world.users[who] if who else None)
    assert client.get(settings_url(instrument)).status_code in (status, 401)
    assert client.put(settings_url(instrument), {"slot_minutes": 60}, format="json").status_code in (
        status,
        401,
    )
    assert ServiceSettings.objects.get(pk=instrument.pk).slot_minutes == 30


def test_qualifications_and_blackouts_through_the_api(world, instrument):
    client = api(world.users["unit_admin_a"])
    user = world.users["external_user"]
    granted = errors(
        client.post(
            settings_url(instrument, "qualifications/"),
            {
                "user": user.pk,
                "trained_on": "2026-02-01",
                "expires_on": "2027-02-01",
                "training_record": "安全培训",
            },
            format="json",
        ),
        201,
    )
    assert granted["is_valid_today"]
    assert len(errors(client.get(settings_url(instrument, "qualifications/")), 200)) == 1
    assert client.delete(settings_url(instrument, f"qualifications/{granted['id']}/")).status_code == 204
    assert Qualification.objects.get().revoked_at is not None

    errors(post_booking(user, instrument), 201)
    clash = errors(
        client.post(
            settings_url(instrument, "blackouts/"),
            {
                "kind": "maintenance",
                "starts_at": "2026-03-03T08:00+08:00",
                "ends_at": "2026-03-03T10:00+08:00",
            },
            format="json",
        )
    )
    assert "该时段已有预约" in clash["starts_at"][0]
    blackout = errors(
        client.post(
            settings_url(instrument, "blackouts/"),
            {
                "kind": "maintenance",
                "starts_at": "2026-03-04T08:00+08:00",
                "ends_at": "2026-03-04T10:00+08:00",
            },
            format="json",
        ),
        201,
    )
    assert api(world.users["external_user"]).get(settings_url(instrument, "blackouts/")).status_code == 403
    assert client.delete(settings_url(instrument, f"blackouts/{blackout['id']}/")).status_code == 204


def test_the_list_costs_the_same_few_queries_however_long_it_is(
    world, instrument, django_assert_max_num_queries
):
    for day in range(3, 7):
        BookingFactory(
            instrument=instrument, starts_at=local(2026, 3, day, 9), ends_at=local(2026, 3, day, 10)
        )
    client = api(world.users["technician_a"])
    with django_assert_max_num_queries(6):
        assert len(errors(client.get(BOOKINGS), 200)["results"]) == 4
