"""Units' own systems: keys (hashed, scoped, revocable, expiring, rate-limited), idempotent usage upserts by the
system's own ids, and the pull of service-record changes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yiqi.core.models import AuditEvent
from yiqi.exchange.models import ExternalId, UnitKey
from yiqi.exchange.services import keys
from yiqi.servicerecords.tests.factories import ServiceRecordFactory
from yiqi.usage.models import UsageRecord

pytestmark = pytest.mark.django_db
USAGE = "/api/v1/exchange/unit/usage/"


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()


def _issue(client_for, world, scopes=("read", "write_services"), **extra):
    response = client_for(world.users["unit_admin_a"]).post(
        "/api/v1/exchange/keys/",
        {"unit": world.unit_a.pk, "name": "实验室 LIMS", "scopes": list(scopes), **extra},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return response.json()["key"]


def _system(client, key):
    client.logout()
    client.defaults["HTTP_AUTHORIZATION"] = f"Unit-Key {key}"
    return client


def _item(world, n, **changes):
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(days=2, hours=3 * n)
    return {
        "id": f"LIMS-{n}",
        "instrument": world.published_a.asset_number,
        "user_name": "张三",
        "purpose": "research",
        "started_at": start.isoformat(),
        "ended_at": (start + dt.timedelta(hours=2)).isoformat(),
        "sample_count": 3,
        "fee": "120.00",
    } | changes


def test_a_key_is_shown_once_and_kept_only_as_a_digest(world, client_for):
    key = _issue(client_for, world)
    row = UnitKey.objects.get()
    assert key.startswith(row.prefix + ".") and key.split(".", 1)[1] not in row.secret_digest
    listed = client_for(world.users["unit_admin_a"]).get("/api/v1/exchange/keys/").json()["results"]
    assert "key" not in listed[0] and listed[0]["scopes"] == ["read", "write_services"]
    refused = client_for(world.users["officer_a"]).post(
        "/api/v1/exchange/keys/",
        {"unit": world.unit_a.pk, "name": "x", "scopes": ["read"]},
        content_type="application/json",
    )
    assert refused.status_code == 403


def test_a_unit_system_pushes_usage_and_the_same_batch_again_changes_nothing(world, client_for, client):
    system = _system(client, _issue(client_for, world))
    batch = {"records": [_item(world, n) for n in range(3)]}
    first = system.post(USAGE, batch, content_type="application/json")
    assert first.json() == {"created": 3, "updated": 0, "unchanged": 0}
    record = UsageRecord.objects.get(pk=ExternalId.objects.get(external_id="LIMS-1").object_id)
    assert record.unit == world.unit_a and record.fee == Decimal("120.00") and record.machine_hours == 2
    audit_rows = AuditEvent.objects.count()

    again = system.post(USAGE, batch, content_type="application/json")
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 3}
    assert AuditEvent.objects.count() == audit_rows and UsageRecord.objects.count() == 3

    batch["records"][1]["fee"] = "80.00"
    corrected = system.post(USAGE, batch, content_type="application/json")
    assert corrected.json() == {"created": 0, "updated": 1, "unchanged": 2}
    record.refresh_from_db()
    assert record.fee == Decimal("80.00") and UsageRecord.objects.count() == 3


def test_one_bad_record_refuses_the_batch_with_every_problem_and_writes_nothing(world, client_for, client):
    system = _system(client, _issue(client_for, world))
    bad_time = _item(world, 1)
    bad_time["ended_at"] = bad_time["started_at"]
    batch = [
        _item(world, 0),
        bad_time,
        _item(world, 2, instrument=world.draft_b.asset_number + "-x"),
        _item(world, 0),
    ]
    response = system.post(USAGE, {"records": batch}, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_records"
    assert {(e["index"], e["field"]) for e in body["errors"]} == {
        (1, "ended_at"),
        (2, "instrument"),
        (3, "id"),
    }
    assert not UsageRecord.objects.exists() and not ExternalId.objects.exists()


def test_a_usage_batch_costs_the_same_number_of_queries_whatever_its_size(
    world, client_for, client, django_capture_on_commit_callbacks
):
    system = _system(client, _issue(client_for, world))

    def queries(items):
        with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks(execute=True):
            response = system.post(USAGE, {"records": items}, content_type="application/json")
        assert response.status_code == 200, response.content
        return len(captured)

    def batch(prefix, size, **changes):
        return [_item(world, n, id=f"{prefix}{n}", **changes) for n in range(size)]

    queries(batch("W", 1))  # the key's first use is noted, content types are cached
    assert queries(batch("A", 2)) == queries(batch("B", 20))
    assert UsageRecord.objects.count() == 23 and AuditEvent.objects.filter(action="create").count() >= 23
    # Corrections: each record read, checked, updated and audited with what changed.
    assert queries(batch("A", 2, fee="80.00")) == queries(batch("B", 20, fee="80.00"))
    assert UsageRecord.objects.filter(fee=Decimal("80.00")).count() == 22
    assert AuditEvent.objects.filter(action="update").count() == 22
    assert queries(batch("B", 20, fee="80.00")) < queries(batch("C", 2))  # a replay reads, writes nothing


def test_a_pushed_correction_follows_the_manual_records_rules(world, client_for, client):
    from yiqi.usage.tests.test_manual import completed_service_usage

    system = _system(client, _issue(client_for, world))
    items = [_item(world, n) for n in range(3)]
    assert system.post(USAGE, {"records": items}, content_type="application/json").status_code == 200
    last_month = timezone.now() - dt.timedelta(days=40)
    UsageRecord.objects.filter(pk=ExternalId.objects.get(external_id="LIMS-0").object_id).update(
        created_at=last_month
    )
    UsageRecord.objects.filter(pk=ExternalId.objects.get(external_id="LIMS-1").object_id).delete()
    start = dt.datetime.fromisoformat(items[2]["started_at"])
    completed_service_usage(world, start - dt.timedelta(days=1), start - dt.timedelta(days=1, hours=-1))
    booked = _item(world, 3, id="LIMS-3")
    completed_service_usage(
        world, dt.datetime.fromisoformat(booked["started_at"]), dt.datetime.fromisoformat(booked["ended_at"])
    )
    changed = [_item(world, 0, fee="1.00"), _item(world, 1, fee="1.00"), _item(world, 2, fee="1.00"), booked]

    response = system.post(USAGE, {"records": changed}, content_type="application/json")
    assert response.status_code == 400
    assert [(e["index"], e["field"]) for e in response.json()["errors"]] == [
        (0, "non_field_errors"),  # entered last month: closed
        (1, "id"),  # deleted meanwhile
        (3, "started_at"),  # a completed booking's time is already counted
    ]
    assert not UsageRecord.objects.filter(fee=Decimal("1.00")).exists()
    assert UsageRecord.objects.filter(source=UsageRecord.Source.MANUAL).count() == 2


def test_malformed_and_oversized_batches_are_refused(world, client_for, client, settings):
    system = _system(client, _issue(client_for, world))
    bad = system.post(USAGE, {"records": [{"id": "1", "purpose": "dance"}]}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_records"
    assert {(e["index"], e["id"], e["field"]) for e in bad.json()["errors"]} >= {
        (0, "1", "purpose"),
        (0, "1", "user_name"),
    }
    broken = system.post(USAGE, "{not json", content_type="application/json")
    assert broken.status_code == 400
    huge = system.post(USAGE, {"records": [_item(world, 0)] * 1001}, content_type="application/json")
    assert huge.status_code == 400 and not UsageRecord.objects.exists()


def test_keys_are_refused_outside_their_scope_after_revocation_and_expiry(world, client_for, client):
    reader = _issue(client_for, world, scopes=("read",))
    system = _system(client, reader)
    refused = system.post(USAGE, {"records": [_item(world, 0)]}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "scope_missing"
    assert system.get("/api/v1/exchange/unit/services/").status_code == 200

    row = UnitKey.objects.get()
    client_for(world.users["unit_admin_a"]).post(f"/api/v1/exchange/keys/{row.pk}/revoke/")
    system = _system(client, reader)
    revoked = system.get("/api/v1/exchange/unit/services/")
    assert revoked.status_code == 401 and revoked.json()["code"] == "key_revoked"

    writer = _issue(client_for, world)
    UnitKey.objects.filter(revoked_at__isnull=True).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    expired = _system(client, writer).get("/api/v1/exchange/unit/services/")
    assert expired.status_code == 401 and expired.json()["code"] == "key_expired"

    wrong = _system(client, writer[:-2] + "xx").get("/api/v1/exchange/unit/services/")
    assert wrong.status_code == 401 and wrong.json()["code"] == "key_invalid"


def test_a_key_reaches_only_its_own_unit(world, client_for, client):
    system = _system(client, _issue(client_for, world))
    other = system.post(
        USAGE,
        {"records": [_item(world, 0, instrument=world.draft_b.asset_number)]},
        content_type="application/json",
    )
    assert other.status_code == 400 and other.json()["errors"][0]["field"] == "instrument"
    ServiceRecordFactory(instrument=world.draft_b, unit=world.unit_b)
    mine = ServiceRecordFactory(instrument=world.published_a, unit=world.unit_a)
    rows = system.get("/api/v1/exchange/unit/services/").json()["results"]
    assert [row["id"] for row in rows] == [mine.pk]
    assert rows[0]["instrument"] == world.published_a.asset_number


def test_pulling_changes_since_a_moment(world, client_for, client):
    system = _system(client, _issue(client_for, world, scopes=("read",)))
    old = ServiceRecordFactory(instrument=world.published_a, unit=world.unit_a)
    moment = timezone.now()
    new = ServiceRecordFactory(instrument=world.published_a, unit=world.unit_a)
    rows = system.get("/api/v1/exchange/unit/services/", {"since": moment.isoformat()}).json()["results"]
    assert [row["id"] for row in rows] == [new.pk] and old.pk != new.pk


def test_each_key_is_rate_limited(world, client_for, client, settings):
    settings.YIQI_UNIT_KEY_RATE = "2/min"
    system = _system(client, _issue(client_for, world, scopes=("read",)))
    answers = [system.get("/api/v1/exchange/unit/services/").status_code for _ in range(3)]
    assert answers == [200, 200, 429]


def test_the_pull_costs_the_same_for_more_rows(world, client_for, client):
    system = _system(client, _issue(client_for, world, scopes=("read",)))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert system.get("/api/v1/exchange/unit/services/").status_code == 200
        return len(captured)

    ServiceRecordFactory.create_batch(2, instrument=world.published_a, unit=world.unit_a)
    few = queries()
    ServiceRecordFactory.create_batch(6, instrument=world.published_a, unit=world.unit_a)
    assert queries() == few


def test_the_key_check_compares_digests(world):
    from yiqi.accounts.access import access_for

    key, presented = keys.issue_key(
        access_for(world.users["unit_admin_a"]),
        unit=world.unit_a,
        name="预约系统",
        scopes=["read"],
        days=30,
        actor=world.users["unit_admin_a"],
    )
    assert keys.authenticate(presented) == key
    with pytest.raises(keys.KeyRefused):
        keys.authenticate(presented.split(".")[0] + ".guess")
