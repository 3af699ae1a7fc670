"""The manager's booking settings page: who may open it, and each of its four forms (rules, open hours,
blackouts, qualifications) saving what it should and, on bad input, saying why beside the field and saving
nothing."""

import datetime as dt

import pytest
from django.urls import reverse

from yiqi.accounts.tests.factories import UserFactory
from yiqi.booking.models import Blackout, OpenHours, Qualification, ServiceSettings
from yiqi.booking.tests.factories import (
    BlackoutFactory,
    BookingFactory,
    QualificationFactory,
    local,
)

NOW = local(2026, 3, 2, 9)


@pytest.fixture
def manager(world, client_for):
    return client_for(world.users["manager_a"])


def settings_url(instrument):
    return reverse("booking:settings", args=[instrument.pk])


def hours(instrument):
    return sorted(
        OpenHours.objects.filter(instrument=instrument).values_list("weekday", "start_minute", "end_minute")
    )


# The instrument's manager and the unit's admins set the service; nobody else, not even the unit's technicians.
OPENS = {
    "manager_a": 200,
    "unit_admin_a": 200,
    "technician_a": 403,
    "officer_a": 403,
    "unit_admin_b": 403,
    "department_admin_a": 403,
    "external_user": 403,
}


@pytest.mark.parametrize("role", sorted(OPENS))
def test_settings_page_opens_only_for_those_who_manage_the_service(world, client_for, instrument, role):
    client = client_for(world.users[role])
    assert client.get(settings_url(instrument)).status_code == OPENS[role]
    response = client.post(settings_url(instrument), {"section": "settings", "slot_minutes": "60"})
    if OPENS[role] == 403:
        assert response.status_code == 403
        assert ServiceSettings.objects.get(pk=instrument.pk).slot_minutes == 30


def test_settings_page_needs_login_and_hides_unpublished_records_of_other_units(
    world, client_for, instrument
):
    response = client_for(None).get(settings_url(instrument))
    assert response.status_code == 302 and reverse("accounts:login") in response.url
    assert client_for(world.users["unit_admin_b"]).get(settings_url(world.draft_a)).status_code == 404


def settings_data(**changes):
    data = {
        "section": "settings",
        "bookings_open": "on",
        "slot_minutes": "30",
        "min_booking_minutes": "60",
        "max_booking_minutes": "240",
        "lead_time_hours": "24",
        "horizon_days": "14",
        "cancellation_cutoff_hours": "12",
        "weekly_quota_hours": "10",
        "internal_reserved_percent": "20",
        "requires_approval": "on",
        "closed_on_holidays": "on",
    }
    return {**data, **changes}


def test_manager_saves_the_booking_rules(manager, instrument):
    response = manager.post(settings_url(instrument), settings_data())
    assert response.status_code == 302
    conf = ServiceSettings.objects.get(pk=instrument.pk)
    assert (conf.min_booking_minutes, conf.max_booking_minutes, conf.weekly_quota_hours) == (60, 240, 10)
    assert conf.requires_approval and not conf.requires_qualification


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"max_booking_minutes": "30"}, None),
        ({"internal_reserved_percent": "120"}, "internal_reserved_percent"),
        ({"horizon_days": "abc"}, "horizon_days"),
        ({"lead_time_hours": "-1"}, "lead_time_hours"),
    ],
    ids=["max-below-min", "percent-over-100", "not-a-number", "negative"],
)
def test_bad_rules_are_refused_beside_the_field_and_nothing_changes(manager, instrument, changes, field):
    response = manager.post(settings_url(instrument), settings_data(**changes))
    assert response.status_code == 200
    body = response.content.decode()
    if field:
        assert f'id="id_{field}_error"' in body
    else:
        assert "最长预约时长不能小于最短预约时长" in body
    assert ServiceSettings.objects.get(pk=instrument.pk).max_booking_minutes == 8 * 60


def test_open_hours_editor_shows_each_weekday_with_its_periods_and_a_blank_row(manager, instrument):
    body = manager.get(settings_url(instrument)).content.decode()
    for label in ("星期一", "星期五", "星期日"):
        assert label in body
    assert 'name="d0-0-start"' in body and 'value="08:00"' in body and 'value="18:00"' in body
    assert 'name="d0-1-start"' in body  # the blank row that adds a period
    assert 'name="d6-0-start"' in body and 'name="d6-1-start"' not in body


def test_manager_sets_several_periods_a_day_and_clears_a_day(manager, instrument):
    data = {"section": "hours", **{f"rows-{day}": "2" for day in range(7)}}
    data.update({"d0-0-start": "08:30", "d0-0-end": "12:00", "d0-1-start": "14:00", "d0-1-end": "24:00"})
    data.update({"d5-0-start": "09:00", "d5-0-end": "12:00"})
    response = manager.post(settings_url(instrument), data)
    assert response.status_code == 302
    assert hours(instrument) == [(0, 510, 720), (0, 840, 1440), (5, 540, 720)]


