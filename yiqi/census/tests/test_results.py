"""After the census: the authority commends units or gives them notice from the frozen figures (Shaanxi 服务奖励,
通报), and publishes the province's results to everyone — figures by class, department and unit kind, no personal
data, nothing before publication."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from yiqi.accounts.access import access_for
from yiqi.census import results, services
from yiqi.census.models import CensusMark, CensusReturn, MarkKind, ReturnStatus
from yiqi.core.models import AuditEvent
from yiqi.notifications.models import Notification
from yiqi.organizations.tests.factories import OrganizationFactory

from .factories import open_census


def _closed(world, *units):
    census = open_census(*(units or (world.unit, world.other_unit)))
    mine = census.returns.get(unit=world.unit)
    services.save_figures(
        mine, access=access_for(world.officer), machine_hours=Decimal("100"), external_hours=Decimal("40"),
        difference_note="线下服务未在平台登记",
    )  # fmt: skip
    CensusReturn.objects.filter(pk=mine.pk).update(status=ReturnStatus.ACCEPTED)
    return services.close(census, access=access_for(world.authority), actor=world.authority)


def test_the_authority_marks_units_from_the_frozen_census_and_they_hear(world, client_for):
    open_one = open_census(world.unit, year=2020)
    authority = access_for(world.authority)
    with pytest.raises(ValidationError, match="冻结后"):
        results.mark(
            open_one, unit_id=world.unit.pk, kind="notice", reason="未报", access=authority, actor=None
        )
    census = _closed(world)
    found = results.candidates(census)
    assert [r.unit_id for r in found["unreturned"]] == [world.other_unit.pk]  # never accepted
    assert [r.unit_id for r in found["gaps"]] == [world.unit.pk]  # 100 declared, 0 on the platform
    assert [r.unit_id for r in found["leaders"]] == [world.unit.pk]

    with pytest.raises(PermissionDenied):
        results.mark(census, unit_id=world.unit.pk, kind="notice", reason="x", access=access_for(world.department),
                     actor=world.department)  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        results.mark(
            census, unit_id=10**9, kind="praise", reason=" ", access=authority, actor=world.authority
        )
    assert set(refused.value.message_dict) == {"unit", "kind", "reason"}
    assert not CensusMark.objects.exists()

    response = client_for(world.authority).post(
        reverse("census:marks", args=[census.pk]),
        {"unit": world.other_unit.pk, "kind": MarkKind.NOTICE, "reason": "逾期未提交普查填报"},
    )
    assert response.status_code == 302
    notice = CensusMark.objects.get()
    assert AuditEvent.objects.for_object(notice).count() == 1
    assert Notification.objects.filter(
        recipient=world.other_admin, subject__contains="逾期未提交普查填报"
    ).exists()
    assert not Notification.objects.filter(recipient=world.admin, subject__contains="逾期").exists()
    with pytest.raises(ValidationError, match="已有同类通报"):
        results.mark(census, unit_id=world.other_unit.pk, kind="notice", reason="再次", access=authority,
                     actor=world.authority)  # fmt: skip
    results.mark(census, unit_id=world.unit.pk, kind=MarkKind.COMMENDATION, reason="对外服务机时全省前列",
                 access=authority, actor=world.authority)  # fmt: skip
    assert client_for(world.department).get(reverse("census:marks", args=[census.pk])).status_code == 403


def test_results_are_public_only_once_published_and_carry_no_personal_data(world, client):
    census = _closed(world)
    url, api = reverse("census:results_year", args=[census.year]), f"/api/v1/census-results/{census.year}/"
    assert client.get(url).status_code == 404 and APIClient().get(api).status_code == 404
    with pytest.raises(ValidationError, match="尚未公布"):
        results.results(census)
    with pytest.raises(PermissionDenied):
        results.publish(census, access=access_for(world.department), actor=world.department)
    results.mark(census, unit_id=world.other_unit.pk, kind="notice", reason="逾期未提交普查填报",
                 access=access_for(world.authority), actor=world.authority)  # fmt: skip
    results.publish(census, access=access_for(world.authority), actor=world.authority)
    assert services.frozen_figures(census.year)[world.unit.pk].machine_hours == Decimal(
        "100.00"
    )  # still read

    page = client.get(url).content.decode()  # anonymous
    assert world.unit.supervising_department.name in page and "逾期未提交普查填报" in page
    assert world.microscope.contact_name not in page and world.officer.username not in page
    assert client.get(reverse("census:results")).status_code == 200

    body = APIClient().get(api).json()
    assert body["totals"]["units"] == 2 and body["totals"]["instruments"] == 3
    assert body["totals"]["machine_hours"] == "100.00" and body["totals"]["open_percent"] == 100
    assert {row["name"] for row in body["by_department"]} == {
        world.unit.supervising_department.name,
        world.other_unit.supervising_department.name,
    }
    assert [row["instruments"] for row in body["by_unit_kind"]] == [3]
    assert sum(row["instruments"] for row in body["by_class"]) == 3
    assert body["marks"] == [
        {"unit_name": world.other_unit.name, "kind": "notice", "reason": "逾期未提交普查填报"}
    ]
    assert [row["year"] for row in APIClient().get("/api/v1/census-results/").json()["results"]] == [
        census.year
    ]
    assert APIClient().get("/api/v1/census-results/abcd/").status_code == 404
    assert client.get(reverse("census:results_year", args=[10**12])).status_code == 404


def test_publishing_and_marking_through_the_api(world):
    census = _closed(world)
    client = APIClient()
    client.force_authenticate(world.authority)
    base = f"/api/v1/census/{census.pk}"
    for garbage in ({"unit": "١", "kind": "notice", "reason": "x"}, {"unit": 10**30, "kind": "notice", "reason": "x"},
                    {"unit": world.unit.pk, "kind": "praise", "reason": "x"}, {"unit": world.unit.pk, "kind": "notice"}):  # fmt: skip
        assert client.post(f"{base}/mark.json", garbage, format="json").status_code == 400
    response = client.post(f"{base}/mark/", {"unit": world.unit.pk, "kind": "commendation", "reason": "服务好"},
                           format="json")  # fmt: skip
    assert response.status_code == 201 and response.json()["unit_name"] == world.unit.name
    assert client.post(f"{base}/publish.json").json()["status"] == "published"
    assert client.post(f"{base}/publish/").status_code == 400  # once
    client.force_authenticate(world.admin)
    assert (
        client.post(f"{base}/mark/", {"unit": world.unit.pk, "kind": "notice", "reason": "x"}).status_code
        == 403
    )


def test_the_results_do_not_grow_their_queries_with_units(world):
    def measure(census) -> int:
        results.publish(census, access=access_for(world.authority), actor=world.authority)
        with CaptureQueriesContext(connection) as captured:
            assert APIClient().get(f"/api/v1/census-results/{census.year}/").status_code == 200
        return len(captured)

    few = measure(_closed(world))
    more_units = [OrganizationFactory() for _ in range(4)]
    census = open_census(world.unit, *more_units, year=2020)
    census = services.close(census, access=access_for(world.authority), actor=world.authority)
    for unit in more_units[:2]:
        results.mark(census, unit_id=unit.pk, kind="notice", reason="逾期", access=access_for(world.authority),
                     actor=world.authority)  # fmt: skip
    assert measure(census) == few
    with CaptureQueriesContext(connection) as captured:
        assert APIClient().get("/api/v1/census-results/").json()["count"] == 2
    assert len(captured) <= 3
