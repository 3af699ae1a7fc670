"""API tokens for units' own systems: issued for a correct password, refused and throttled otherwise."""

import pytest
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.core.cache import cache
from knox.models import AuthToken
from rest_framework.test import APIClient

from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import PASSWORD, user_with_role
from yiqi.organizations.tests.factories import OrganizationFactory
from yiqi.registry.models import Instrument

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def fresh_limits(db):
    """Throttle counters live in the cache and lockouts in axes' tables: start every test clean."""
    cache.clear()
    axes_reset()
    yield
    cache.clear()


@pytest.fixture
def unit():
    return OrganizationFactory(name="甲大学")


@pytest.fixture
def officer(unit):
    return user_with_role(Role.INFORMATION_OFFICER, organization=unit, username="officer")


def ask_token(username="officer", password=PASSWORD, client=None, **kwargs):
    return (client or APIClient()).post(TOKEN_URL, {"username": username, "password": password}, **kwargs)


def test_token_lets_a_unit_system_register_an_instrument(unit, officer):
    response = ask_token(format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    stored = AuthToken.objects.get(user=officer)
    assert token.startswith(stored.token_key) and token != stored.digest  # only a digest is kept
    assert ask_token().json()["token"] != token  # each request issues a new token (form-encoded works too)

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    created = client.post(
        "/api/v1/instruments/",
        {
            "unit": unit.pk,
            "asset_number": "SYS-0001",
            "name": "X 射线衍射仪",
            "category": "010000",
            "original_value": "860000.00",
            "manufacturer": "布鲁克",
            "country_of_origin": "DE",
            "model_spec": "D8 ADVANCE",
            "technical_indicators": "测角仪半径 280 mm",
            "main_functions": "物相分析",
            "acceptance_date": "2024-06-03",
            "contact_name": "赵老师",
            "contact_phone": "029-88885555",
        },
        format="json",
    )

    assert created.status_code == 201, created.content
    instrument = Instrument.objects.get(pk=created.json()["id"])
    assert instrument.created_by == officer
    assert instrument.history.get().history_user == officer


def test_token_request_updates_last_login(officer):
    assert officer.last_login is None
    ask_token()
    officer.refresh_from_db()
    assert officer.last_login is not None


def test_a_bad_token_is_refused(unit):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    response = client.get("/api/v1/instruments/")
    assert response.status_code in (401, 403)


@pytest.mark.parametrize(
    "username, password",
    [
        ("officer", "wrong-password"),
        ("nobody", PASSWORD),
        ("OFFICER", PASSWORD),
    ],
)
def test_wrong_credentials_are_a_bad_request_in_chinese(officer, username, password):
    response = ask_token(username, password, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["用户名或密码不正确。"]}
    assert not AuthToken.objects.exists()


def test_inactive_users_get_no_token(officer):
    officer.is_active = False
    officer.save()
    assert ask_token().status_code == 400


@pytest.mark.parametrize(
    "body", [{}, {"username": "officer"}, {"password": PASSWORD}, {"username": "", "password": ""}]
)
def test_missing_fields_are_field_errors(officer, body):
    response = APIClient().post(TOKEN_URL, body, format="json")
    assert response.status_code == 400
    assert set(response.json()) <= {"username", "password"}


def test_repeated_failures_lock_the_account_even_for_the_right_password(officer, settings):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert ask_token(password="wrong-password").status_code == 400

    locked = ask_token(password="wrong-password")
    assert locked.status_code == 429
    assert "锁定" in locked.json()["detail"]
    assert int(locked["Retry-After"]) == 15 * 60
    assert ask_token().status_code == 429  # the right password does not help now
    assert not AuthToken.objects.exists()

    axes_reset(username="officer")
    assert ask_token().status_code == 200


def test_lockout_is_per_username(officer):
    user_with_role(
        Role.INFORMATION_OFFICER, organization=officer.role_assignments.get().organization, username="other"
    )
    for _ in range(5):
        ask_token(password="wrong-password")
    assert AccessAttempt.objects.filter(username="officer").exists()
    assert ask_token("other").status_code == 200


def test_a_successful_token_request_clears_earlier_failures(officer):
    for _ in range(3):
        ask_token(password="wrong-password")
    assert ask_token().status_code == 200
    for _ in range(3):
        assert ask_token(password="wrong-password").status_code == 400  # a fresh count, not locked yet


def test_token_requests_are_throttled(officer):
    # Different usernames so that axes' per-user lockout does not kick in first: this is the per-address limit.
    for n in range(10):
        assert ask_token(f"guess{n}", "wrong-password").status_code == 400
    throttled = ask_token()
    assert throttled.status_code == 429
    assert "Retry-After" in throttled


def test_token_endpoint_ignores_a_session_without_csrf(officer):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(officer)
    assert ask_token(client=client).status_code == 200


def test_token_endpoint_is_documented():
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert set(operation["responses"]) == {"200", "400", "429"}
    request_schema = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[
        -1
    ]
    assert set(schema["components"]["schemas"][request_schema]["properties"]) == {"username", "password"}
