"""The sensitive-read log: every evidence download and every export leaves a row (who, what, for which unit, the
filters); unit admins see their unit's rows, the platform authority all of them, nobody else any; reading the log
writes nothing and costs the same queries for N or 3N rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from yiqi.core import changelog
from yiqi.core.models import AuditEvent
from yiqi.usage.tests.conftest import pdf
from yiqi.usage.tests.factories import UsageRecordFactory

WRITE = ("INSERT", "UPDATE", "DELETE")


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def logged(user) -> list[dict]:
    response = api(user).get("/api/v1/read-log/")
    assert response.status_code == 200
    return response.json()["results"]


@pytest.fixture
def evidence_record(world):
    return UsageRecordFactory(instrument=world.published_a, evidence=pdf())


def test_an_evidence_download_is_logged_for_its_unit(world, client_for, evidence_record):
    response = client_for(world.users["technician_a"]).get(
        reverse("usage:record_evidence", args=[evidence_record.pk])
    )
    assert response.status_code == 200
    b"".join(response.streaming_content)
    (row,) = logged(world.users["unit_admin_a"])
    assert (row["action"], row["actor_username"], row["unit_id"]) == ("download", "tech_a", world.unit_a.pk)
    assert "使用登记表.pdf" in row["what"]
    assert logged(world.users["unit_admin_b"]) == []
    assert len(logged(world.users["platform_admin"])) == 1


def test_a_usage_export_is_logged_with_its_filters(world, client_for):
    UsageRecordFactory(instrument=world.published_a)
    client = client_for(world.users["unit_admin_a"])
    response = client.get(reverse("usage:record_export"), {"purpose": "research", "start": "2026-01-01"})
    assert response.status_code == 200
    b"".join(response.streaming_content)
    event = AuditEvent.objects.get(action="export")
    assert event.target == world.users["unit_admin_a"] and event.data["unit"] == world.unit_a.pk
    assert event.data["filters"] == {"用途": "科研", "开始日期": "2026-01-01"}
    (row,) = logged(world.users["unit_admin_a"])
    assert row["filters"] == event.data["filters"] and "使用记录导出" in row["what"]
    assert logged(world.users["unit_admin_b"]) == []


def test_an_instrument_export_across_units_is_for_the_authority_only(world, client_for):
    client = client_for(world.users["platform_admin"])
    assert client.get(reverse("registry:export", args=["xlsx"])).status_code == 200
    assert client.get(reverse("registry:export", args=["csv"]), {"q": "电镜"}).status_code == 200
    one_unit, across = logged(world.users["platform_admin"])
    assert across["unit_id"] is None and one_unit["unit_id"] == world.unit_a.pk
    assert "电镜" in one_unit["filters"].values() and across["filters"] == {}
    assert [r["unit_id"] for r in logged(world.users["unit_admin_a"])] == [world.unit_a.pk]
    assert logged(world.users["unit_admin_b"]) == []


def test_a_statement_export_is_logged_for_the_issuing_unit(world, client_for):
    client = client_for(world.users["unit_admin_a"])
    response = client.get(reverse("fees:statement_export", args=["csv"]), {"month": "2026-11"})
    assert response.status_code == 200
    b"".join(response.streaming_content)
    (row,) = logged(world.users["unit_admin_a"])
    assert row["unit_id"] == world.unit_a.pk and row["filters"]["月份"] == "2026-11"
    assert logged(world.users["unit_admin_b"]) == []


@pytest.mark.parametrize(
    "role", ["technician_a", "manager_a", "officer_a", "department_admin_a", "external_user", "evaluator"]
)
def test_nobody_else_reads_the_log(world, client_for, role):
    assert client_for(world.users[role]).get(reverse("portal:read_log")).status_code == 403
    assert api(world.users[role]).get("/api/v1/read-log/").status_code == 403


def test_anonymous_is_sent_to_log_in(world, client):
    assert client.get(reverse("portal:read_log")).status_code == 302
    assert APIClient().get("/api/v1/read-log/").status_code in (401, 403)


def test_the_workspace_links_the_log_for_those_who_read_it(world, client_for):
    link = reverse("portal:read_log")
    assert link in client_for(world.users["unit_admin_a"]).get(reverse("portal:workspace")).content.decode()
    assert link not in client_for(world.users["manager_a"]).get(reverse("portal:workspace")).content.decode()


def make_rows(world, count: int) -> None:
    readers = [world.users["manager_a"], world.users["technician_a"], world.users["platform_admin"]]
    for n in range(count):
        record = UsageRecordFactory(instrument=world.published_a)
        changelog.record_read(
            record, changelog.DOWNLOAD, actor=readers[n % 3], unit_id=world.unit_a.pk, what=f"第{n}份佐证"
        )


@pytest.mark.parametrize("reader", ["unit_admin_a", "platform_admin"])
def test_the_log_costs_the_same_queries_for_3n_rows_and_writes_nothing(world, client_for, reader):
    page_client, api_client = client_for(world.users[reader]), api(world.users[reader])

    def queries():
        with CaptureQueriesContext(connection) as page:
            response = page_client.get(reverse("portal:read_log"))
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as listed:
            rows = api_client.get("/api/v1/read-log/").json()["results"]
        for captured in (page, listed):
            assert not [q["sql"] for q in captured if q["sql"].lstrip().upper().startswith(WRITE)]
        return len(page), len(listed), len(rows)

    make_rows(world, 3)
    queries()  # fills per-process caches
    page, listed, shown = queries()
    make_rows(world, 6)
    assert queries() == (page, listed, shown * 3)


def test_the_page_is_paginated(world, client_for):
    make_rows(world, 55)
    client = client_for(world.users["unit_admin_a"])
    first = client.get(reverse("portal:read_log")).content.decode()
    second = client.get(reverse("portal:read_log"), {"page": 2}).content.decode()
    assert "第54份佐证" in first and "第0份佐证" not in first
    assert "第0份佐证" in second
    assert len(api(world.users["unit_admin_a"]).get("/api/v1/read-log/", {"page": 2}).json()["results"]) == 5


def test_the_log_is_in_the_openapi_schema(world, client):
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/read-log/" in schema
