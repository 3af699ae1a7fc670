"""Science data, literature and reports, and natural resources in the catalogue: found as their own kinds with their
own facets, indexed when published and gone when withdrawn; the API refuses bad parameters."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yiqi.accounts.access import access_for
from yiqi.catalog.other_resources import other_resource_kinds, rebuild_resource_index, search_resources
from yiqi.core.transactions import forget_batches
from yiqi.resources import services
from yiqi.resources.models import ResourceStatus
from yiqi.resources.tests.factories import ResourceFactory, germplasm_bank, report


def test_published_resources_are_found_by_kind_with_their_own_facets(world, client):
    ResourceFactory(name="渭河水质监测数据集", subject="环境科学", data_format="NetCDF")
    germplasm_bank(name="渭河流域鱼类标本馆", natural_kind="specimen", species="鱼类")
    report(name="渭河流域水资源评价报告")
    ResourceFactory(name="渭河草稿数据集", status=ResourceStatus.DRAFT, published_at=None)
    assert rebuild_resource_index() == 3
    assert [row["kind"] for row in other_resource_kinds("渭河")] == ["dataset", "report", "natural"]
    result = search_resources("渭河", filters={"kind": ["dataset"]})
    assert [d.name for d in result.documents] == ["渭河水质监测数据集"]
    assert {"licence", "data_format", "subject", "access_level"} <= set(result.facets)
    assert "species" not in result.facets  # a natural resource's facet, not a data set's
    assert {v.value: v.count for v in result.facets["kind"]} == {"dataset": 1, "natural": 1, "report": 1}
    natural = search_resources("", filters={"kind": ["natural"], "species": ["鱼类"]})
    assert [d.name for d in natural.documents] == ["渭河流域鱼类标本馆"] and "species" in natural.facets
    page = client.get(reverse("catalog:resources"), {"q": "水质", "kind": "dataset"}).content.decode()
    assert (
        "渭河水质监测数据集" in page and "NetCDF" in page and "CC BY 4.0" in page and "渭河草稿" not in page
    )
    assert "kind=dataset" in client.get(reverse("catalog:search"), {"q": "渭河"}).content.decode()


def test_publishing_indexes_and_withdrawing_removes(world, django_capture_on_commit_callbacks):
    from yiqi.accounts.models import Role
    from yiqi.accounts.tests.factories import user_with_role

    resource = ResourceFactory(
        name="秦岭大熊猫栖息地数据集", status=ResourceStatus.AWAITING_AUTHORITY, published_at=None
    )
    authority = user_with_role(Role.PLATFORM_ADMIN)
    admin = user_with_role(Role.UNIT_ADMIN, organization=resource.unit)
    with django_capture_on_commit_callbacks(execute=True):
        services.act(resource, "approve", access=access_for(authority), actor=authority)
    assert search_resources("大熊猫", filters={}).total == 1
    forget_batches()  # the captured commit above has run
    with django_capture_on_commit_callbacks(execute=True):
        services.act(resource, "withdraw", access=access_for(admin), actor=admin, comment="更正")
    assert search_resources("大熊猫", filters={}).total == 0


def test_the_resource_search_api(world, client):
    for n in range(3):
        ResourceFactory(name=f"黄河泥沙数据{n}")
    rebuild_resource_index()
    with CaptureQueriesContext(connection) as few:
        response = client.get("/api/v1/catalog/resources/", {"q": "黄河", "kind": "dataset"})
    body = response.json()
    assert response.status_code == 200 and body["total"] == 3 and body["facets"]["licence"]["values"]
    for n in range(5):
        ResourceFactory(name=f"黄河泥沙数据二{n}")
    rebuild_resource_index()
    with CaptureQueriesContext(connection) as more:
        assert client.get("/api/v1/catalog/resources/", {"q": "黄河", "kind": "dataset"}).json()["total"] == 8
    assert len(more) == len(few)  # the query count does not grow with the rows
    for bad in ({"page": "0"}, {"page": "x"}, {"kind": "instrument"}, {"licence": "gpl"}, {"page": "9" * 40}):
        assert client.get("/api/v1/catalog/resources/", bad).status_code == 400, bad
    assert client.get("/api/v1/catalog/resources.json").status_code in (200, 404)
