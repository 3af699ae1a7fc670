"""The one validation and the writer: what is accepted, what is refused and counted, and that a sample counts once."""

import datetime as dt
import json
import uuid

import pytest
from django.utils import timezone

from yiqi.core.tests.redis_server import redis_reachable
from yiqi.monitoring.ingest import DeviceDirectory, RateLimiter, check_message, write_batch
from yiqi.monitoring.models import RejectedSampleCount, Sample

from .factories import SECRET, DeviceFactory, body

pytestmark = pytest.mark.django_db


def check(device, payload: bytes, **kwargs):
    kwargs.setdefault("limiter", RateLimiter(per_minute=60_000, burst=100_000))
    return check_message(device.uid, payload, directory=DeviceDirectory(ttl=0), **kwargs)


def rejections() -> dict:
    totals = {}
    for row in RejectedSampleCount.objects.all():
        totals[row.reason] = totals.get(row.reason, 0) + row.count
    return totals


def test_good_samples_are_written_and_a_repeat_counts_once():
    device = DeviceFactory()
    now = timezone.now()
    samples = [
        {"t": (now - dt.timedelta(seconds=10)).isoformat(), "power_w": 120.5},
        {"t": (now - dt.timedelta(seconds=5)).timestamp(), "state": "standby", "signals": {"temp": 21.5}},
    ]
    first = write_batch([check(device, body(samples, key=SECRET))])
    again = write_batch([check(device, body(samples, key=SECRET))])
    assert (first.inserted, first.duplicates) == (2, 0)
    assert (again.inserted, again.duplicates) == (0, 2)
    assert Sample.objects.filter(device=device).count() == 2
    device.refresh_from_db()
    assert device.last_seen is not None
    assert device.dirty_from == (now - dt.timedelta(seconds=10)).replace(microsecond=now.microsecond)


def test_a_repeat_inside_one_message_counts_once():
    device = DeviceFactory()
    t = timezone.now().isoformat()
    checked = check(device, body([{"t": t, "power_w": 1}, {"t": t, "power_w": 1}], key=SECRET))
    assert write_batch([checked]).inserted == 1
    assert checked.duplicates == 1


def test_repeats_among_new_samples_count_once_and_the_batches_after_them_are_whole():
    """On PostgreSQL a batch goes straight in until a repeat of a stored sample stops it; then that batch and the
    next go through ``ON CONFLICT`` — the counts are the same either way."""
    device = DeviceFactory()
    start = timezone.now() - dt.timedelta(hours=1)

    def samples(first: int, count: int) -> list[dict]:
        return [
            {
                "t": (start + dt.timedelta(seconds=first + i)).timestamp(),
                "power_w": 10.0 + i,
                "signals": {"v": i},
            }
            for i in range(count)
        ]

    results = [
        write_batch([check(device, body(samples(0, 5), key=SECRET))]),
        write_batch([check(device, body(samples(3, 5), key=SECRET))]),  # 3, 4 repeat
        write_batch([check(device, body(samples(8, 2), key=SECRET))]),
        write_batch([check(device, body(samples(10, 2), key=SECRET))]),
        # one sample in two messages of one batch
        write_batch(
            [check(device, body(samples(12, 2), key=SECRET)), check(device, body(samples(13, 1), key=SECRET))]
        ),
    ]
    assert [(r.inserted, r.duplicates) for r in results] == [(5, 0), (3, 2), (2, 0), (2, 0), (2, 1)]
    stored = Sample.objects.filter(device=device).order_by("t")
    assert stored.count() == 14
    assert [s.signals["v"] for s in stored[:5]] == [0, 1, 2, 3, 4]  # the first writing holds
    assert {s.instrument_id for s in stored} == {device.instrument_id}


