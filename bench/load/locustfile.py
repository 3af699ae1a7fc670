"""A realistic day on a provincial platform, for Locust (driven by ``bench/load_day.py``, which writes the scene).

Who comes, by weight (users at once): mostly anonymous visitors searching the catalogue and reading instrument pages
and availability; signed-in users (session login with CSRF) who look at their bookings and book a free slot; API
users (token from ``POST /api/v1/auth/token/``) who read availability, book and order tests; unit staff working the
booking and order queues and approving requested bookings; now and then a unit administrator exporting the unit's
instruments as CSV. Every request is checked for its status and a marker in its body; anything else is a failure.

Each simulated user sends its own ``X-Forwarded-For`` address, as nginx would for people on different networks (the
server trusts one proxy): login throttles and lockouts count per address, as in production.

The scene (``LOAD_SCENE``, JSON) names demo accounts, instruments to browse, bookable and orderable instruments.
Cookies are secure-only in the production profile; the bench talks plain HTTP to gunicorn (nginx ends TLS in
production), so the cookie jar is told to send them anyway.
"""

import datetime as dt
import itertools
import json
import os
import random
import re
import threading
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path

from locust import HttpUser, between, task

SCENE = json.loads(Path(os.environ["LOAD_SCENE"]).read_text(encoding="utf-8"))
HOSTS = [h for h in os.environ.get("LOAD_HOSTS", "").split(",") if h]
PASSWORD = SCENE["password"]
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
_counter = itertools.count(1)
_lock = threading.Lock()


def _next() -> int:
    with _lock:
        return next(_counter)


# The production profile's cookies are secure-only and the bench speaks plain HTTP to gunicorn: let this process's
# cookie jars send them anyway (requests builds a fresh jar per request, so a jar's own policy would not hold).
DefaultCookiePolicy.return_ok_secure = lambda self, cookie, request: True


def check(response, marker: str | None = None, statuses=(200,)):
    """Mark the response failed unless its status is expected and its body carries the marker."""
    if response.status_code not in statuses:
        response.failure(f"status {response.status_code}: {response.text[:160]!r}")
    elif marker is not None and marker not in response.text:
        response.failure(f"marker {marker!r} missing")
    else:
        response.success()


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 4)  # think time between two clicks

    def on_start(self):
        n = _next()
        self.n = n
        if HOSTS:  # the scale-out run: users spread round-robin over the gunicorn "hosts"
            self.host = HOSTS[n % len(HOSTS)]
            self.client.base_url = self.host
        self.client.headers["X-Forwarded-For"] = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
        self.client.headers["Accept-Language"] = "zh-hans"
        self.rng = random.Random(n)
        self.booked: list[tuple[dt.datetime, dt.datetime]] = []

    def account(self, kind: str) -> str:
        people = SCENE[kind]
        return people[self.n % len(people)]

    def login_session(self, username: str) -> None:
        page = self.page("/accounts/login/", "login page", "csrfmiddlewaretoken")
        token = CSRF_FIELD.search(page.text)
        data = {
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": token.group(1) if token else "",
        }
        with self.client.post(
            "/accounts/login/", data=data, name="login (session)", allow_redirects=False, catch_response=True
        ) as done:
            check(done, statuses=(302,))

    def login_token(self, username: str) -> None:
        with self.client.post(
            "/api/v1/auth/token/",
            json={"username": username, "password": PASSWORD},
            name="api token",
            catch_response=True,
        ) as answer:
            check(answer, '"token"')
        token = answer.json().get("token", "") if answer.ok else ""
        self.client.headers["Authorization"] = f"Token {token}"

    def my_held_bookings(self, name: str) -> None:
        """The user's bookings still holding a slot: nobody books two instruments at the same time."""
        url = "/api/v1/bookings/?status=requested&status=confirmed&page_size=100"
        answer = self.page(url, name, '"results"')
        held = answer.json().get("results", []) if answer.ok else []
        self.booked = [
            (dt.datetime.fromisoformat(b["starts_at"]), dt.datetime.fromisoformat(b["ends_at"])) for b in held
        ]

    def page(self, url: str, name: str, marker: str = "</html>"):
        """GET, checked for its status and marker; the response."""
        with self.client.get(url, name=name, catch_response=True) as answer:
            check(answer, marker)
        return answer

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def instrument(self) -> int:
        return self.rng.choice(SCENE["instruments"])

    def availability(self, instrument: int, days: int = 7) -> dict:
        start = dt.datetime.now(SHANGHAI).date() + dt.timedelta(days=1)
        url = f"/api/v1/instruments/{instrument}/availability/?start={start}&end={start + dt.timedelta(days=days)}"
        answer = self.page(url, "api availability", '"open"')
        return answer.json() if answer.ok else {"open": [], "busy": []}

    def free_slot(self, spec: dict) -> tuple[dt.datetime, dt.datetime] | None:
        """A free, grid-aligned slot of the instrument's minimum length in its next week, from the API's answer."""
        found = self.availability(spec["id"])
        busy = [
            (dt.datetime.fromisoformat(b["start"]), dt.datetime.fromisoformat(b["end"]))
            for b in found["busy"]
        ]
        earliest = dt.datetime.fromisoformat(
            found.get("earliest_start") or dt.datetime.now(SHANGHAI).isoformat()
        )
        length = dt.timedelta(minutes=spec["minutes"])
        step = dt.timedelta(minutes=spec["slot"])
        candidates = []
        for period in found["open"]:
            start, end = dt.datetime.fromisoformat(period["start"]), dt.datetime.fromisoformat(period["end"])
            while start + length <= end:
                taken = busy + self.booked  # nobody books two instruments at once
                if start >= earliest and not any(s < start + length and start < e for s, e in taken):
                    candidates.append((start, start + length))
                start += step
        return self.rng.choice(candidates) if candidates else None

    def book(self, spec: dict, name: str) -> None:
        slot = self.free_slot(spec)
        if slot is None:
            return
        payload = {
            "instrument": spec["id"],
            "starts_at": slot[0].isoformat(),
            "ends_at": slot[1].isoformat(),
            "purpose": "压力测试：样品表征",
        }
        with self.client.post(
            "/api/v1/bookings/",
            json=payload,
            headers={"X-CSRFToken": self.csrf(), "Referer": self.host + "/"},
            name=name,
            catch_response=True,
        ) as answer:
            # Two people may pick the same free slot between reading and booking, and simulated users sharing an
            # account may book it elsewhere at the same time: the refusal is the right answer.
            if answer.status_code == 400 and (
                "已被预约" in answer.text or "同一时段不能再预约" in answer.text
            ):
                answer.request_meta["name"] = "booking lost the race (400, as it should)"
                answer.success()
            else:
                check(answer, '"bookings"', statuses=(201,))
                if answer.status_code == 201:
                    self.booked.append(slot)


