"""Fifty people press "book" for the same slot at the same moment, through the real HTTP stack: exactly one wins.

PostgreSQL: pytest-django's live server (a thread per request, a database connection per thread); the booking
service's row lock serialises the checks and the exclusion constraint ``booking_no_overlap`` backs it up.

SQLite: pytest-django's test database lives in memory, and its live server hands that one connection to every
request thread, so concurrent transactions would share a connection. The SQLite variant therefore copies the
test database to a file and starts a real gunicorn (one process, many threads, a connection each) on it; there
``BEGIN IMMEDIATE`` serialises the writers.
"""

import datetime as dt
import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from yiqi.accounts.tests.factories import UserFactory
from yiqi.accounts.tokens import issue_token
from yiqi.booking.availability import as_local
from yiqi.booking.models import SLOT_HOLDING_STATES, Booking
from yiqi.booking.tests.factories import bookable_instrument, local
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory

CLIENTS = 50
OVERLAP = "该时段已被预约"
ROOT = Path(__file__).resolve().parents[3]


def scene(clients: int = CLIENTS):
    """An instrument open round the clock and ``clients`` users with API tokens; the slot is tomorrow 10–12."""
    instrument = bookable_instrument(
        InstrumentFactory(registration_status=RegistrationStatus.PUBLISHED),
        weekdays=range(7),
        hours=(0, 1440),
        closed_on_holidays=False,
    )
    # No e-mail addresses: nothing to send, whichever task queue the settings profile uses.
    tokens = [issue_token(UserFactory(email=""))[1] for _ in range(clients)]
    tomorrow = as_local(timezone.now()).date() + dt.timedelta(days=1)
    start = local(tomorrow.year, tomorrow.month, tomorrow.day, 10)
    payload = {
        "instrument": instrument.pk,
        "starts_at": start.isoformat(),
        "ends_at": start.replace(hour=12).isoformat(),
        "purpose": "并发测试",
    }
    return instrument, tokens, payload


def fire(base_url: str, tokens: list[str], payload: dict) -> list[tuple[int, dict]]:
    """POST the same booking with every token from its own thread, all released at once."""
    barrier = threading.Barrier(len(tokens))
    body = json.dumps(payload).encode()

    def one(token: str) -> tuple[int, dict]:
        request = urllib.request.Request(
            f"{base_url}/api/v1/bookings/",
            data=body,
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
            method="POST",
        )
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    with ThreadPoolExecutor(max_workers=len(tokens)) as pool:
        return list(pool.map(one, tokens))


def assert_exactly_one_wins(results: list[tuple[int, dict]]) -> None:
    codes = sorted(code for code, _body in results)
    assert codes.count(201) == 1, codes
    assert codes.count(400) == len(results) - 1, codes
    for code, body in results:
        if code == 400:
            assert OVERLAP in body["starts_at"][0], body


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_simultaneous_requests_for_one_slot_on_postgresql(live_server):
    instrument, tokens, payload = scene()
    results = fire(live_server.url, tokens, payload)
    assert_exactly_one_wins(results)
    assert Booking.objects.filter(instrument=instrument, status__in=SLOT_HOLDING_STATES).count() == 1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, server: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text()
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/", timeout=10).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:  # not listening yet, or the workers are still importing Django
            time.sleep(0.2)
    raise TimeoutError("gunicorn did not start")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite variant")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_simultaneous_requests_for_one_slot_on_sqlite(tmp_path):
    instrument, tokens, payload = scene()
    copy = tmp_path / "yiqi.sqlite3"
    with sqlite3.connect(copy) as target:
        connection.ensure_connection()
        connection.connection.backup(target)
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_ENV": "test",
        "DATABASE_URL": f"sqlite:///{copy}",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
    }
    log = tmp_path / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "yiqi.wsgi", "--bind", f"127.0.0.1:{port}"]
    # Two processes of 16 threads: writers contend across processes as well as threads.
    command += ["--worker-class", "gthread", "--workers", "2", "--threads", "16", "--log-level", "warning"]
    with log.open("wb") as log_file:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log_file)
        try:
            wait_for(port, server, log)
            results = fire(f"http://127.0.0.1:{port}", tokens, payload)
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert_exactly_one_wins(results)
    with sqlite3.connect(copy) as db:
        held = db.execute(
            f"SELECT count(*) FROM booking_booking WHERE instrument_id = ? AND status IN ({','.join('?' * 4)})",
            [instrument.pk, *SLOT_HOLDING_STATES],
        ).fetchone()[0]
    assert held == 1
