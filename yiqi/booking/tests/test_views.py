"""The booking pages as each kind of user meets them: who may see what, booking through the form, the day
list that works without JavaScript, the booking's own page and its buttons, my bookings and the service queue."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.urls import reverse

from yiqi.accounts.models import Role, RoleAssignment
from yiqi.accounts.tests.factories import UserFactory
from yiqi.booking.models import Booking, BookingStatus, WaitlistEntry
from yiqi.booking.tests.factories import (
    BookingFactory,
    WaitlistEntryFactory,
    bookable_instrument,
    freeze_now,
    local,
)
from yiqi.core.models import AuditEvent
from yiqi.fees.tests.factories import FeeItemFactory
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory

# Monday 2 March 2026, 09:00 in Shanghai: an ordinary working week.
NOW = local(2026, 3, 2, 9)
WEDNESDAY = dt.date(2026, 3, 4)


def wall(moment: dt.datetime) -> str:
    """A datetime-local input's value."""
    return moment.strftime("%Y-%m-%dT%H:%M")


def booking_data(start=None, end=None, **fields):
    """The booking form's fields; Wednesday 10:00–12:00 unless told otherwise."""
    start, end = start or local(2026, 3, 4, 10), end or local(2026, 3, 4, 12)
    return {"starts_at": wall(start), "ends_at": wall(end), "purpose": "材料表面形貌观察", **fields}


