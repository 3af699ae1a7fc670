"""Every change a manager makes to an instrument's booking set-up leaves a trace: who, when, the old and new values,
on the settings page. A removed blackout stops closing time but is kept with who removed it and when."""

import datetime as dt

import pytest
from django.urls import reverse

from yiqi.accounts.access import access_for
from yiqi.booking import services
from yiqi.booking.availability import availability
from yiqi.booking.models import Blackout, Qualification
from yiqi.booking.tests.factories import QualificationFactory, local
from yiqi.core.models import AuditEvent

NOW = local(2026, 3, 2, 9)


def settings_url(instrument):
    return reverse("booking:settings", args=[instrument.pk])


def rows(instrument):
    return services.settings_history(instrument)


def test_a_settings_change_shows_old_new_and_who_on_the_settings_page(world, client_for, instrument):
    manager = world.users["manager_a"]
    client = client_for(manager)
    response = client.post(settings_url(instrument), {"section": "settings", "slot_minutes": "60",
                                                      "min_booking_minutes": "60", "max_booking_minutes": "480",
                                                      "lead_time_hours": "2", "horizon_days": "90",
                                                      "cancellation_cutoff_hours": "4",
                                                      "internal_reserved_percent": "0", "bookings_open": "on",
                                                      "closed_on_holidays": "on"})  # fmt: skip
    assert response.status_code == 302
    (row,) = rows(instrument)
    changes = {c["field"]: (c["label"], c["old"], c["new"]) for c in row["changes"]}
    assert changes["slot_minutes"] == ("时间粒度", "30 分钟", "1 小时")
    assert changes["min_booking_minutes"][1:] == ("30", "60")
    assert row["actor"] == manager and row["action_label"] == "修改"
    page = client.get(settings_url(instrument)).content.decode()
    assert "变更记录" in page and "→ 1 小时" in page and manager.get_full_name() in page


def test_saving_unchanged_settings_writes_no_row(world, instrument):
    services.save_service_settings(instrument, actor=world.users["manager_a"], slot_minutes=30)
    assert rows(instrument) == []


def test_open_hours_changes_are_logged_per_weekday(world, instrument):
    admin = world.users["unit_admin_a"]
    periods = [(day, 8 * 60, 18 * 60) for day in range(4)] + [(4, 8 * 60, 12 * 60), (5, 9 * 60, 12 * 60)]
    services.set_open_hours(instrument, periods, actor=admin)
    (row,) = rows(instrument)
    assert row["actor"] == admin and row["action"] == "open_hours"
    assert {c["field"]: (c["old"], c["new"]) for c in row["changes"]} == {
        "星期五": ("08:00–18:00", "08:00–12:00"),
        "星期六": ("", "09:00–12:00"),
    }


def test_a_deleted_blackout_is_gone_from_availability_but_kept_with_who_and_when(
    world, client_for, instrument
):
    manager = world.users["manager_a"]
    start, end = local(2026, 3, 6, 8), local(2026, 3, 6, 18)
    blackout = services.add_blackout(
        instrument,
        starts_at=start,
        ends_at=end,
        kind=Blackout.Kind.MAINTENANCE,
        reason="年度保养",
        actor=manager,
    )
    day = availability(instrument, start, end, access=access_for(manager))
    assert day.open == []

    client = client_for(world.users["unit_admin_a"])
    url = reverse("booking:blackout_remove", args=[instrument.pk, blackout.pk])
    assert client.post(url).status_code == 302

    assert availability(instrument, start, end, access=access_for(manager)).open == [
        (start.astimezone(dt.UTC), end.astimezone(dt.UTC))
    ]
    assert not Blackout.objects.filter(pk=blackout.pk).exists()
    kept = Blackout.all_objects.get(pk=blackout.pk)
    assert kept.removed_by == world.users["unit_admin_a"] and kept.removed_at == NOW
    api = client.get(f"/api/v1/instruments/{instrument.pk}/blackouts/").json()
    assert api == []
    deleted, created = rows(instrument)
    assert (deleted["action"], deleted["actor"]) == ("delete", world.users["unit_admin_a"])
    assert (created["action"], created["actor"]) == ("create", manager)
    assert {c["field"]: c["old"] for c in deleted["changes"]}["starts_at"] == "2026-03-06 08:00"
    # Removing it again is refused in words, not with a 500 or a second row.
    response = client.post(url)
    assert response.status_code == 404
    assert len(rows(instrument)) == 2


def test_revoking_a_qualification_records_who_did_it(world, client_for, instrument):
    holder = world.users["external_user"]
    qualification = QualificationFactory(instrument=instrument, user=holder)
    admin = world.users["unit_admin_a"]
    url = reverse("booking:qualification_revoke", args=[instrument.pk, qualification.pk])
    assert client_for(admin).post(url).status_code == 302

    qualification.refresh_from_db()
    assert qualification.revoked_by == admin and qualification.revoked_at == NOW
    event = AuditEvent.objects.for_object(qualification).get()
    assert (event.action, event.actor) == ("revoke", admin)
    (row,) = rows(instrument)
    assert holder.username in row["about"]
    assert [(c["label"], c["old"], c["new"]) for c in row["changes"]] == [
        ("撤销时间", "", "2026-03-02 09:00")
    ]


def test_granting_and_renewing_a_qualification_are_logged(world, instrument):
    manager, holder = world.users["manager_a"], world.users["external_user"]
    trained = dt.date(2026, 3, 1)
    services.grant_qualification(
        instrument, holder, trained_on=trained, expires_on=dt.date(2027, 3, 1), actor=manager
    )
    services.grant_qualification(
        instrument, holder, trained_on=trained, expires_on=dt.date(2028, 3, 1), actor=manager
    )
    renewed, granted = rows(instrument)
    assert granted["action"] == "grant" and renewed["action"] == "update"
    assert [(c["field"], c["old"], c["new"]) for c in renewed["changes"]] == [
        ("expires_on", "2027-03-01", "2028-03-01")
    ]
    assert Qualification.objects.get().granted_by == manager


@pytest.mark.parametrize("role", ["unit_admin_b", "technician_a"])
def test_history_is_on_a_page_only_managers_open(world, client_for, instrument, role):
    assert client_for(world.users[role]).get(settings_url(instrument)).status_code == 403
