"""The usage API: scoped records, manual records with evidence (multipart), and scoped totals."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory
from yiqi.servicerecords.tests.factories import CompletedRecordFactory
from yiqi.usage import services
from yiqi.usage.models import UsageRecord
from yiqi.usage.tests.conftest import pdf
from yiqi.usage.tests.factories import UsageRecordFactory

pytestmark = pytest.mark.django_db

RECORDS = "/api/v1/usage-records/"
TOTALS = "/api/v1/usage-totals/"


def api(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def payload(world, start, end, **overrides):
    return {
        "instrument": world.published_a.pk,
        "user_name": "企业检测员",
        "user_organization": world.enterprise.pk,
        "purpose": "service",
        # No offset: Asia/Shanghai.
        "started_at": timezone.localtime(start).strftime("%Y-%m-%dT%H:%M:%S"),
        "ended_at": timezone.localtime(end).isoformat(),
        "sample_count": 3,
        "fee": "150.00",
        "evidence": pdf(),
    } | overrides


def test_staff_create_a_manual_record_with_evidence(world, recent):
    response = api(world.users["technician_a"]).post(RECORDS, payload(world, *recent), format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["is_external"] is True and body["source"] == "manual"
    assert body["machine_hours"] == "2.00" and body["fee"] == "150.00"
    assert body["started_at"] == recent[0].isoformat()
    assert body["evidence_url"].endswith(f"/api/v1/usage-records/{body['id']}/evidence/")
    assert "evidence" not in body
    download = api(world.users["department_admin_a"]).get(body["evidence_url"])
    assert download.status_code == 200
    assert api(world.users["evaluator"]).get(body["evidence_url"]).status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"evidence": None}, "evidence"),
        ({"machine_hours": "2.50"}, "machine_hours"),
        ({"started_at": "2026-13-01T10:00"}, "started_at"),
        ({"sample_count": -1}, "sample_count"),
    ],
)
def test_bad_input_is_a_400_and_saves_nothing(world, recent, change, field):
    data = payload(world, *recent) | change
    data = {k: v for k, v in data.items() if v is not None}
    response = api(world.users["technician_a"]).post(RECORDS, data, format="multipart")
    assert response.status_code == 400
    assert field in response.json()
    assert not UsageRecord.objects.exists()


def test_end_before_start_and_future_times_are_refused(world, recent):
    start, end = recent
    client = api(world.users["technician_a"])
    assert client.post(RECORDS, payload(world, end, start), format="multipart").json() == {
        "ended_at": ["结束时间必须晚于开始时间。"]
    }
    later = timezone.now() + dt.timedelta(days=1)
    assert (
        client.post(RECORDS, payload(world, later, later + (end - start)), format="multipart").status_code
        == 400
    )
    assert not UsageRecord.objects.exists()


def test_instruments_of_other_units_are_refused(world, recent):
    client = api(world.users["technician_a"])
    hidden = client.post(RECORDS, payload(world, *recent, instrument=world.draft_b.pk), format="multipart")
    assert hidden.status_code == 400 and "instrument" in hidden.json()
    other = InstrumentFactory(unit=world.unit_b, registration_status=RegistrationStatus.PUBLISHED)
    visible = client.post(RECORDS, payload(world, *recent, instrument=other.pk), format="multipart")
    assert visible.status_code == 403
    assert (
        api(world.users["external_user"])
        .post(RECORDS, payload(world, *recent), format="multipart")
        .status_code
        == 403
    )
    assert api(None).get(RECORDS).status_code in (401, 403)
    assert not UsageRecord.objects.exists()


def test_list_is_scoped_and_records_are_corrected_or_deleted_through_the_services(world, recent):
    staff = api(world.users["technician_a"])
    created = staff.post(RECORDS, payload(world, *recent), format="multipart").json()
    UsageRecordFactory(instrument=InstrumentFactory(unit=world.unit_b))
    assert [r["id"] for r in staff.get(RECORDS).json()["results"]] == [created["id"]]
    assert api(world.users["unit_admin_b"]).get(f"{RECORDS}{created['id']}/").status_code == 404
    assert len(api(world.users["platform_admin"]).get(RECORDS).json()["results"]) == 2
    patched = staff.patch(f"{RECORDS}{created['id']}/", {"machine_hours": "1.25"}, format="json")
    assert patched.status_code == 200 and patched.json()["machine_hours"] == "1.25"
    too_long = staff.patch(f"{RECORDS}{created['id']}/", {"machine_hours": "9"}, format="json")
    assert too_long.status_code == 400
    assert api(world.users["department_admin_a"]).delete(f"{RECORDS}{created['id']}/").status_code == 403
    assert staff.delete(f"{RECORDS}{created['id']}/").status_code == 204
    assert not UsageRecord.objects.filter(pk=created["id"]).exists()


@pytest.fixture
def this_year(world):
    instrument_b = InstrumentFactory(unit=world.unit_b, registration_status=RegistrationStatus.PUBLISHED)
    start = timezone.now() - dt.timedelta(days=1)
    UsageRecordFactory(instrument=world.published_a, machine_hours=Decimal("3.00"), started_at=start)
    UsageRecordFactory(
        instrument=world.published_a, machine_hours=Decimal("1.00"), is_external=True, started_at=start
    )
    UsageRecordFactory(
        instrument=instrument_b, machine_hours=Decimal("2.00"), is_external=True, started_at=start
    )


@pytest.mark.parametrize(
    ("role", "units"),
    [
        ("technician_a", {"西北测试大学"}),
        ("officer_a", {"西北测试大学"}),
        ("department_admin_a", {"西北测试大学"}),
        ("department_admin_b", {"陕西测试医院"}),
        ("unit_admin_b", {"陕西测试医院"}),
        ("platform_admin", {"西北测试大学", "陕西测试医院"}),
        ("evaluator", {"西北测试大学", "陕西测试医院"}),
    ],
)
def test_totals_per_unit_are_scoped(world, this_year, role, units):
    response = api(world.users[role]).get(TOTALS, {"group_by": "unit"})
    assert response.status_code == 200
    assert {row["label"] for row in response.json()["rows"]} == units


def test_totals_rows_carry_hours_and_sharing_rate(world, this_year):
    year = timezone.localdate().year
    response = api(world.users["platform_admin"]).get(
        TOTALS, {"group_by": "region", "start": f"{year}-01-01", "end": f"{year}-12-31"}
    )
    province, city = response.json()["rows"]
    assert province == {
        "id": None,
        "code": "610000",
        "label": "陕西省",
        "level": 1,
        "machine_hours": "6.00",
        "external_hours": "3.00",
        "internal_hours": "3.00",
        "sharing_rate": "0.5000",
        "records": 3,
        "samples": 0,
        "fees": "0.00",
    }
    assert (city["code"], city["label"], city["level"]) == ("610100", "西安市", 2)
    unit = api(world.users["technician_a"]).get(TOTALS).json()["rows"][0]
    assert (unit["id"], unit["sharing_rate"]) == (world.unit_a.pk, "0.2500")
    empty = api(world.users["technician_a"]).get(TOTALS, {"start": "2001-01-01", "end": "2001-12-31"}).json()
    assert empty["rows"] == []


def test_totals_refuse_bad_queries_and_outsiders(world):
    admin = api(world.users["platform_admin"])
    assert admin.get(TOTALS, {"group_by": "city"}).status_code == 400
    assert admin.get(TOTALS, {"start": "2026-12-01", "end": "2026-01-01"}).json() == {
        "end": ["截止日期不能早于开始日期。"]
    }
    assert admin.get(TOTALS, {"start": "2026-02-30"}).status_code == 400
    for role in ("external_user", "expert"):
        assert api(world.users[role]).get(TOTALS).status_code == 403


@pytest.mark.parametrize("params", [{"end": "9999-12-31"}, {"start": "0001-01-01"}])
def test_dates_far_outside_the_platforms_years_are_refused_not_crashed(world, params):
    client = APIClient()
    client.force_authenticate(world.users["unit_admin_a"])
    for path in ("/api/v1/usage-totals/", "/api/v1/usage-records/"):
        response = client.get(path, params)
        assert response.status_code == 400, (path, response.content)
        assert "2000" in response.content.decode()


def served(world, count):
    for _ in range(count):
        service = CompletedRecordFactory(instrument=world.published_a, user=world.users["external_user"])
        services.record_for_service(service, fee=Decimal("10"))


def test_records_of_services_name_their_service_in_a_fixed_number_of_queries(
    world, django_assert_max_num_queries
):
    client = api(world.users["unit_admin_a"])
    served(world, 2)
    with CaptureQueriesContext(connection) as few:
        body = client.get(RECORDS).json()
    served(world, 4)
    with django_assert_max_num_queries(len(few)):
        many = client.get(RECORDS).json()
    assert len(many["results"]) == 3 * len(body["results"]) == 6
    row = many["results"][0]
    assert row["source"] == "booking" and row["record"] is not None
    assert row["booking"] is None and row["order"] is None  # no kind's row behind these bare records