class Visitor(Person):
    """Anonymous: the home page, catalogue search, instrument pages, availability."""

    weight = 60

    @task(1)
    def home(self):
        self.page("/", "home")

    @task(4)
    def search(self):
        term = self.rng.choice(SCENE["terms"])
        self.page(f"/catalog/?q={term}", "catalogue search")

    @task(1)
    def filtered_list(self):
        url = "/instruments/?sharing_mode=external&status=published"
        self.page(url, "instrument list, 2 filters")

    @task(4)
    def instrument_page(self):
        self.page(f"/instruments/{self.instrument()}/", "instrument page")

    @task(2)
    def availability_api(self):
        self.availability(self.instrument())

    @task(1)
    def availability_page(self):
        self.page(f"/booking/instruments/{self.instrument()}/", "availability page")


class Member(Person):
    """A signed-in user in the browser: their bookings and orders, instrument pages, and now and then a booking."""

    weight = 20

    def on_start(self):
        super().on_start()
        self.login_session(self.account("users"))
        self.my_held_bookings("api my bookings")

    @task(3)
    def search(self):
        self.page(f"/catalog/?q={self.rng.choice(SCENE['terms'])}", "catalogue search")

    @task(3)
    def instrument_page(self):
        self.page(f"/instruments/{self.instrument()}/", "instrument page")

    @task(2)
    def my_bookings(self):
        self.page("/booking/mine/", "my bookings")

    @task(1)
    def my_orders(self):
        self.page("/orders/mine/", "my orders")

    @task(1)
    def workspace(self):
        self.page("/workspace/", "workspace")

    @task(1)
    def book(self):
        super().book(self.rng.choice(SCENE["bookable"]), "booking (session)")


class ApiClient(Person):
    """A user's own software on the API: availability, bookings, test orders."""

    weight = 8

    def on_start(self):
        super().on_start()
        self.login_token(self.account("users"))
        self.my_held_bookings("api my bookings")

    @task(3)
    def search(self):
        term = self.rng.choice(SCENE["terms"])
        self.page(f"/api/v1/search/?q={term}", "api search", '"results"')

    @task(2)
    def my_bookings(self):
        self.my_held_bookings("api my bookings")

    @task(2)
    def book(self):
        super().book(self.rng.choice(SCENE["bookable"]), "booking (api)")

    @task(1)
    def order(self):
        payload = {
            "instrument": self.rng.choice(SCENE["orderable"]),
            "sample_name": "压力测试样品",
            "sample_count": self.rng.randint(1, 5),
            "sample_description": "粉末，常温保存",
            "requirements": "常规检测",
        }
        with self.client.post(
            "/api/v1/orders/", json=payload, name="test order (api)", catch_response=True
        ) as a:
            check(a, '"id"', statuses=(201,))


class Staff(Person):
    """An instrument manager at work: the booking queue, approving what waits, the order queue, the workspace."""

    weight = 10

    def on_start(self):
        super().on_start()
        self.login_session(self.account("managers"))

    @task(3)
    def booking_queue(self):
        self.page("/booking/queue/", "booking queue")

    @task(2)
    def order_queue(self):
        self.page("/orders/queue/", "order queue")

    @task(2)
    def workspace(self):
        self.page("/workspace/", "workspace")

    @task(2)
    def approve(self):
        listing = self.page("/api/v1/bookings/?status=requested", "api requested bookings", '"results"')
        waiting = [
            b
            for b in (listing.json().get("results", []) if listing.ok else [])
            if "approve" in json.dumps(b.get("available_actions"))
        ]
        if not waiting:
            return
        with self.client.post(
            f"/api/v1/bookings/{waiting[0]['id']}/approve/",
            json={"comment": "同意"},
            headers={"X-CSRFToken": self.csrf(), "Referer": self.host + "/"},
            name="approve booking",
            catch_response=True,
        ) as answer:
            # Another member of staff may approve the same booking first: the refusal is the right answer.
            if answer.status_code == 400 and "不能审核通过" in answer.text:
                answer.request_meta["name"] = "approval lost the race (400, as it should)"
                answer.success()
            else:
                check(answer, '"status"')


class Exporter(Person):
    """A unit administrator exporting the unit's instruments (CSV, streamed)."""

    weight = 2
    wait_time = between(10, 30)

    def on_start(self):
        super().on_start()
        self.login_session(self.account("unit_admins"))

    @task
    def export(self):
        self.page("/instruments/export.csv?scope=mine", "export csv", ",")