def availability_url(instrument, **params):
    url = reverse("booking:availability", args=[instrument.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def error_of(response, field) -> str:
    """The text shown beside ``field`` (empty when the field has no error)."""
    match = re.search(rf'id="id_{field}_error">([^<]*)<', response.content.decode())
    return match[1] if match else ""


# --- the availability page ----------------------------------------------------------------------------------------


def test_anonymous_visitor_sees_free_time_of_a_published_instrument_and_is_asked_to_log_in(
    world, client_for, instrument
):
    response = client_for(None).get(availability_url(instrument, date=WEDNESDAY.isoformat()))
    body = response.content.decode()
    assert response.status_code == 200
    assert "08:00–18:00" in body and "可预约" in body
    assert reverse("accounts:login") in body
    assert 'name="starts_at"' not in body

    response = client_for(None).post(availability_url(instrument), booking_data())
    assert response.status_code == 302 and reverse("accounts:login") in response.url
    assert not Booking.objects.exists()


def test_unpublished_instrument_has_no_booking_page_for_outsiders(world, client_for, instrument):
    for user in (None, world.users["external_user"], world.users["unit_admin_b"]):
        response = client_for(user).get(availability_url(world.draft_a))
        assert response.status_code == 404


def test_day_list_shows_free_and_busy_time_without_javascript_or_identities(
    world, client_for, instrument, customer
):
    other = UserFactory(username="rival_lab", full_name="王竞争")
    BookingFactory(
        instrument=instrument, user=other, starts_at=local(2026, 3, 4, 10), ends_at=local(2026, 3, 4, 12)
    )
    response = client_for(customer).get(availability_url(instrument, date=WEDNESDAY.isoformat()))
    body = response.content.decode()
    assert [m for m in re.findall(r"<strong>([\d:–]+)</strong> ([^<\n]+)", body)] == [
        ("08:00–10:00", "可预约，08:00 起"),
        ("10:00–12:00", "已被预约"),
        ("12:00–18:00", "可预约，12:00 起"),
    ]
    assert "rival_lab" not in body and "王竞争" not in body and "材料表面形貌观察" not in body
    # A free period's link prefills the form on a plain page load.
    assert "start=2026-03-04T08:00&amp;end=2026-03-04T10:00" in body
    prefilled = client_for(customer).get(
        availability_url(instrument, date="2026-03-04", start="2026-03-04T12:00", end="2026-03-04T13:00")
    )
    assert 'value="2026-03-04T12:00"' in prefilled.content.decode()


def test_day_list_cuts_an_overnight_booking_at_midnight(client_for, instrument, customer):
    round_the_clock = bookable_instrument(
        InstrumentFactory(registration_status=RegistrationStatus.PUBLISHED),
        weekdays=range(7),
        hours=(0, 1440),
    )
    BookingFactory(
        instrument=round_the_clock,
        user=customer,
        starts_at=local(2026, 3, 4, 22),
        ends_at=local(2026, 3, 5, 2),
    )

    def rows(day):
        body = client_for(customer).get(availability_url(round_the_clock, date=day)).content.decode()
        return re.findall(r"<strong>([\d:–]+)</strong> ([^<\n]+)", body)

    assert rows("2026-03-04") == [("00:00–22:00", "可预约，00:00 起"), ("22:00–24:00", "我的预约（已确认）")]
    assert rows("2026-03-05") == [("00:00–02:00", "我的预约（已确认）"), ("02:00–24:00", "可预约，02:00 起")]


def test_picking_another_day_swaps_in_just_the_day_list(client_for, instrument, customer):
    response = client_for(customer).get(
        reverse("booking:day_list", args=[instrument.pk]) + "?date=2026-03-07", HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="day-list">') and "<html" not in body
    assert "当天不开放" in body  # Saturday


def test_week_calendar_is_fed_by_the_api_and_uses_the_vendored_fullcalendar(client_for, instrument, customer):
    body = client_for(customer).get(availability_url(instrument)).content.decode()
    assert "vendor/fullcalendar-6.1.21/index.global.min.js" in body
    assert "locales/zh-cn.global.min.js" in body
    assert f'data-events-url="/api/v1/instruments/{instrument.pk}/availability/"' in body


# --- booking through the form -------------------------------------------------------------------------------------


def test_external_user_books_and_lands_on_their_booking(client_for, instrument, customer):
    response = client_for(customer).post(availability_url(instrument), booking_data(sample_count="3"))
    booking = Booking.objects.get()
    assert response.status_code == 302 and response.url == reverse("booking:detail", args=[booking.pk])
    assert booking.user == customer and booking.status == BookingStatus.CONFIRMED
    assert booking.starts_at == local(2026, 3, 4, 10) and booking.sample_count == 3

    page = client_for(customer).get(response.url).content.decode()
    assert instrument.name in page and "2026-03-04 10:00 – 12:00" in page and "已确认" in page


@pytest.mark.parametrize(
    "data, field, message",
    [
        (booking_data(end=local(2026, 3, 4, 9)), "ends_at", "结束时间必须晚于开始时间"),
        (booking_data(start=local(2026, 3, 2, 8), end=local(2026, 3, 2, 10)), "starts_at", "开始时间已过"),
        (booking_data(start=local(2026, 3, 4, 6), end=local(2026, 3, 4, 8)), "starts_at", "开放时间"),
        (booking_data(end=local(2026, 3, 5, 12)), "ends_at", "预约时长不能超过"),
        (booking_data(start=local(2026, 7, 1, 10), end=local(2026, 7, 1, 12)), "ends_at", "最多可预约"),
        ({**booking_data(), "starts_at": "2026-13-45T99:00"}, "starts_at", "有效"),
        (booking_data(sample_count="-2"), "sample_count", "0"),
        (booking_data(purpose=""), "purpose", "必填"),
    ],
    ids=[
        "end-before-start",
        "past",
        "outside-hours",
        "too-long",
        "beyond-horizon",
        "malformed",
        "negative",
        "empty",
    ],
)
def test_a_refused_booking_shows_the_reason_beside_the_field_and_saves_nothing(
    client_for, instrument, customer, data, field, message
):
    response = client_for(customer).post(availability_url(instrument), data)
    assert response.status_code == 200
    assert message in error_of(response, field)
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Booking.objects.exists() and not AuditEvent.objects.exists()


def test_a_taken_time_offers_the_waitlist(world, client_for, instrument, customer):
    BookingFactory(instrument=instrument, starts_at=local(2026, 3, 4, 10), ends_at=local(2026, 3, 4, 12))
    client = client_for(customer)
    response = client.post(availability_url(instrument), booking_data(end=local(2026, 3, 4, 11)))
    assert "2026-03-04 10:00–12:00" in error_of(response, "starts_at")
    body = response.content.decode()
    assert "加入候补" in body and reverse("booking:waitlist_join", args=[instrument.pk]) in body
    assert Booking.objects.count() == 1

    response = client.post(
        reverse("booking:waitlist_join", args=[instrument.pk]), booking_data(end=local(2026, 3, 4, 11))
    )
    assert response.status_code == 302 and response.url == reverse("booking:mine")
    entry = WaitlistEntry.objects.get()
    assert entry.user == customer and entry.status == WaitlistEntry.Status.WAITING


def test_waiting_for_a_free_time_is_refused_with_a_message_back_on_that_day(client_for, instrument, customer):
    response = client_for(customer).post(
        reverse("booking:waitlist_join", args=[instrument.pk]), booking_data(), follow=True
    )
    assert response.redirect_chain[-1][0] == availability_url(instrument, date="2026-03-04")
    assert "请直接预约" in response.content.decode()
    assert not WaitlistEntry.objects.exists()


def test_a_refusal_that_is_not_about_taken_time_does_not_offer_the_waitlist(client_for, instrument, customer):
    response = client_for(customer).post(availability_url(instrument), booking_data(end=local(2026, 3, 4, 9)))
    assert "加入候补" not in response.content.decode()


def test_weekly_repeat_is_offered_only_to_the_units_own_people(world, client_for, instrument, customer):
    assert (
        'name="repeat_weeks"' not in client_for(customer).get(availability_url(instrument)).content.decode()
    )
    insider = world.users["technician_a"]
    assert 'name="repeat_weeks"' in client_for(insider).get(availability_url(instrument)).content.decode()

    response = client_for(insider).post(availability_url(instrument), booking_data(repeat_weeks="2"))
    assert response.status_code == 302
    assert [b.starts_at for b in Booking.objects.order_by("starts_at")] == [
        local(2026, 3, 4, 10),
        local(2026, 3, 11, 10),
        local(2026, 3, 18, 10),
    ]


def test_a_user_of_several_organisations_chooses_which_one_books(world, client_for, instrument, customer):
    assert (
        'name="user_organization"'
        not in client_for(customer).get(availability_url(instrument)).content.decode()
    )
    RoleAssignment.objects.create(user=customer, role=Role.EXTERNAL_USER, organization=world.unit_b)
    body = client_for(customer).get(availability_url(instrument)).content.decode()
    assert 'name="user_organization"' in body and world.unit_b.name in body

    client_for(customer).post(availability_url(instrument), booking_data(user_organization=world.unit_b.pk))
    assert Booking.objects.get().user_organization == world.unit_b


def test_instrument_without_self_operation_shows_no_form(world, client_for, instrument, customer):
    instrument.offers_self_operation = False
    instrument.save()
    body = client_for(customer).get(availability_url(instrument)).content.decode()
    assert 'name="starts_at"' not in body and "不接受在线预约" in body


# --- one booking's page -------------------------------------------------------------------------------------------

# Who opens a booking made by the external user on unit A's instrument.
SEES_BOOKING = {
    "external_user": 200,
    "platform_admin": 200,
    "unit_admin_a": 200,
    "manager_a": 200,
    "technician_a": 200,
    "officer_a": 200,
    "unit_admin_b": 404,
    "department_admin_b": 404,
    "expert": 404,
    "evaluator": 404,
}


@pytest.mark.parametrize("role", sorted(SEES_BOOKING))
def test_a_booking_opens_only_for_its_user_and_the_units_staff(world, client_for, instrument, customer, role):
    booking = BookingFactory(instrument=instrument, user=customer, starts_at=local(2026, 3, 4, 10))
    response = client_for(world.users[role]).get(reverse("booking:detail", args=[booking.pk]))
    assert response.status_code == SEES_BOOKING[role]


def test_anonymous_visitor_is_sent_to_log_in_for_a_booking(client_for, instrument, customer):
    booking = BookingFactory(instrument=instrument, user=customer)
    response = client_for(None).get(reverse("booking:detail", args=[booking.pk]))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_another_user_can_neither_see_nor_cancel_someone_elses_booking(client_for, instrument, customer):
    booking = BookingFactory(instrument=instrument, user=customer, starts_at=local(2026, 3, 4, 10))
    stranger = client_for(UserFactory())
    assert stranger.get(reverse("booking:detail", args=[booking.pk])).status_code == 404
    response = stranger.post(reverse("booking:action", args=[booking.pk, "cancel"]), {"comment": "x"})
    assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_booking_page_shows_times_in_shanghai_events_and_the_quote(client_for, instrument, customer):
    FeeItemFactory(instrument=instrument, name="机时费", rate_external="300.00")
    client = client_for(customer)
    client.post(availability_url(instrument), booking_data())
    booking = Booking.objects.get()
    body = client.get(reverse("booking:detail", args=[booking.pk])).content.decode()
    assert "2026-03-04 10:00 – 12:00" in body  # stored as 02:00 UTC
    assert "费用报价" in body and "机时费" in body and "600.00" in body
    assert re.search(r'<li class="list-group-item">[^<]*· 已确认', body)  # the request's event


def test_service_staff_approve_and_the_user_cancels_from_the_page(world, client_for, instrument, customer):
    booking = BookingFactory(
        instrument=instrument, user=customer, status=BookingStatus.REQUESTED, starts_at=local(2026, 3, 4, 10)
    )
    manager = client_for(world.users["manager_a"])
    body = manager.get(reverse("booking:detail", args=[booking.pk])).content.decode()
    assert reverse("booking:action", args=[booking.pk, "approve"]) in body
    assert reverse("booking:action", args=[booking.pk, "reject"]) in body

    response = manager.post(reverse("booking:action", args=[booking.pk, "approve"]), {"comment": "同意"})
    assert response.url == reverse("booking:detail", args=[booking.pk])
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED

    owner = client_for(customer)
    body = owner.get(reverse("booking:detail", args=[booking.pk])).content.decode()
    assert reverse("booking:action", args=[booking.pk, "approve"]) not in body
    owner.post(reverse("booking:action", args=[booking.pk, "cancel"]), {"comment": "实验推迟"})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert AuditEvent.objects.for_object(booking).last().comment == "实验推迟"


def test_rejecting_without_a_reason_is_refused_and_changes_nothing(world, client_for, instrument, customer):
    booking = BookingFactory(instrument=instrument, user=customer, status=BookingStatus.REQUESTED)
    client = client_for(world.users["technician_a"])
    response = client.post(
        reverse("booking:action", args=[booking.pk, "reject"]), {"comment": ""}, follow=True
    )
    assert "请填写不通过的理由" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REQUESTED and not AuditEvent.objects.for_object(booking).exists()


def test_the_user_cannot_approve_their_own_booking(client_for, instrument, customer):
    booking = BookingFactory(instrument=instrument, user=customer, status=BookingStatus.REQUESTED)
    response = client_for(customer).post(reverse("booking:action", args=[booking.pk, "approve"]))
    assert response.status_code == 403
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REQUESTED


def test_check_in_then_complete_with_actual_times_then_the_user_is_asked_to_rate(
    world, client_for, instrument, customer, monkeypatch
):
    booking = BookingFactory(
        instrument=instrument, user=customer, starts_at=local(2026, 3, 2, 10), ends_at=local(2026, 3, 2, 12)
    )
    freeze_now(monkeypatch, local(2026, 3, 2, 10, 5))
    technician = client_for(world.users["technician_a"])
    technician.post(reverse("booking:action", args=[booking.pk, "check_in"]))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CHECKED_IN

    freeze_now(monkeypatch, local(2026, 3, 2, 13))
    technician = client_for(world.users["technician_a"])  # idle for almost three hours: staff sign in again
    technician.post(
        reverse("booking:action", args=[booking.pk, "complete"]),
        {"actual_start": "2026-03-02T10:05", "actual_end": "2026-03-02T12:30"},
    )
    booking.refresh_from_db()
    assert booking.status == BookingStatus.COMPLETED
    assert (booking.actual_start, booking.actual_end) == (local(2026, 3, 2, 10, 5), local(2026, 3, 2, 12, 30))
    owner_page = client_for(customer).get(reverse("booking:detail", args=[booking.pk])).content.decode()
    assert f"/feedback/rate/{booking.record_id}/" in owner_page and "费用结算" in owner_page


def test_unknown_action_is_not_found(client_for, instrument, customer):
    booking = BookingFactory(instrument=instrument, user=customer)
    response = client_for(customer).post(reverse("booking:action", args=[booking.pk, "delete"]))
    assert response.status_code == 404


# --- my bookings and the waitlist ---------------------------------------------------------------------------------


def test_my_bookings_lists_only_my_own_upcoming_and_past(client_for, instrument, customer):
    BookingFactory(instrument=instrument, user=customer, starts_at=local(2026, 3, 4, 10), purpose="即将")
    BookingFactory(
        instrument=instrument,
        user=customer,
        status=BookingStatus.COMPLETED,
        starts_at=local(2026, 2, 20, 10),
        ends_at=local(2026, 2, 20, 12),
    )
    BookingFactory(instrument=instrument, starts_at=local(2026, 3, 5, 10))  # someone else's
    response = client_for(customer).get(reverse("booking:mine"))
    body = response.content.decode()
    assert response.status_code == 200
    upcoming, past = response.context["upcoming"].page, response.context["past"].page
    assert [b.starts_at for b in upcoming] == [local(2026, 3, 4, 10)]
    assert [b.starts_at for b in past] == [local(2026, 2, 20, 10)]
    assert "2026-03-05" not in body


def test_my_bookings_are_paginated(client_for, instrument, customer):
    for day in range(25):
        BookingFactory(
            instrument=instrument,
            user=customer,
            starts_at=local(2026, 3, 3, 8) + dt.timedelta(days=day),
            ends_at=local(2026, 3, 3, 9) + dt.timedelta(days=day),
        )
    first = client_for(customer).get(reverse("booking:mine"))
    assert len(first.context["upcoming"].page) == 20 and "upcoming_page=2" in first.content.decode()
    second = client_for(customer).get(reverse("booking:mine") + "?upcoming_page=2")
    assert len(second.context["upcoming"].page) == 5


def test_waitlist_offer_is_accepted_from_my_bookings(client_for, instrument, customer):
    entry = WaitlistEntryFactory(
        instrument=instrument,
        user=customer,
        starts_at=local(2026, 3, 4, 14),
        ends_at=local(2026, 3, 4, 16),
        status=WaitlistEntry.Status.OFFERED,
        offered_at=NOW,
        offer_expires_at=NOW + dt.timedelta(hours=2),
    )
    client = client_for(customer)
    assert (
        reverse("booking:waitlist_accept", args=[entry.pk])
        in client.get(reverse("booking:mine")).content.decode()
    )
    response = client.post(reverse("booking:waitlist_accept", args=[entry.pk]))
    booking = Booking.objects.get()
    assert response.url == reverse("booking:detail", args=[booking.pk])
    assert booking.starts_at == local(2026, 3, 4, 14)


def test_leaving_the_waitlist_and_nobody_else_can_answer_my_entry(client_for, instrument, customer):
    entry = WaitlistEntryFactory(instrument=instrument, user=customer, starts_at=local(2026, 3, 4, 14))
    assert (
        client_for(UserFactory()).post(reverse("booking:waitlist_decline", args=[entry.pk])).status_code
        == 404
    )
    client_for(customer).post(reverse("booking:waitlist_decline", args=[entry.pk]))
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.CANCELLED


def test_offer_notifications_link_lands_on_the_waitlist(client_for, customer):
    response = client_for(customer).get("/booking/waitlist/")
    assert response.status_code == 302 and response.url == reverse("booking:mine") + "#waitlist"


# --- the service queue --------------------------------------------------------------------------------------------

# Who opens the queue, and whether unit A's pending request is in it. Unit B's admin serves unit B's
# instruments, so the page opens for them, without unit A's work.
QUEUE = {
    "manager_a": (200, True),
    "technician_a": (200, True),
    "unit_admin_a": (200, True),
    "unit_admin_b": (200, False),
    "officer_a": (403, False),
    "external_user": (403, False),
    "department_admin_a": (403, False),
}


@pytest.mark.parametrize("role", sorted(QUEUE))
def test_service_queue_is_for_service_staff_and_shows_only_their_units_work(
    world, client_for, instrument, customer, role
):
    BookingFactory(instrument=instrument, user=customer, status=BookingStatus.REQUESTED, purpose="待审")
    response = client_for(world.users[role]).get(reverse("booking:queue"))
    status, sees = QUEUE[role]
    assert response.status_code == status
    if status == 200:
        assert [b.user for b in response.context["pending"].page] == ([customer] if sees else [])
        assert (customer.get_full_name() in response.content.decode()) is sees


def test_queue_needs_login(client_for):
    response = client_for(None).get(reverse("booking:queue"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_queue_sorts_the_days_work_and_filters_by_instrument(world, client_for, instrument, customer):
    other = bookable_instrument(
        InstrumentFactory(unit=world.unit_a, registration_status=RegistrationStatus.PUBLISHED)
    )

    def make(status, start, on=instrument):
        return BookingFactory(
            instrument=on,
            user=customer,
            status=status,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
        )

    pending = make(BookingStatus.REQUESTED, local(2026, 3, 5, 10))
    arriving = make(BookingStatus.CONFIRMED, local(2026, 3, 2, 10))
    make(BookingStatus.CONFIRMED, local(2026, 3, 3, 10))  # tomorrow: not yet
    in_use = make(BookingStatus.CHECKED_IN, local(2026, 3, 2, 8), on=other)
    done = make(BookingStatus.COMPLETED, local(2026, 2, 27, 10))
    make(BookingStatus.COMPLETED, local(2026, 2, 1, 10))  # a month ago: no longer recent

    client = client_for(world.users["technician_a"])
    response = client.get(reverse("booking:queue"))
    sections = {
        name: list(response.context[name].page) for name in ("pending", "arriving", "in_use", "completed")
    }
    assert sections == {"pending": [pending], "arriving": [arriving], "in_use": [in_use], "completed": [done]}
    body = response.content.decode()
    assert reverse("booking:action", args=[pending.pk, "approve"]) in body
    assert reverse("booking:action", args=[arriving.pk, "check_in"]) in body

    response = client.get(reverse("booking:queue") + f"?instrument={other.pk}")
    assert [list(response.context[n].page) for n in ("pending", "arriving", "in_use")] == [[], [], [in_use]]


def test_approving_from_the_queue_returns_to_the_queue(world, client_for, instrument, customer):
    booking = BookingFactory(instrument=instrument, user=customer, status=BookingStatus.REQUESTED)
    response = client_for(world.users["manager_a"]).post(
        reverse("booking:action", args=[booking.pk, "approve"]), {"next": "queue"}
    )
    assert response.url == reverse("booking:queue")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


# --- panels for the instrument page and the workspace -------------------------------------------------------------


def render_tag(source, user, **context):
    request = RequestFactory().get("/")
    request.user = user if user is not None else AnonymousUser()
    return Template("{% load booking_tags %}" + source).render(RequestContext(request, context))


def test_instrument_panel_shows_hours_booking_button_and_the_managers_settings_link(world, instrument):
    for_manager = render_tag(
        "{% booking_panel instrument %}", world.users["manager_a"], instrument=instrument
    )
    assert "星期一" in for_manager and "08:00–18:00" in for_manager and "星期六" not in for_manager
    assert reverse("booking:availability", args=[instrument.pk]) in for_manager and "预约上机" in for_manager
    assert reverse("booking:settings", args=[instrument.pk]) in for_manager
    assert reverse("booking:instrument_feed", args=[instrument.pk]) in for_manager

    for user in (None, world.users["external_user"], world.users["technician_a"]):
        panel = render_tag("{% booking_panel instrument %}", user, instrument=instrument)
        assert "预约上机" in panel and reverse("booking:settings", args=[instrument.pk]) not in panel


def test_instrument_panel_is_empty_when_the_instrument_offers_no_self_operation(world, instrument):
    instrument.offers_self_operation = False
    instrument.save()
    assert render_tag("{% booking_panel instrument %}", None, instrument=instrument).strip() == ""
    # Its manager still finds the settings there, to open the service.
    panel = render_tag("{% booking_panel instrument %}", world.users["manager_a"], instrument=instrument)
    assert reverse("booking:settings", args=[instrument.pk]) in panel and "预约上机" not in panel


def test_workspace_panel_shows_my_next_bookings_and_pending_approvals_for_staff(world, instrument, customer):
    BookingFactory(instrument=instrument, user=customer, status=BookingStatus.REQUESTED)
    BookingFactory(instrument=instrument, user=customer, starts_at=local(2026, 3, 6, 10))

    mine = render_tag("{% booking_workspace %}", customer)
    assert mine.count(instrument.name) == 2 and reverse("booking:queue") not in mine

    staff = render_tag("{% booking_workspace %}", world.users["technician_a"])
    assert reverse("booking:queue") in staff and "1 个预约待审核" in staff
    assert "没有待上机的预约" in staff

    other_unit = render_tag("{% booking_workspace %}", world.users["unit_admin_b"])
    assert "待审核" not in other_unit


def test_booking_pages_speak_english_too(client_for, instrument, customer):
    client = client_for(customer)
    body = client.get(availability_url(instrument), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Book time" in body and "Submit booking" in body and "预约上机" not in body
    response = client.post(
        availability_url(instrument), booking_data(end=local(2026, 3, 4, 9)), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "The end time must be later than the start time." in error_of(response, "ends_at")
