"""API tokens: stored only as a digest, each expires, listed on the profile page and revocable; no session rows."""

import datetime as dt

import pytest
from axes.utils import reset as axes_reset
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from yiqi.accounts.tasks import purge_expired_api_tokens
from yiqi.accounts.tests.factories import PASSWORD, UserFactory
from yiqi.accounts.tokens import MAX_TOKENS_PER_USER, issue_token

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
ME_URL = "/api/v1/bookings/"  # only for a signed-in user
REFUSED = 403  # SessionAuthentication comes first, and it names no WWW-Authenticate scheme


@pytest.fixture(autouse=True)
def fresh_limits(db):
    cache.clear()
    axes_reset()
    yield
    cache.clear()


@pytest.fixture
def user():
    return UserFactory(username="system")


def api(token=None):
    client = APIClient()
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def ask_token():
    return APIClient().post(TOKEN_URL, {"username": "system", "password": PASSWORD}, format="json")


def stored_values(row: AuthToken) -> list[str]:
    return [str(getattr(row, field.attname)) for field in AuthToken._meta.concrete_fields]


def test_the_database_never_holds_the_token_itself(user):
    response = ask_token()
    assert response.status_code == 200
    token = response.json()["token"]
    row = AuthToken.objects.get(user=user)
    assert all(token not in value for value in stored_values(row))
    assert len(row.digest) == 128  # SHA-512
    assert api(token).get(ME_URL).status_code == 200
    assert api().get(ME_URL).status_code == REFUSED


def test_a_token_expires_after_the_configured_lifetime(user, settings):
    before = timezone.now()
    expiry = dt.datetime.fromisoformat(ask_token().json()["expiry"])
    assert dt.timedelta(days=89, hours=23) < expiry - before <= dt.timedelta(days=90, minutes=1)

    settings.YIQI_API_TOKEN_DAYS = 7
    expiry = dt.datetime.fromisoformat(ask_token().json()["expiry"])
    assert expiry - before <= dt.timedelta(days=7, minutes=1)


def test_an_expired_token_is_refused_in_chinese_and_a_get_writes_nothing(user):
    row, token = issue_token(user)
    AuthToken.objects.filter(pk=row.pk).update(expiry=timezone.now() - dt.timedelta(seconds=1))

    response = api(token).get(ME_URL)
    assert response.status_code == REFUSED
    assert "过期" in response.json()["detail"]
    assert AuthToken.objects.filter(pk=row.pk).exists()  # refused, not deleted by a GET


def test_the_nightly_task_removes_only_expired_tokens(user):
    expired, _ = issue_token(user)
    live, _ = issue_token(user)
    AuthToken.objects.filter(pk=expired.pk).update(expiry=timezone.now() - dt.timedelta(days=1))
    assert purge_expired_api_tokens.call_local() == 1
    assert list(AuthToken.objects.values_list("pk", flat=True)) == [live.pk]


def test_an_old_plain_token_is_no_longer_accepted(user):
    response = api("0123456789abcdef0123456789abcdef01234567").get(ME_URL)
    assert response.status_code == REFUSED
    assert response.json()["detail"] == "API 令牌无效。"


def test_a_deactivated_users_token_is_refused(user):
    _, token = issue_token(user)
    user.is_active = False
    user.save()
    assert api(token).get(ME_URL).status_code == REFUSED


def test_a_token_request_creates_no_session(user):
    sessions = Session.objects.count()
    for _ in range(3):
        response = ask_token()
        assert response.status_code == 200
        assert "sessionid" not in response.cookies
    assert Session.objects.count() == sessions


def test_a_script_asking_on_every_run_keeps_at_most_the_newest_tokens(user):
    tokens = [issue_token(user)[1] for _ in range(MAX_TOKENS_PER_USER + 2)]
    assert AuthToken.objects.filter(user=user).count() == MAX_TOKENS_PER_USER
    assert api(tokens[0]).get(ME_URL).status_code == REFUSED
    assert api(tokens[-1]).get(ME_URL).status_code == 200


# The profile page ----------------------------------------------------------------------------------------------


def test_the_profile_page_shows_a_new_token_once_and_then_only_its_prefix(client, user):
    client.force_login(user)
    issued = client.post(reverse("accounts:profile"), {"issue": "1"})
    assert issued.status_code == 200
    token = issued.context["new_token"]
    assert token in issued.content.decode()
    assert "no-store" in issued["Cache-Control"]
    assert api(token).get(ME_URL).status_code == 200

    page = client.get(reverse("accounts:profile")).content.decode()
    assert token not in page
    assert token[:8] in page
    row = AuthToken.objects.get(user=user)
    assert timezone.localtime(row.expiry).strftime("%Y-%m-%d %H:%M") in page
    assert timezone.localtime(row.created).strftime("%Y-%m-%d %H:%M") in page


def test_an_expired_token_is_marked_on_the_profile_page(client, user):
    row, _ = issue_token(user)
    AuthToken.objects.filter(pk=row.pk).update(expiry=timezone.now() - dt.timedelta(days=1))
    client.force_login(user)
    assert "已过期" in client.get(reverse("accounts:profile")).content.decode()


def test_a_revoked_token_stops_working(client, user):
    row, token = issue_token(user)
    _, kept = issue_token(user)
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), {"revoke": row.token_key}, follow=True)
    assert "已撤销" in response.content.decode()
    assert api(token).get(ME_URL).status_code == REFUSED
    assert api(kept).get(ME_URL).status_code == 200


def test_nobody_revokes_another_users_token(client, user):
    row, token = issue_token(UserFactory(username="other"))
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), {"revoke": row.token_key}, follow=True)
    assert "没有找到" in response.content.decode()
    assert api(token).get(ME_URL).status_code == 200
