"""Signed webhooks: a unit's system hears about what it subscribed to, can tell a genuine, fresh delivery from a
forged or replayed one, and failed deliveries are retried with backoff and logged."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yiqi.exchange.models import Webhook, WebhookDelivery
from yiqi.exchange.services import webhooks
from yiqi.servicerecords import services as records
from yiqi.servicerecords.tests.factories import ServiceRecordFactory

pytestmark = pytest.mark.django_db


class Receiver:
    """A unit system's webhook endpoint on 127.0.0.1: checks each delivery as the documentation asks."""

    def __init__(self):
        self.secret, self.failures, self.received = "", 0, []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                verdict = webhooks.verify(receiver.secret, self.headers, body)
                receiver.received.append((verdict, dict(self.headers), json.loads(body)))
                failing = receiver.failures > 0
                receiver.failures -= failing
                self.send_response(500 if failing else 401 if verdict else 204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/yiqi"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.server.shutdown()
    found.server.server_close()


def _subscribe(client_for, world, receiver, events=("service.completed", "service.closed")):
    response = client_for(world.users["unit_admin_a"]).post(
        "/api/v1/exchange/webhooks/",
        {"unit": world.unit_a.pk, "url": receiver.url, "events": list(events)},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    receiver.secret = response.json()["secret"]
    return Webhook.objects.get(pk=response.json()["id"])


def test_a_completed_service_reaches_the_subscribed_system_signed(
    world, client_for, receiver, django_capture_on_commit_callbacks
):
    _subscribe(client_for, world, receiver)
    record = ServiceRecordFactory(instrument=world.published_a, unit=world.unit_a)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        records.complete(record, actor=None, started_at=now - timezone.timedelta(hours=2), ended_at=now)
    verdict, headers, body = receiver.received[0]
    assert verdict == "" and headers["X-Yiqi-Event"] == "service.completed"
    assert (
        body["data"]["service_record"] == record.pk
        and body["data"]["instrument"] == world.published_a.asset_number
    )
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "delivered" and delivery.response_status == 204 and delivery.attempts == 1
    assert headers["X-Yiqi-Delivery"] == str(delivery.event_id)
    listed = client_for(world.users["unit_admin_a"]).get("/api/v1/exchange/deliveries/").json()["results"]
    assert listed[0]["status"] == "delivered"
    assert client_for(world.users["unit_admin_b"]).get("/api/v1/exchange/deliveries/").json()["results"] == []


def test_other_units_and_unsubscribed_events_are_not_sent(
    world, client_for, receiver, django_capture_on_commit_callbacks
):
    _subscribe(client_for, world, receiver, events=("service.closed",))
    record = ServiceRecordFactory(instrument=world.published_a, unit=world.unit_a)
    with django_capture_on_commit_callbacks(execute=True):
        records.complete(
            record,
            actor=None,
            started_at=timezone.now() - timezone.timedelta(hours=1),
            ended_at=timezone.now(),
        )
        records.close(ServiceRecordFactory(instrument=world.draft_b, unit=world.unit_b), actor=None)
    assert not WebhookDelivery.objects.exists() and receiver.received == []


def test_a_receiver_refuses_forged_and_replayed_deliveries(settings):
    body = b'{"event": "service.completed"}'
    stamp = int(time.time())
    genuine = {"X-Yiqi-Timestamp": str(stamp), "X-Yiqi-Signature": webhooks.sign("s3cret", stamp, body)}
    assert webhooks.verify("s3cret", genuine, body) == ""
    assert webhooks.verify("s3cret", genuine, body + b" ") == "bad_signature"
    assert webhooks.verify("other", genuine, body) == "bad_signature"
    late = time.time() + settings.YIQI_WEBHOOK_REPLAY_SECONDS + 1
    assert webhooks.verify("s3cret", genuine, body, now=late) == "replayed"
    assert webhooks.verify("s3cret", {"X-Yiqi-Timestamp": "soon"}, body) == "bad_timestamp"


def test_failed_deliveries_are_retried_with_backoff_then_given_up(world, client_for, receiver, settings):
    settings.YIQI_WEBHOOK_MAX_ATTEMPTS = 3
    _subscribe(client_for, world, receiver)
    receiver.failures = 10
    webhooks.announce(world.unit_a.pk, "service.closed", {"service_record": 1})
    delivery = WebhookDelivery.objects.get()
    first = webhooks.deliver(delivery.pk)
    assert first.status == "pending" and first.attempts == 1 and first.response_status == 500
    assert first.next_attempt_at > timezone.now() and "500" in first.last_error
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert webhooks.due_deliveries() == [delivery.pk]
    second = webhooks.deliver(delivery.pk)
    assert second.next_attempt_at - timezone.now() > webhooks.backoff(1)  # the wait doubled
    receiver.failures = 0
    receiver.server.shutdown()  # the system is down for the last attempt
    receiver.server.server_close()
    last = webhooks.deliver(delivery.pk)
    assert last.status == "failed" and last.attempts == 3 and last.last_error
    assert webhooks.deliver(delivery.pk).attempts == 3  # a failed delivery is not tried again


def test_a_webhook_must_be_http_and_subscribe_to_known_events(world, client_for, settings):
    client = client_for(world.users["unit_admin_a"])
    bad = client.post(
        "/api/v1/exchange/webhooks/",
        {"unit": world.unit_a.pk, "url": "ftp://lims.example.cn/", "events": ["service.closed"]},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "url" in bad.json()
    unknown = client.post(
        "/api/v1/exchange/webhooks/",
        {"unit": world.unit_a.pk, "url": "http://lims.example.cn/", "events": ["everything"]},
        content_type="application/json",
    )
    assert unknown.status_code == 400 and "events" in unknown.json() and not Webhook.objects.exists()
    settings.YIQI_WEBHOOK_REQUIRE_PUBLIC = True
    internal = client.post(
        "/api/v1/exchange/webhooks/",
        {"unit": world.unit_a.pk, "url": "https://127.0.0.1/hook", "events": ["service.closed"]},
        content_type="application/json",
    )
    assert internal.status_code == 400 and "url" in internal.json()
    other_unit = client.post(
        "/api/v1/exchange/webhooks/",
        {"unit": world.unit_b.pk, "url": "http://lims.example.cn/", "events": ["service.closed"]},
        content_type="application/json",
    )
    assert other_unit.status_code == 403


@pytest.mark.parametrize(
    "path", ["/api/v1/exchange/deliveries/", "/api/v1/exchange/webhooks/", "/api/v1/exchange/keys/"]
)
def test_the_logs_cost_the_same_for_more_rows(world, client_for, receiver, path):
    client = client_for(world.users["unit_admin_a"])

    def grow(n):
        for _ in range(n):
            _subscribe(client_for, world, receiver)
            client.post(
                "/api/v1/exchange/keys/",
                {"unit": world.unit_a.pk, "name": "LIMS", "scopes": ["read"]},
                content_type="application/json",
            )
        webhooks.announce(world.unit_a.pk, "service.closed", {"service_record": 1})

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    grow(1)
    few = queries()
    grow(3)
    assert queries() == few
