"""The reporting API: scoped lists whose query count does not grow with their rows; pages for units and authority."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yiqi.exchange.models import NationalRecord, RecordType, ReportingJob
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory

pytestmark = pytest.mark.django_db


def _records(unit, n):
    for _ in range(n):
        instrument = InstrumentFactory(unit=unit, registration_status=RegistrationStatus.PUBLISHED)
        NationalRecord.objects.create(
            record_type=RecordType.INSTRUMENT,
            unit=unit,
            object_key=str(instrument.pk),
            title=instrument.name,
            payload={"cname": instrument.name},
            digest="0" * 64,
            problems=[{"field": "insCode", "reason": "单位尚未登记国家平台单位代码"}],
        )
    ReportingJob.objects.create(unit=unit, endpoint="http://x", total=n)


def _queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "path", ["/api/v1/exchange/records/", "/api/v1/exchange/jobs/", "/exchange/", "/exchange/jobs/"]
)
def test_lists_cost_the_same_for_more_rows(world, client_for, path):
    client = client_for(world.users["unit_admin_a"])
    _records(world.unit_a, 2)
    few = _queries(client, path)
    _records(world.unit_a, 6)
    assert _queries(client, path) == few


def test_each_unit_sees_only_its_own_records(world, client_for):
    _records(world.unit_a, 1)
    _records(world.unit_b, 2)
    rows = client_for(world.users["unit_admin_b"]).get("/api/v1/exchange/records/").json()["results"]
    assert {row["unit"] for row in rows} == {world.unit_b.pk}
    other = NationalRecord.objects.filter(unit=world.unit_a).get()
    assert client_for(world.users["unit_admin_b"]).get(f"/exchange/records/{other.pk}/").status_code == 404


def test_the_to_do_names_the_field_and_reason(world, client_for):
    _records(world.unit_a, 1)
    page = client_for(world.users["officer_a"]).get("/exchange/").content.decode()
    assert "insCode" in page and "单位尚未登记国家平台单位代码" in page


def test_only_unit_staff_and_the_authority_see_reporting(world, client_for):
    assert client_for(world.users["external_user"]).get("/exchange/").status_code == 403
    assert client_for(world.users["platform_admin"]).get("/exchange/jobs/").status_code == 200
