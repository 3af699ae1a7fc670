"""Sessions end after inactivity, sooner for staff; a staff session no longer lasts 14 days (finding 8, sessions)."""

import datetime as dt

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import UserFactory, user_with_role
from yiqi.organizations.tests.factories import OrganizationFactory


class Clock:
    """timezone.now, moved by hand."""

    def __init__(self, monkeypatch):
        self.start = timezone.now()
        self.offset = dt.timedelta()
        monkeypatch.setattr(timezone, "now", lambda: self.start + self.offset)

    def at(self, minutes: float):
        self.offset = dt.timedelta(minutes=minutes)


def signed_in(client) -> bool:
    response = client.get(reverse("accounts:profile"))
    return response.status_code == 200 and SESSION_KEY in client.session


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def technician(db):
    return user_with_role(Role.TECHNICIAN, organization=OrganizationFactory())


def test_a_staff_session_ends_after_two_idle_hours(client, technician, clock):
    client.force_login(technician)
    clock.at(119)
    assert signed_in(client)
    clock.at(119 + 121)
    assert not signed_in(client)
    page = client.get(reverse("accounts:login"))
    assert "长时间未操作" in page.content.decode() or "长时间未操作" in str(
        [str(m) for m in page.context["messages"]]
    )


def test_activity_keeps_a_session_alive_and_dropping_the_activity_cookie_does_not(client, technician, clock):
    client.force_login(technician)
    for minutes in (100, 200, 300, 400):
        clock.at(minutes)
        assert signed_in(client), minutes
    del client.cookies["yiqi_seen"]
    clock.at(401)
    assert not signed_in(client)  # without the cookie, the login (400 minutes ago) is the last activity


def test_someone_elses_activity_cookie_does_not_refresh_a_session(client, technician, clock):
    from django.test import Client

    client.force_login(technician)  # at 0, then left alone
    other = Client()
    other.force_login(user_with_role(Role.TECHNICIAN, organization=OrganizationFactory()))
    clock.at(100)
    other.get(reverse("accounts:profile"))
    client.cookies["yiqi_seen"] = other.cookies["yiqi_seen"].value  # signed, fresh, but another session's
    clock.at(150)
    assert not signed_in(client)


def test_other_users_stay_signed_in_for_a_day_of_inactivity(client, db, clock):
    client.force_login(UserFactory())
    clock.at(23 * 60)
    assert signed_in(client)
    clock.at(23 * 60 + 24 * 60 + 1)
    assert not signed_in(client)


@pytest.mark.parametrize(
    "role, scope",
    [(Role.UNIT_ADMIN, "organization"), (Role.DEPARTMENT_ADMIN, "department"), (Role.PLATFORM_ADMIN, None)],
)
def test_a_staff_session_lasts_hours_not_fourteen_days(client, db, clock, role, scope, settings):
    from yiqi.organizations.tests.factories import DepartmentFactory

    where = {
        "organization": {"organization": OrganizationFactory()},
        "department": {"department": DepartmentFactory()},
    }
    user = user_with_role(role, **where.get(scope, {}))
    client.force_login(user)
    assert client.session.get_expiry_age() == settings.YIQI_STAFF_SESSION_HOURS * 3600 < 14 * 24 * 3600
    for minutes in range(100, settings.YIQI_STAFF_SESSION_HOURS * 60, 100):
        clock.at(minutes)
        assert signed_in(client), minutes
    clock.at(settings.YIQI_STAFF_SESSION_HOURS * 60 + 1)
    assert not signed_in(client)


def test_the_idle_limits_are_settings(client, technician, clock, settings):
    settings.YIQI_STAFF_IDLE_MINUTES = 15
    client.force_login(technician)
    clock.at(16)
    assert not signed_in(client)


def test_reading_a_page_writes_no_session_row(client, technician, clock):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(technician)
    clock.at(30)
    with CaptureQueriesContext(connection) as queries:
        assert signed_in(client)
    assert not [q for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
