"""The directory API: public unit pages, private identifiers, users' own organisations."""

import pytest
from rest_framework.test import APIClient

from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import user_with_role
from yiqi.organizations.models import Organization, SubUnit
from yiqi.organizations.tests.factories import (
    DepartmentFactory,
    OrganizationFactory,
    RegionFactory,
    SubUnitFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/"


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.fixture
def world(world):
    """The shared province (yiqi/conftest.py), with the addresses the directory keeps private."""
    for org, address in (
        (world.unit_a, "西安市雁塔区甲路 1 号"),
        (world.enterprise, "西安市高新区丙路 2 号"),
    ):
        org.address = address
        org.save(update_fields=["address"])
    return world


# For each role and organisation: (in the list?, GET detail, credit code and address shown?).
# Management units are public directory entries; their credit code and address are for the platform, the unit's
# own people and its supervising department. An enterprise that registered as a user is visible only to the
# platform and its own members.
ORGANIZATION_MATRIX = [
    # role                    organisation  listed detail private
    ("anonymous",             "unit_a",     True,  200,   False),
    ("anonymous",             "enterprise", False, 404,   None),
    ("external_user",         "unit_a",     True,  200,   False),
    ("external_user",         "enterprise", True,  200,   True),
    ("expert",                "unit_a",     True,  200,   False),
    ("expert",                "enterprise", False, 404,   None),
    ("evaluator",             "unit_a",     True,  200,   False),
    ("evaluator",             "enterprise", False, 404,   None),
    ("platform_admin",        "unit_a",     True,  200,   True),
    ("platform_admin",        "enterprise", True,  200,   True),
    ("department_admin_a",    "unit_a",     True,  200,   True),
    ("department_admin_a",    "enterprise", False, 404,   None),
    ("department_admin_b",    "unit_a",     True,  200,   False),
    ("department_admin_b",    "enterprise", False, 404,   None),
    ("unit_admin_a",          "unit_a",     True,  200,   True),
    ("unit_admin_a",          "enterprise", False, 404,   None),
    ("officer_a",             "unit_a",     True,  200,   True),
    ("officer_a",             "enterprise", False, 404,   None),
    ("manager_a",             "unit_a",     True,  200,   True),
    ("manager_a",             "enterprise", False, 404,   None),
    ("technician_a",          "unit_a",     True,  200,   True),
    ("technician_a",          "enterprise", False, 404,   None),
    ("unit_admin_b",          "unit_a",     True,  200,   False),
    ("unit_admin_b",          "enterprise", False, 404,   None),
]  # fmt: skip


@pytest.mark.parametrize("role, organization, listed, detail, private", ORGANIZATION_MATRIX)
def test_organization_matrix(world, role, organization, listed, detail, private):
    client = client_for(world.users[role])
    org = getattr(world, organization)

    rows = {row["id"]: row for row in results(client.get(f"{API}organizations/", {"page_size": 200}))}
    response = client.get(f"{API}organizations/{org.pk}/")

    assert (org.pk in rows, response.status_code) == (listed, detail)
    if detail == 200:
        body = response.json()
        assert body == rows[org.pk]  # list and detail show the same
        shown = (body["credit_code"], body["address"])
        assert shown == ((org.credit_code, org.address) if private else (None, None))


@pytest.mark.parametrize("role", ["anonymous", "unit_admin_a", "platform_admin"])
def test_organizations_are_read_only(world, role):
    client = client_for(world.users[role])
    unit = world.unit_a
    assert client.patch(f"{API}organizations/{unit.pk}/", {"name": "改名"}, format="json").status_code in (
        403,
        405,
    )
    assert client.post(f"{API}organizations/", {"name": "新单位"}, format="json").status_code in (403, 405)
    unit.refresh_from_db()
    assert unit.name == "西北测试大学"


def test_unit_public_fields(world):
    body = APIClient().get(f"{API}organizations/{world.unit_a.pk}/").json()
    assert body == {
        "id": world.unit_a.pk,
        "name": "西北测试大学",
        "short_name": "",
        "kind": "university",
        "credit_code": None,
        "region": world.unit_a.region_id,
        "region_name": world.unit_a.region.name,
        "address": None,
        "postcode": "",
        "website": "",
        "is_management_unit": True,
        "supervising_department": world.unit_a.supervising_department_id,
        "supervising_department_name": "陕西省教育厅",
    }


# --- organisation filters ---------------------------------------------------------------------------------------


@pytest.fixture
def directory():
    xian = RegionFactory(code="610113", name="雁塔区")
    baoji = RegionFactory(code="610302", name="渭滨区", parent=RegionFactory(code="610300", name="宝鸡市"))
    gansu = RegionFactory(
        code="620102",
        name="城关区",
        parent=RegionFactory(
            code="620100", name="兰州市", parent=RegionFactory(code="620000", name="甘肃省")
        ),
    )
    edu = DepartmentFactory(name="省教育厅")
    health = DepartmentFactory(name="省卫生健康委")
    return {
        "xian_university": OrganizationFactory(name="西安某大学", short_name="西某大", region=xian,
                                               supervising_department=edu),
        "baoji_institute": OrganizationFactory(name="宝鸡某研究所", kind=Organization.Kind.RESEARCH_INSTITUTE,
                                               region=baoji, supervising_department=edu),
        "xian_hospital": OrganizationFactory(name="西安某医院", kind=Organization.Kind.HOSPITAL, region=xian,
                                             supervising_department=health),
        "lanzhou_university": OrganizationFactory(name="兰州某大学", region=gansu),
        "edu": edu,
    }  # fmt: skip


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, {"xian_university", "baoji_institute", "xian_hospital", "lanzhou_university"}),
        (
            {"region": "610000"},
            {"xian_university", "baoji_institute", "xian_hospital"},
        ),  # a province: all inside
        ({"region": "610300"}, {"baoji_institute"}),  # a city
        ({"region": "610113"}, {"xian_university", "xian_hospital"}),  # a county
        ({"region": "999999"}, set()),
        ({"kind": "hospital"}, {"xian_hospital"}),
        ({"department": "edu"}, {"xian_university", "baoji_institute"}),
        (
            {"is_management_unit": "true"},
            {"xian_university", "baoji_institute", "xian_hospital", "lanzhou_university"},
        ),
        ({"is_management_unit": "false"}, set()),
        ({"q": "大学"}, {"xian_university", "lanzhou_university"}),
        ({"q": "西某"}, {"xian_university"}),  # short name
        ({"q": "大学", "region": "610000"}, {"xian_university"}),
    ],
)
def test_organization_filters(directory, params, expected):
    if params.get("department") == "edu":
        params = {**params, "department": directory["edu"].pk}
    names = {row["name"] for row in results(APIClient().get(f"{API}organizations/", params))}
    assert names == {directory[key].name for key in expected}