@pytest.mark.parametrize(
    ("sample", "reason"),
    [
        ({"t": "yesterday", "power_w": 1}, "malformed"),
        ({"t": "2026-12-07T09:00:00", "power_w": 1}, "malformed"),  # no offset
        ({"power_w": 1}, "missing_fields"),
        ({"t": 1_700_000_000}, "missing_fields"),
        ({"t": "FUTURE", "power_w": 1}, "future"),
        ({"t": "PAST", "power_w": 1}, "too_old"),
        ({"t": "NOW", "power_w": float("nan")}, "not_finite"),
        ({"t": "NOW", "current_a": float("inf")}, "not_finite"),
        ({"t": "NOW", "power_w": 1, "signals": {"x": float("-inf")}}, "not_finite"),
        ({"t": "NOW", "state": "busy"}, "malformed"),
        ({"t": "NOW", "power_w": "12"}, "malformed"),
        ({"t": "NOW", "power_w": True}, "malformed"),
        ({"t": "NOW", "power_w": -1.0}, "malformed"),
        ({"t": "NOW", "power_w": 10**400}, "not_finite"),
        ({"t": "NOW", "state": 0}, "malformed"),  # was stored as a state
        ({"t": "NOW", "state": ["running"]}, "malformed"),  # was a crash of the whole message
        ({"t": "NOW", "state": None}, "missing_fields"),
        ({"t": 1e300, "power_w": 1}, "future"),
        ({"t": float("nan"), "power_w": 1}, "not_finite"),
        ("not an object", "malformed"),
    ],
)
def test_bad_samples_are_refused_by_reason_and_the_good_ones_kept(sample, reason):
    device = DeviceFactory()
    now = timezone.now()
    moments = {
        "FUTURE": (now + dt.timedelta(minutes=6)).isoformat(),
        "PAST": (now - dt.timedelta(days=400)).isoformat(),
        "NOW": now.isoformat(),
    }
    if isinstance(sample, dict) and sample.get("t") in moments:
        sample = {**sample, "t": moments[sample["t"]]}
    good = {"t": (now - dt.timedelta(seconds=30)).isoformat(), "power_w": 80}
    payload = json.dumps({"key": SECRET, "samples": [good, sample]}, allow_nan=True).encode()
    result = write_batch([check(device, payload)])
    assert result.inserted == 1
    assert rejections() == {reason: 1}


def test_unknown_revoked_and_wrong_secret_refuse_every_sample_of_the_message():
    device = DeviceFactory()
    revoked = DeviceFactory(revoked_at=timezone.now())
    samples = [{"t": timezone.now().isoformat(), "power_w": 1}] * 3
    directory, limiter = DeviceDirectory(ttl=0), RateLimiter()
    messages = [
        check_message("nobody", body(samples, key=SECRET), directory=directory, limiter=limiter),
        check_message(revoked.uid, body(samples, key=SECRET), directory=directory, limiter=limiter),
        check_message(device.uid, body(samples, key="wrong"), directory=directory, limiter=limiter),
        check_message(device.uid, body(samples), directory=directory, limiter=limiter),  # no key at all
        check_message(device.uid, body(samples, key=SECRET), directory=directory, limiter=limiter, unit_id=0),
    ]
    assert write_batch(messages).inserted == 0
    assert rejections() == {"unknown_device": 6, "revoked_device": 3, "wrong_secret": 6}
    assert Sample.objects.count() == 0


def test_malformed_and_oversized_messages_are_refused_whole():
    device = DeviceFactory()
    now = timezone.now().isoformat()
    too_many = body([{"t": now, "power_w": 1}] * 1001, key=SECRET)
    messages = [
        check(device, b"{not json"),
        check(device, b"\xff\xfe"),
        check(device, b"[1, 2]"),
        check(device, b"x" * (256 * 1024 + 1)),
        check(device, too_many),
        check(device, json.dumps({"key": SECRET, "samples": "all"}).encode()),
    ]
    assert write_batch(messages).inserted == 0
    assert rejections() == {"malformed": 4, "too_large": 1002}


