"""The census pages and API as each role meets them."""

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from yiqi.accounts.access import access_for
from yiqi.accounts.models import User
from yiqi.census import services
from yiqi.census.models import Census, CensusReturn
from yiqi.organizations.tests.factories import OrganizationFactory

from .factories import open_census

API = "/api/v1"


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_authority_opens_a_census_and_follows_it(world, client_for):
    client = client_for(world.authority)
    year = timezone.localdate().year - 1
    response = client.post(
        reverse("census:open"),
        {"year": year, "deadline": (timezone.localdate() + dt.timedelta(days=30)).isoformat()},
    )
    census = Census.objects.get(year=year)
    assert response.status_code == 302 and response["Location"] == reverse("census:detail", args=[census.pk])
    page = client.get(reverse("census:detail", args=[census.pk])).content.decode()
    assert world.unit.name in page and world.unit.supervising_department.name in page
    assert "关闭普查并冻结数据" in page
    # Opening the same year again: a field message, nothing made.
    response = client.post(reverse("census:open"), {"year": year, "deadline": "2099-01-01"})
    assert response.status_code == 200 and "已经开始过" in response.content.decode()
    assert Census.objects.count() == 1
    assert client.post(reverse("census:close", args=[census.pk])).status_code == 302
    assert Census.objects.get().status == "closed"


def test_a_unit_corrects_its_return_on_its_pages(world, client_for):
    census_return = open_census(world.unit).returns.get()
    client = client_for(world.officer)
    page = client.get(reverse("census:return", args=[census_return.pk])).content.decode()
    assert "扫描电镜" in page and "2 台待核实" in page
    line = census_return.lines.get(name="扫描电镜")
    response = client.post(
        reverse("census:line", args=[line.pk]),
        {
            "name": "扫描电镜",
            "sharing_mode": "external",
            "operating_status": "under_repair",
            "original_value": "3200000.00",
            "location": "材料楼 101",
            "contact_name": "李老师",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("census:return", args=[census_return.pk])).content.decode()
    assert "已更正" in page and "1 台待核实" in page
    # A different figure without a reason: the field says why, nothing saved.
    response = client.post(
        reverse("census:figures", args=[census_return.pk]),
        {"operating_hours": "0", "machine_hours": "9", "external_hours": "0", "services": "0", "income": "0"},
    )
    assert response.status_code == 200 and "请说明原因" in response.content.decode()
    assert CensusReturn.objects.get(pk=census_return.pk).machine_hours == Decimal("0.00")


def test_other_units_neither_see_nor_edit_the_return(world, client_for):
    census_return = open_census(world.unit).returns.get()
    line = census_return.lines.first()
    other = client_for(world.other_admin)
    assert other.get(reverse("census:return", args=[census_return.pk])).status_code == 404
    assert other.get(reverse("census:line", args=[line.pk])).status_code == 404
    assert client_for(world.technician).get(reverse("census:line", args=[line.pk])).status_code == 403
    assert (
        client_for(world.department).get(reverse("census:return", args=[census_return.pk])).status_code == 200
    )


def test_the_api_answers_returns_by_role_and_the_frozen_snapshot(world):
    census = open_census(world.unit, world.other_unit)
    mine = api_for(world.admin).get(f"{API}/census-returns/").json()
    assert [row["unit"] for row in mine["results"]] == [world.unit.pk]
    detail = api_for(world.admin).get(f"{API}/census-returns/{mine['results'][0]['id']}/").json()
    assert {line["name"] for line in detail["lines"]} == {"扫描电镜", "质谱仪"}
    response = api_for(world.admin).post(
        f"{API}/census-returns/{detail['id']}/act/", {"action": "submit"}, format="json"
    )
    assert response.status_code == 400 and "未核实" in str(response.json())
    assert api_for(world.admin).get(f"{API}/census/{census.pk}/snapshot/").json() == []
    services.close(census, access=access_for(world.authority), actor=world.authority)
    snapshot = api_for(world.department).get(f"{API}/census/{census.pk}/snapshot/").json()
    assert [(row["unit"], row["instruments"]) for row in snapshot] == [(world.unit.pk, 2)]


def test_the_returns_list_does_not_grow_its_queries_with_rows(world):
    def measure() -> tuple[int, int]:
        client = api_for(User.objects.get(pk=world.authority.pk))  # no access cached from before
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"{API}/census-returns/")
        assert response.status_code == 200
        return response.json()["count"], len(captured)

    open_census(*(OrganizationFactory() for _ in range(2)), year=2020)
    rows, few = measure()
    open_census(*(OrganizationFactory() for _ in range(6)), year=2021)
    more_rows, more = measure()
    assert more_rows == rows + 6 and more == few