@pytest.mark.parametrize(
    "rows, message",
    [
        ({"d0-0-start": "25:00", "d0-0-end": "12:00"}, "HH:MM"),
        ({"d0-0-start": "08:00", "d0-0-end": ""}, "HH:MM"),
        ({"d0-0-start": "12:00", "d0-0-end": "08:00"}, "结束晚于开始"),
        (
            {"d0-0-start": "08:00", "d0-0-end": "12:00", "d0-1-start": "11:00", "d0-1-end": "13:00"},
            "不能重叠",
        ),
    ],
    ids=["bad-time", "missing-end", "end-before-start", "overlap"],
)
def test_bad_open_hours_are_refused_and_the_old_hours_stay(manager, instrument, rows, message):
    before = hours(instrument)
    response = manager.post(settings_url(instrument), {"section": "hours", "rows-0": "2", **rows})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert hours(instrument) == before


def blackout_data(start, end, **changes):
    return {
        "section": "blackout",
        "blackout-kind": Blackout.Kind.MAINTENANCE,
        "blackout-starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "blackout-ends_at": end.strftime("%Y-%m-%dT%H:%M"),
        "blackout-reason": "年度保养",
        **changes,
    }


def test_manager_adds_and_removes_a_blackout(manager, instrument):
    response = manager.post(
        settings_url(instrument), blackout_data(local(2026, 3, 6, 8), local(2026, 3, 6, 18))
    )
    assert response.status_code == 302
    blackout = Blackout.objects.get()
    assert (blackout.starts_at, blackout.ends_at) == (local(2026, 3, 6, 8), local(2026, 3, 6, 18))
    assert "年度保养" in manager.get(settings_url(instrument)).content.decode()

    manager.post(reverse("booking:blackout_remove", args=[instrument.pk, blackout.pk]))
    assert not Blackout.objects.exists()


def test_a_blackout_over_a_booked_time_is_refused_beside_its_start(manager, instrument):
    BookingFactory(instrument=instrument, starts_at=local(2026, 3, 6, 10), ends_at=local(2026, 3, 6, 12))
    response = manager.post(
        settings_url(instrument), blackout_data(local(2026, 3, 6, 8), local(2026, 3, 6, 18))
    )
    assert response.status_code == 200
    assert 'id="id_blackout-starts_at_error"' in response.content.decode()
    assert not Blackout.objects.exists()


def test_blackout_of_another_instrument_cannot_be_removed_through_this_one(world, manager, instrument):
    elsewhere = BlackoutFactory(instrument=world.draft_b)
    response = manager.post(reverse("booking:blackout_remove", args=[instrument.pk, elsewhere.pk]))
    assert response.status_code == 404
    assert Blackout.objects.filter(pk=elsewhere.pk).exists()


def test_technician_cannot_remove_a_blackout(world, client_for, instrument):
    blackout = BlackoutFactory(instrument=instrument)
    response = client_for(world.users["technician_a"]).post(
        reverse("booking:blackout_remove", args=[instrument.pk, blackout.pk])
    )
    assert response.status_code == 403 and Blackout.objects.exists()


def qualification_data(who, **changes):
    return {
        "section": "qualification",
        "qualification-who": who,
        "qualification-trained_on": "2026-03-01",
        "qualification-expires_on": "2027-02-28",
        "qualification-training_record": "2026-03-01 培训考核合格",
        **changes,
    }


def test_manager_grants_a_qualification_by_username_or_phone_and_revokes_it(manager, instrument):
    trainee = UserFactory(username="trainee", phone="13800000001", full_name="赵学员")
    assert manager.post(settings_url(instrument), qualification_data("trainee")).status_code == 302
    assert manager.post(settings_url(instrument), qualification_data("13800000001")).status_code == 302
    qualification = Qualification.objects.get()
    assert qualification.user == trainee and qualification.expires_on == dt.date(2027, 2, 28)
    assert "赵学员" in manager.get(settings_url(instrument)).content.decode()

    manager.post(reverse("booking:qualification_revoke", args=[instrument.pk, qualification.pk]))
    qualification.refresh_from_db()
    assert qualification.revoked_at is not None
    assert list(manager.get(settings_url(instrument)).context["qualifications"]) == []


@pytest.mark.parametrize(
    "who, changes, field",
    [
        ("nobody", {}, "who"),
        ("trainee", {"qualification-expires_on": "2026-01-01"}, "expires_on"),
        ("trainee", {"qualification-trained_on": "not a date"}, "trained_on"),
    ],
    ids=["unknown-user", "expires-before-training", "bad-date"],
)
def test_a_refused_grant_says_why_beside_the_field(manager, instrument, who, changes, field):
    UserFactory(username="trainee")
    response = manager.post(settings_url(instrument), qualification_data(who, **changes))
    assert response.status_code == 200
    assert f'id="id_qualification-{field}_error"' in response.content.decode()
    assert not Qualification.objects.exists()


def test_a_phone_shared_by_two_users_asks_for_the_username(manager, instrument):
    UserFactory(phone="13800000002")
    UserFactory(phone="13800000002")
    response = manager.post(settings_url(instrument), qualification_data("13800000002"))
    assert "请输入用户名" in response.content.decode()
    assert not Qualification.objects.exists()


def test_qualification_of_another_instrument_cannot_be_revoked_through_this_one(world, manager, instrument):
    elsewhere = QualificationFactory(instrument=world.draft_b)
    response = manager.post(reverse("booking:qualification_revoke", args=[instrument.pk, elsewhere.pk]))
    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.revoked_at is None
