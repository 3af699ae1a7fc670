"""Login throttling behind the reverse proxy: who the client is, and lockouts that cannot lock anyone else out."""

import json
import os
import subprocess
import sys
import uuid

import pytest
from axes.utils import reset as axes_reset
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import PASSWORD, UserFactory, user_with_role
from yiqi.accounts.throttling import client_address
from yiqi.core.tests.redis_server import redis_reachable

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # the nginx in front of the application: every request arrives from here
ALICE, MALLORY = "198.51.100.7", "203.0.113.9"
TOKEN_URL = "/api/v1/auth/token/"
REDIS_TEST_URL = "redis://127.0.0.1:6379/11"  # a database of its own, so that nothing else's keys are touched


@pytest.fixture(autouse=True)
def fresh_limits(db, settings):
    """Lockouts live in axes' tables and throttle counters in the cache: every test starts clean."""
    settings.YIQI_TRUSTED_PROXY_COUNT = 1
    cache.clear()
    axes_reset()
    yield
    cache.clear()


def through_proxy(address: str, claimed: str = "") -> dict:
    """What the application sees of a client at ``address`` behind one nginx (``proxy_add_x_forwarded_for``)."""
    forwarded = f"{claimed}, {address}" if claimed else address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded}


def web_login(client, username, password, **meta):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, **meta)


def ask_token(username, password, **meta):
    return APIClient().post(TOKEN_URL, {"username": username, "password": password}, format="json", **meta)


# The client address ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "trusted, remote, forwarded, expected",
    [
        (0, "192.0.2.1", "", "192.0.2.1"),
        (
            0,
            "192.0.2.1",
            "203.0.113.5",
            "192.0.2.1",
        ),  # no proxy trusted: a client's header counts for nothing
        (1, PROXY, "198.51.100.7", "198.51.100.7"),
        (1, PROXY, "1.2.3.4, 198.51.100.7", "198.51.100.7"),  # the client's own left-most claim is skipped
        (2, PROXY, "1.2.3.4, 198.51.100.7, 172.16.0.9", "198.51.100.7"),  # CDN + nginx
        (1, PROXY, "2001:db8::1", "2001:db8::1"),
        (2, PROXY, "198.51.100.7", PROXY),  # fewer hops than trusted proxies: not through them, use the peer
        (1, PROXY, "not-an-address", PROXY),
    ],
)
def test_the_client_address_is_what_the_trusted_proxies_vouch_for(
    settings, trusted, remote, forwarded, expected
):
    settings.YIQI_TRUSTED_PROXY_COUNT = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


# Lockouts ------------------------------------------------------------------------------------------------------


def test_failures_from_one_address_do_not_lock_the_account_for_another_address(client):
    admin = user_with_role(Role.PLATFORM_ADMIN, username="admin")
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        web_login(client, "admin", "wrong-password", **through_proxy(MALLORY))

    locked = web_login(client, "admin", PASSWORD, **through_proxy(MALLORY))
    assert locked.status_code == 429

    alice = web_login(client, "admin", PASSWORD, **through_proxy(ALICE))
    assert alice.status_code == 302 and alice.url == reverse("portal:workspace")
    assert client.session["_auth_user_id"] == str(admin.pk)
    assert ask_token("admin", PASSWORD, **through_proxy(ALICE)).status_code == 200
    assert ask_token("admin", PASSWORD, **through_proxy(MALLORY)).status_code == 429


def test_the_lockout_page_says_in_chinese_that_this_address_waits(client):
    UserFactory(username="target")
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        web_login(client, "target", "wrong-password", **through_proxy(MALLORY))
    page = web_login(client, "target", PASSWORD, **through_proxy(MALLORY))
    assert page.status_code == 429
    text = page.content.decode()
    assert "来自您当前网络地址的登录已暂停 15 分钟" in text
    assert "在其他网络中仍可正常登录" in text
    assert page["Retry-After"] == str(15 * 60)


def test_one_address_trying_many_accounts_is_refused_after_the_per_address_limit(client):
    limit = django_settings.YIQI_LOGIN_FAILURES_PER_ADDRESS
    UserFactory(username="victim")
    statuses = [
        web_login(client, f"account{n:02d}", "wrong-password", **through_proxy(MALLORY)).status_code
        for n in range(40)
    ]
    assert statuses[: limit - 1] == [200] * (limit - 1)  # the form's "wrong password", each processed
    assert statuses[limit - 1 :] == [429] * (40 - limit + 1)
    # The address is refused whatever the account, also on the API; the accounts are not.
    assert web_login(client, "victim", PASSWORD, **through_proxy(MALLORY)).status_code == 429
    assert ask_token("victim", PASSWORD, **through_proxy(MALLORY)).status_code == 429
    assert web_login(client, "victim", PASSWORD, **through_proxy(ALICE)).status_code == 302


