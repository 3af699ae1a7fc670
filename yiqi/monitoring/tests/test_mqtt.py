"""The MQTT door against the local Mosquitto (skipped when it is not reachable): the worker writes what devices
publish, and after losing its database mid-stream it loses no acknowledged sample and counts none twice."""

import datetime as dt
import json
import socket
import threading
import time
import uuid

import paho.mqtt.client as mqtt
import pytest
from django.db import connection
from django.utils import timezone

from yiqi.monitoring.models import RejectedSampleCount, Sample
from yiqi.monitoring.worker import IngestWorker, parse_topic

from .factories import SECRET, DeviceFactory


def broker_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 1883), timeout=1).close()
        return True
    except OSError:
        return False


needs_broker = pytest.mark.skipif(
    not broker_reachable(), reason="Mosquitto is not reachable on 127.0.0.1:1883"
)


def test_topics_name_the_unit_and_the_device():
    assert parse_topic("yiqi/telemetry/12/gw-01") == (12, "gw-01")
    assert parse_topic("yiqi/telemetry/x/gw-01") == (None, "")
    assert parse_topic("yiqi/cmd/12/gw-01") == (None, "")


def publisher() -> mqtt.Client:
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"test-pub-{uuid.uuid4().hex[:8]}")
    client.connect("127.0.0.1", 1883)
    client.loop_start()
    return client


def publish(client, device, samples, key=SECRET) -> None:
    info = client.publish(
        f"yiqi/telemetry/{device.unit_id}/{device.uid}", json.dumps({"key": key, "samples": samples}), qos=1
    )
    info.wait_for_publish(5)


def messages(start: dt.datetime, count: int, per_message: int = 50):
    for m in range(count):
        yield [
            {"t": (start + dt.timedelta(seconds=m * per_message + i)).isoformat(), "power_w": 100.0 + i}
            for i in range(per_message)
        ]


def start_worker(**kwargs) -> tuple[IngestWorker, threading.Thread]:
    worker = IngestWorker(group=f"test-{uuid.uuid4().hex[:8]}", batch_messages=20, **kwargs)
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    assert worker.subscribed.wait(10), "the worker did not subscribe"
    return worker, thread


def wait_for(condition, seconds=30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@needs_broker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_writes_published_samples_and_counts_refusals():
    device = DeviceFactory()
    worker, thread = start_worker()
    client = publisher()
    try:
        start = timezone.now() - dt.timedelta(hours=1)
        for samples in messages(start, 10):
            publish(client, device, samples)
        publish(client, device, [{"t": start.isoformat(), "power_w": 1}], key="wrong")
        client.publish(f"yiqi/telemetry/{device.unit_id}/{device.uid}", b"{broken", qos=1).wait_for_publish(5)
        assert wait_for(lambda: worker.stats.messages >= 12)
    finally:
        worker.stop()
        thread.join(10)
        client.loop_stop()
    assert Sample.objects.filter(device=device).count() == 500
    counts = dict(RejectedSampleCount.objects.filter(device_uid=device.uid).values_list("reason", "count"))
    assert counts == {"wrong_secret": 1, "malformed": 1}


@needs_broker
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_losing_the_database_mid_stream_loses_nothing_acknowledged_and_counts_nothing_twice(settings):
    settings.YIQI_TELEMETRY_RATE_BURST = 10**6  # one device sends a long backlog here
    device = DeviceFactory()
    worker, thread = start_worker(client_id=f"test-restart-{uuid.uuid4().hex[:8]}")
    client = publisher()
    start = timezone.now() - dt.timedelta(hours=4)  # 200 messages of 50 one-second samples: 2.8 hours
    batches = list(messages(start, 200))
    try:
        for n, samples in enumerate(batches):
            publish(client, device, samples)
            if n in (60, 130):
                # Cut every other connection to the test database: the worker's, mid-stream.
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
        for samples in batches[50:70]:  # a device resending what it already sent
            publish(client, device, samples)
        assert wait_for(lambda: worker.stats.messages >= 220, 60), worker.stats
    finally:
        worker.stop()
        thread.join(15)
        client.loop_stop()
    assert worker.stats.retries >= 1  # the database really went away under the worker
    assert Sample.objects.filter(device=device).count() == 200 * 50, (
        worker.stats,
        list(RejectedSampleCount.objects.values_list("reason", "count")),
    )
    assert worker.stats.inserted == 200 * 50
    assert worker.stats.duplicates == 20 * 50


@needs_broker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_stream_that_ends_mid_batch_is_fully_written():
    """Seven messages for a worker that batches twenty: the last, partial batch is written once the stream goes
    quiet, without waiting for a full batch."""
    device = DeviceFactory()
    worker, thread = start_worker()
    client = publisher()
    try:
        for samples in messages(timezone.now() - dt.timedelta(hours=1), 7):
            publish(client, device, samples)
        assert wait_for(lambda: worker.stats.messages >= 7, 5), worker.stats
    finally:
        worker.stop()
        thread.join(10)
        client.loop_stop()
    assert Sample.objects.filter(device=device).count() == 7 * 50


@needs_broker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backlog_larger_than_the_brokers_queue_is_not_dropped(settings):
    """The writer is stuck while 2,500 messages arrive. Mosquitto queues only 1,000 messages per session beyond the
    worker's in-flight window and drops QoS 1 messages past that, so the worker must take them all in."""
    settings.YIQI_TELEMETRY_RATE_BURST = 10**6
    device = DeviceFactory()
    worker = IngestWorker(group=f"test-{uuid.uuid4().hex[:8]}", batch_messages=500)
    gate = threading.Event()
    write = worker._write
    worker._write = lambda batch: gate.wait(60) and write(batch)
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    client = publisher()
    try:
        assert worker.subscribed.wait(10)
        start = timezone.now() - dt.timedelta(hours=2)
        infos = [
            client.publish(
                f"yiqi/telemetry/{device.unit_id}/{device.uid}",
                json.dumps(
                    {
                        "key": SECRET,
                        "samples": [{"t": (start + dt.timedelta(seconds=n)).isoformat(), "state": "running"}],
                    }
                ),
                qos=1,
            )
            for n in range(2500)
        ]
        for info in infos:
            info.wait_for_publish(30)
        # (a few may wait at the broker for the first acknowledgements: queued, not dropped)
        assert wait_for(lambda: worker.inbox.qsize() >= 2100, 30), worker.inbox.qsize()
        gate.set()
        assert wait_for(lambda: worker.stats.messages >= 2500, 60), worker.stats
    finally:
        gate.set()
        worker.stop()
        thread.join(15)
        client.loop_stop()
    assert Sample.objects.filter(device=device).count() == 2500
