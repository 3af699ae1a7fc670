"""Reading never writes: every page and API route, read as each role, runs no INSERT, UPDATE or DELETE (but the
read-log row of a download or export in INTENDED_WRITES) and never answers 500. A new route fails test_every_route_is_walked until
read_routes.ROUTES says how to address it."""

import datetime as dt
import re
from http.cookies import SimpleCookie
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yiqi.booking.models import BookingStatus
from yiqi.booking.tests.factories import BookingFactory
from yiqi.core.tests.read_routes import ROLES, ROUTES, build_scene, project_routes, query_for
from yiqi.feedback import services as feedback
from yiqi.fees import services as fees
from yiqi.orders.tests.conftest import submit

WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)

# Reads that still write or fail; strict, so each flips to a failure once fixed. Route → (roles, why). A route
# ending in .json is the format-suffix twin, one ending in [n] only the n-th object read_routes.ROUTES gives it.
# Empty: fix the read instead of listing it here.
KNOWN_FAILURES: dict[str, tuple[tuple[str, ...], str]] = {}

# The one write a read is meant to make, and nothing wider: a download of a results file or of usage evidence, and
# every export, is one row of the sensitive-read log (who read what, for which unit). Route → (roles, the statement
# allowed). Any other write during these reads, or this one on any other route, still fails.
READ_LOG = re.compile(
    r'\s*INSERT INTO "core_auditevent" \("content_type_id", "object_id", "action", "from_state", "to_state", '
    r'"actor_id", "comment", "data", "created_at"\) VALUES \(\d+, \d+, \'(download|export)\', \'\', \'\', \d+, '
)
DOWNLOADS = (
    "orders:download_result",
    "api-order-download-result",
    "api-order-download-result.json",
    "usage:record_evidence",
    "api-usage-record-evidence",
    "api-usage-record-evidence.json",
)
EXPORTS = ("registry:export", "fees:statement_export", "usage:record_export")
INTENDED_WRITES: dict[str, tuple[tuple[str, ...], re.Pattern]] = {
    route: (ROLES, READ_LOG) for route in (*DOWNLOADS, *EXPORTS)
}


# Every page and API answers within this many queries, whatever the role (issue 12).
MAX_QUERIES = 15
# Pages still over it, pinned at today's count for the scene's world, so none may grow: route → {role: queries}.
# Strict: a page back within MAX_QUERIES fails until it leaves this list. Empty: fold the reads instead.
OVER_BUDGET: dict[str, dict[str, int]] = {}


def query_budget(label: str, variant: int, role: str) -> int:
    return OVER_BUDGET.get(f"{label}[{variant}]", {}).get(role, MAX_QUERIES)


def _intended(label: str, role: str, sql: str) -> bool:
    roles, statement = INTENDED_WRITES.get(label, ((), None))
    return role in roles and statement.match(sql) is not None


def _cases():
    for route in project_routes():
        builders = ROUTES.get(route.name)
        if builders is None:
            continue  # reported by test_every_route_is_walked
        builders = builders if isinstance(builders, tuple) else (builders,)
        for variant, builder in enumerate(builders):
            for role in ROLES:
                label = f"{route.name}.json" if route.has_format else route.name
                known = KNOWN_FAILURES.get(f"{label}[{variant}]") or KNOWN_FAILURES.get(label)
                marks = (
                    [pytest.mark.xfail(strict=True, reason=known[1])] if known and role in known[0] else []
                )
                yield pytest.param(
                    route, builder, role, variant, marks=marks, id=f"{label}[{variant}]-{role}"
                )


@pytest.fixture(scope="module", autouse=True)
def media_in_tmp(tmp_path_factory):
    """Replaces the per-test conftest fixture: the world's files must outlive each test."""
    root = tmp_path_factory.mktemp("reads")
    with override_settings(MEDIA_ROOT=root / "media", PRIVATE_MEDIA_ROOT=root / "private"):
        yield


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, media_in_tmp):
    """One world, one signed-in session per role and one client (it loads the middleware once) for the whole
    module, rolled back at its end. Logging in happens here, so its writes (session row, last_login) are never
    inside a captured read."""
    with django_db_blocker.unblock(), transaction.atomic():
        scene, client, sessions = build_scene(), Client(), {}
        for role, user in scene.users.items():
            if user is not None:
                client.cookies = SimpleCookie()  # a new session each, not a switch of user in one
                client.force_login(user)
                sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        yield scene, client, sessions
        transaction.set_rollback(True)