def test_a_successful_login_of_ones_own_account_does_not_wipe_the_address_count(client):
    UserFactory(username="mallory")
    limit = django_settings.YIQI_LOGIN_FAILURES_PER_ADDRESS
    for n in range(limit - 1):
        web_login(client, f"guess{n}", "wrong-password", **through_proxy(MALLORY))
    assert web_login(client, "mallory", PASSWORD, **through_proxy(MALLORY)).status_code == 302
    client.logout()
    assert web_login(client, "guess-last", "wrong-password", **through_proxy(MALLORY)).status_code == 429


def test_rotating_x_forwarded_for_does_not_escape_the_lockout(client):
    UserFactory(username="target")
    for n in range(django_settings.AXES_FAILURE_LIMIT):
        web_login(client, "target", "wrong-password", **through_proxy(MALLORY, claimed=f"192.0.2.{n}"))
    refused = web_login(client, "target", PASSWORD, **through_proxy(MALLORY, claimed="192.0.2.200"))
    assert refused.status_code == 429


# The token endpoint's rate limit ----------------------------------------------------------------------------------


def test_rotating_x_forwarded_for_does_not_escape_the_token_rate_limit():
    statuses = [
        ask_token(f"guess{n}", "wrong-password", **through_proxy(MALLORY, claimed=f"192.0.2.{n}")).status_code
        for n in range(25)
    ]
    assert statuses.count(400) == 10  # DEFAULT_THROTTLE_RATES["login"] = 10/min
    assert statuses[10:] == [429] * 15
    # Another client behind the same proxy is not affected.
    assert ask_token("guess", "wrong-password", **through_proxy(ALICE)).status_code == 400


def test_without_a_trusted_proxy_a_forged_header_counts_for_nothing(settings):
    settings.YIQI_TRUSTED_PROXY_COUNT = 0
    statuses = [
        ask_token(
            f"guess{n}", "wrong-password", REMOTE_ADDR=MALLORY, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}"
        ).status_code
        for n in range(25)
    ]
    assert statuses.count(400) == 10


# A shared cache ------------------------------------------------------------------------------------------------

COUNT_IN_ANOTHER_PROCESS = """
import json, django
django.setup()
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from rest_framework.views import APIView
from yiqi.accounts.throttling import LoginRateThrottle

view = APIView()
view.throttle_scope = "login"
allowed = 0
for _ in range(6):
    request = RequestFactory().post("/api/v1/auth/token/", REMOTE_ADDR={address!r})
    request.user = AnonymousUser()
    allowed += LoginRateThrottle().allow_request(request, view)
print(json.dumps({{
    "backend": settings.CACHES["default"]["BACKEND"],
    "allowed": allowed,
    "trusted_proxies": settings.YIQI_TRUSTED_PROXY_COUNT,
}}))
"""


def run_in_another_process(env: dict, address: str) -> dict:
    environment = {k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "REDIS_URL", "DATABASE_URL"}}
    environment.update(DJANGO_SETTINGS_MODULE="yiqi.settings", DJANGO_ENV="development", **env)
    done = subprocess.run(
        [sys.executable, "-c", COUNT_IN_ANOTHER_PROCESS.format(address=address)],
        cwd=django_settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not redis_reachable(REDIS_TEST_URL), reason="no Redis at 127.0.0.1:6379")
def test_with_redis_two_processes_share_one_throttle_count():
    import redis

    address = f"2001:db8::{uuid.uuid4().int % 0xFFFF:x}"  # a fresh client for every run
    try:
        first = run_in_another_process({"REDIS_URL": REDIS_TEST_URL}, address)
        second = run_in_another_process({"REDIS_URL": REDIS_TEST_URL}, address)
    finally:
        redis.Redis.from_url(REDIS_TEST_URL).flushdb()
    assert first["backend"] == second["backend"] == "django.core.cache.backends.redis.RedisCache"
    assert first["allowed"] + second["allowed"] == 10  # 10/min in all, not 10/min in each process


def test_by_default_the_cache_stays_in_memory_and_no_proxy_is_trusted():
    alone = run_in_another_process({}, "192.0.2.1")
    assert alone["backend"] == "django.core.cache.backends.locmem.LocMemCache"
    assert alone["allowed"] == 6
    assert alone["trusted_proxies"] == 0