def test_a_flooding_device_is_limited_and_the_rest_counted():
    device = DeviceFactory()
    limiter = RateLimiter(per_minute=60, burst=10)
    start = timezone.now() - dt.timedelta(minutes=10)
    samples = [{"t": (start + dt.timedelta(seconds=i)).isoformat(), "power_w": 1} for i in range(25)]
    checked = check(device, body(samples, key=SECRET), limiter=limiter)
    assert write_batch([checked]).inserted == 10
    assert rejections() == {"rate_limited": 15}


def test_the_rate_limit_is_one_count_per_device_for_every_process():
    """Two limiters (two MQTT workers, or a worker and the HTTP door) draw on one count per device in the cache."""
    device, other = DeviceFactory(), DeviceFactory()
    worker, web = RateLimiter(per_minute=1, burst=100), RateLimiter(per_minute=1, burst=100)
    assert worker.take_many({device.uid: 70}) == {device.uid: 70}
    assert web.take_many({device.uid: 70}) == {device.uid: 30}
    assert worker.take_many({device.uid: 1}) == {device.uid: 0}
    assert web.take_many({other.uid: 100}) == {other.uid: 100}


def test_a_batch_is_limited_per_device_in_the_order_its_messages_came():
    flooding, quiet = DeviceFactory(), DeviceFactory()
    start = timezone.now() - dt.timedelta(minutes=10)

    def message(device, first):
        samples = [
            {"t": (start + dt.timedelta(seconds=first + i)).isoformat(), "power_w": 1} for i in range(2)
        ]
        return check(device, body(samples, key=SECRET), limiter=None)

    batch = [message(flooding, 0), message(quiet, 0), message(flooding, 2), message(flooding, 4)]
    RateLimiter(per_minute=60, burst=5).limit(batch)
    assert [len(m.rows) for m in batch] == [2, 2, 2, 1]
    assert write_batch(batch).inserted == 7
    assert rejections() == {"rate_limited": 1}


REDIS_TEST_URL = "redis://127.0.0.1:6379/12"  # a database of its own, so that nothing else's keys are touched


@pytest.mark.skipif(not redis_reachable(REDIS_TEST_URL), reason="no Redis at 127.0.0.1:6379")
def test_on_redis_a_batch_is_one_pipelined_count_shared_by_every_worker(monkeypatch):
    import redis

    def one_by_one(*args):
        raise AssertionError("counted key by key, not in one pipeline")

    monkeypatch.setattr(RateLimiter, "_add_one", one_by_one)
    from django.test import override_settings

    prefix = f"test-{uuid.uuid4().hex[:8]}"
    redis_cache = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_TEST_URL,
                    "KEY_PREFIX": prefix}
    }  # fmt: skip
    with override_settings(CACHES=redis_cache):
        worker, web = RateLimiter(per_minute=1, burst=100), RateLimiter(per_minute=1, burst=100)
        assert worker.take_many({"a": 70, "b": 10}) == {"a": 70, "b": 10}
        assert web.take_many({"a": 70}) == {"a": 30}
        assert worker.take_many({"a": 1}) == {"a": 0}
        server = redis.Redis.from_url(REDIS_TEST_URL)
        keys = server.keys(f"{prefix}:*")
        assert len(keys) == 2 and all(0 < server.ttl(key) <= worker.window + 60 for key in keys)
        server.delete(*keys)


def test_a_batch_from_many_devices_is_one_device_lookup(django_assert_num_queries):
    devices = [DeviceFactory() for _ in range(5)]
    directory = DeviceDirectory(ttl=10)
    with django_assert_num_queries(1):
        directory.load([d.uid for d in devices] + ["no-such-device"])
        assert [directory.get(d.uid).id for d in devices] == [d.id for d in devices]
        assert directory.get("no-such-device") is None
    devices[0].revoked_at = timezone.now()
    devices[0].save()
    with django_assert_num_queries(0):  # within the ttl nothing is read again
        directory.load([devices[0].uid])
        assert not directory.get(devices[0].uid).revoked
    fresh = DeviceDirectory(ttl=10)
    fresh.load([devices[0].uid])
    assert fresh.get(devices[0].uid).revoked