def test_every_route_is_walked():
    names = {route.name for route in project_routes()}
    missing, stale = sorted(names - ROUTES.keys()), sorted(ROUTES.keys() - names)
    assert not missing, f"routes without an address in read_routes.ROUTES: {missing}"
    assert not stale, f"read_routes.ROUTES names routes that no longer exist: {stale}"


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "builder", "role", "variant"), list(_cases()))
def test_reading_writes_nothing(world, route, builder, role, variant):
    scene, client, sessions = world
    kwargs = builder(scene)
    if route.has_format:
        kwargs["format"] = "json"
    url = reverse(route.name, kwargs=kwargs)
    if query := query_for(route.name):
        url = f"{url}?{query}"
    client.cookies = SimpleCookie({settings.SESSION_COOKIE_NAME: sessions[role]} if role in sessions else {})

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:  # exports and downloads query while they stream; the client closes them after
            b"".join(response.streaming_content)

    label = f"{route.name}.json" if route.has_format else route.name
    all_writes = [query["sql"] for query in queries if WRITE.match(query["sql"])]
    writes = [sql for sql in all_writes if not _intended(label, role, sql)]
    assert response.status_code < 500, f"GET {url} as {role}"
    budget = query_budget(label, variant, role)
    assert len(queries) <= budget, f"GET {url} as {role} ran {len(queries)} queries:\n" + "\n".join(
        query["sql"][:200] for query in queries
    )
    if budget > MAX_QUERIES:
        assert len(queries) > MAX_QUERIES, (
            f"GET {url} as {role} is within {MAX_QUERIES}: drop it from OVER_BUDGET"
        )
    assert not writes, f"GET {url} as {role} wrote:\n" + "\n".join(writes)
    assert len(all_writes) <= 1, f"GET {url} as {role} logged the read more than once:\n" + "\n".join(
        all_writes
    )
    if label in INTENDED_WRITES and response.status_code == 200:
        assert len(all_writes) == 1, f"GET {url} as {role} was not logged in the read log"


# Pages whose panels list rows: their counts must not move when the world holds more of everything.
GROWING_PAGES = (
    "portal:workspace",
    "registry:instrument_detail",
    "orders:detail",
    "booking:mine",
    "booking:queue",
    "orders:mine",
    "orders:queue",
    "fees:mine",
    "fees:unit",
    "fees:statement",
    "usage:dashboard",
    "registry:review_queue",
)


def _more_of_everything(scene):
    """Three more finished, billed and rated bookings, one more unrated, two more orders and complaints."""
    company, manager = scene.users["enterprise"], scene.users["manager"]
    ended = scene.booking.starts_at - dt.timedelta(days=3)
    for n in range(4):
        booking = BookingFactory(
            instrument=scene.published,
            user=company,
            user_organization=scene.booking.user_organization,
            status=BookingStatus.COMPLETED,
            starts_at=ended - dt.timedelta(days=n, hours=2),
            ends_at=ended - dt.timedelta(days=n),
        )
        fees.bill(booking.record, actor=manager)
        if n:
            feedback.rate(
                user=company, record=booking.record, overall=n + 1, timeliness=4, attitude=4, result_quality=4
            )
            feedback.file_complaint(
                user=company,
                subject=f"报告延迟{n}",
                description="结果晚了。",
                instrument=scene.published,
                record=booking.record,
            )
    for _ in range(2):
        submit(SimpleNamespace(users={"external_user": company}), scene.published)


def _counts(scene, client, sessions) -> dict[str, int]:
    counts = {}
    for name in GROWING_PAGES:
        builders = ROUTES[name]
        url = reverse(name, kwargs=(builders[0] if isinstance(builders, tuple) else builders)(scene))
        for role in ROLES:
            client.cookies = SimpleCookie(
                {settings.SESSION_COOKIE_NAME: sessions[role]} if role in sessions else {}
            )
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            counts[f"{name} as {role}"] = len(queries)
    return counts


@pytest.mark.django_db
def test_no_page_reads_more_when_it_lists_more(world):
    scene, client, sessions = world
    before = _counts(scene, client, sessions)
    with transaction.atomic():
        _more_of_everything(scene)
        after = _counts(scene, client, sessions)
        transaction.set_rollback(True)
    grown = {page: (before[page], n) for page, n in after.items() if n > before[page]}
    assert not grown, f"pages that read more with more rows (before, after): {grown}"