def test_invalid_organization_filters_are_bad_requests(directory):
    assert APIClient().get(f"{API}organizations/", {"kind": "club"}).status_code == 400
    assert APIClient().get(f"{API}organizations/", {"department": 999999}).status_code == 400


def test_organization_list_queries_are_bounded(directory, django_assert_max_num_queries):
    for _ in range(20):
        OrganizationFactory(supervising_department=directory["edu"])
    client = client_for(user_with_role(Role.DEPARTMENT_ADMIN, department=directory["edu"]))
    with django_assert_max_num_queries(3):  # roles, count, page
        assert len(results(client.get(f"{API}organizations/"))) == 24


# --- regions, departments, sub-units ----------------------------------------------------------------------------


def test_regions_by_level_and_parent(directory):
    client = APIClient()
    provinces = results(client.get(f"{API}regions/", {"level": 1}))
    assert [(r["code"], r["name"], r["level"]) for r in provinces] == [
        ("610000", "陕西省", 1),
        ("620000", "甘肃省", 1),
    ]
    assert [r["code"] for r in results(client.get(f"{API}regions/", {"level": 2}))] == [
        "610100",
        "610300",
        "620100",
    ]
    assert [r["code"] for r in results(client.get(f"{API}regions/", {"parent": "610000"}))] == [
        "610100",
        "610300",
    ]
    assert client.get(f"{API}regions/610302/").json() == {"code": "610302", "name": "渭滨区", "parent": "610300",
                                                          "level": 3}  # fmt: skip
    assert client.get(f"{API}regions/", {"level": 4}).status_code == 400
    assert client.get(f"{API}regions/999999/").status_code == 404


def test_departments_are_public(directory):
    rows = results(APIClient().get(f"{API}departments/"))
    assert {r["name"] for r in rows} >= {"省教育厅", "省卫生健康委"}
    edu = APIClient().get(f"{API}departments/{directory['edu'].pk}/").json()
    assert edu == {"id": directory["edu"].pk, "name": "省教育厅", "region": "610000", "region_name": "陕西省"}
    assert results(APIClient().get(f"{API}departments/", {"region": "620000"})) == []


def test_sub_units_are_public_for_management_units(world):
    lab = SubUnitFactory(unit=world.unit_a, name="材料分析测试中心")
    SubUnitFactory(unit=world.unit_b, name="重点实验室", kind=SubUnit.Kind.KEY_LABORATORY)
    client = APIClient()

    rows = results(client.get(f"{API}sub-units/", {"unit": world.unit_a.pk}))

    assert rows == [
        {"id": lab.pk, "unit": world.unit_a.pk, "unit_name": "西北测试大学", "name": "材料分析测试中心",
         "kind": "testing_center"}
    ]  # fmt: skip
    assert len(results(client.get(f"{API}sub-units/"))) == 2
    assert len(results(client.get(f"{API}sub-units/", {"kind": "key_laboratory"}))) == 1


def test_sub_units_of_a_non_management_organisation_stay_private(world):
    SubUnit.objects.create(unit=world.enterprise, name="研发部", kind=SubUnit.Kind.OTHER)
    assert results(APIClient().get(f"{API}sub-units/")) == []
    member = client_for(world.users["external_user"])
    assert [r["name"] for r in results(member.get(f"{API}sub-units/"))] == ["研发部"]


def _queries_for(client, path) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)  # warm the per-process caches first
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("kind", ["regions", "departments", "sub-units"])
def test_directory_lists_cost_the_same_for_three_times_the_rows(directory, kind):
    """No list asks per row: N and 3N rows run the same number of queries."""
    unit = directory["xian_university"]
    client = client_for(user_with_role(Role.PLATFORM_ADMIN))

    def add(n: int) -> None:
        for i in range(n):
            if kind == "regions":
                RegionFactory(code=f"61{len(str(i)) % 9}{i:03d}", name=f"测试区{i}")
            elif kind == "departments":
                DepartmentFactory()
            else:
                SubUnitFactory(unit=unit)

    add(4)
    few = _queries_for(client, f"{API}{kind}/")
    add(8)
    assert _queries_for(client, f"{API}{kind}/") == few
