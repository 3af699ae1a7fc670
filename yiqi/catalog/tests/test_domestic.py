"""Domestic instruments: marked from the country of origin, flagged by their unit, found through a facet, shown
with their use on the showcase, and counted in the domestic share the authority and departments see."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import user_with_role
from yiqi.catalog.indexing import rebuild_index
from yiqi.catalog.search import search
from yiqi.feedback.models import Rating
from yiqi.organizations.tests.factories import DepartmentFactory, OrganizationFactory
from yiqi.registry.models import Instrument
from yiqi.servicerecords.tests.factories import CompletedRecordFactory
from yiqi.usage.tests.factories import UsageRecordFactory

from .conftest import as_if_committed, published

pytestmark = pytest.mark.django_db


@pytest.fixture
def province():
    """Two departments' units; a domestic original design, a domestic core-part substitute, a plain domestic
    instrument and an import."""
    science, health = DepartmentFactory(name="省科技厅"), DepartmentFactory(name="省卫健委")
    university = OrganizationFactory(name="西北测试大学", supervising_department=science)
    hospital = OrganizationFactory(name="省测试医院", supervising_department=health)
    items = {
        "original": published(
            "国产场发射扫描电镜", unit=university, country_of_origin="CN", domestic_original=True,
            manufacturer="国仪量子", original_value=Decimal("3000000.00"),
        ),
        "substitute": published(
            "国产质谱仪", unit=university, country_of_origin="CN", domestic_core_parts=True,
            category_id="020101", original_value=Decimal("1000000.00"),
        ),
        "plain": published("国产离心机", unit=hospital, country_of_origin="CN", original_value=Decimal("1000000.00")),
        "import": published("进口扫描电镜", unit=university, country_of_origin="JP", original_value=Decimal("5000000.00")),
    }  # fmt: skip
    as_if_committed()
    rebuild_index()
    return {"science": science, "health": health, "university": university, "hospital": hospital, **items}


def test_made_in_china_is_read_from_the_country_of_origin(province):
    assert province["plain"].is_domestic and not province["import"].is_domestic


def test_an_imported_instrument_cannot_be_flagged_domestic(province):
    imported = province["import"]
    imported.domestic_original = True
    with pytest.raises(ValidationError) as refused:
        imported.full_clean()
    assert "domestic_original" in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Instrument.objects.filter(pk=imported.pk).update(domestic_core_parts=True)


def test_the_catalogue_facet_counts_and_filters_domestic_instruments(province):
    everything = search("")
    counts = {value.value: value.count for value in everything.facets["domestic"]}
    assert counts == {"made_in_china": 3, "original": 1, "core_parts": 1}
    originals = search("", filters={"domestic": ["original"]})
    assert [hit.instrument.pk for hit in originals.hits] == [province["original"].pk]
    made_in_china = search("扫描电镜", filters={"domestic": ["made_in_china"]})
    found = {hit.instrument.pk for hit in made_in_china.hits}
    assert province["original"].pk in found and province["import"].pk not in found


def test_the_search_page_offers_the_facet_and_marks_domestic_results(client, province):
    page = client.get(reverse("catalog:search"), {"domestic": "made_in_china"}).content.decode()
    assert "国产原创" in page and "进口扫描电镜" not in page


def test_the_showcase_shows_use_figures_and_ratings(client, province):
    original = province["original"]
    UsageRecordFactory(instrument=original, machine_hours=Decimal("6.00"), verified_hours=Decimal("5.50"))
    UsageRecordFactory(  # older than twelve months: not in the figures
        instrument=original, machine_hours=Decimal("9.00"), started_at=timezone.now() - dt.timedelta(days=400)
    )
    record = CompletedRecordFactory(instrument=original)
    Rating.objects.create(
        record=record, instrument=original, unit=original.unit, user=record.user,
        overall=4, timeliness=5, attitude=5, result_quality=4,
    )  # fmt: skip
    page = client.get(reverse("catalog:domestic"))
    assert page.status_code == 200
    (item,) = [(i, use) for i, use in page.context["items"] if i.pk == original.pk]
    assert item[1].machine_hours == Decimal("6.00") and item[1].verified_hours == Decimal("5.50")
    assert item[1].services == 1 and item[1].rating == Decimal("4.0")
    shown = [i.pk for i, _use in page.context["items"]]
    assert province["import"].pk not in shown
    assert shown[:2] == [province["original"].pk, province["substitute"].pk]  # flagged ones first


def test_the_showcase_narrows_by_kind_and_reports_a_bad_class(client, province):
    page = client.get(reverse("catalog:domestic"), {"kind": "core_parts"})
    assert [i.pk for i, _use in page.context["items"]] == [province["substitute"].pk]
    by_class = client.get(reverse("catalog:domestic"), {"top_class": "02"})
    assert [i.pk for i, _use in by_class.context["items"]] == [province["substitute"].pk]
    for bad in ("x1", "٠٢"):  # Arabic-Indic digits are digits to Python, not a class code
        refused = client.get(reverse("catalog:domestic"), {"top_class": bad})
        assert refused.status_code == 200 and refused.context["query"].errors["top_class"]


def test_the_showcase_api_narrows_by_class(province):
    api = APIClient()
    by_class = api.get("/api/v1/domestic/showcase/", {"top_class": "02"})
    assert by_class.status_code == 200
    assert [item["id"] for item in by_class.json()["results"]] == [province["substitute"].pk]
    assert api.get("/api/v1/domestic/showcase/", {"top_class": "٠٢"}).status_code == 400


def test_the_showcase_api_and_its_query_count(province, django_assert_max_num_queries):
    for n in range(6):
        published(f"国产仪器{n}", unit=province["hospital"], country_of_origin="CN")
    api = APIClient()
    with django_assert_max_num_queries(6):
        answer = api.get("/api/v1/domestic/showcase/")
    assert answer.status_code == 200 and answer.data["count"] == 9
    assert answer.data["totals"] == {"instruments": 9, "original": 1, "core_parts": 1}
    assert api.get("/api/v1/domestic/showcase/", {"kind": "imported"}).status_code == 400


def test_the_authority_sees_the_province_share_by_class_value_and_hours(province):
    UsageRecordFactory(instrument=province["original"], machine_hours=Decimal("3.00"))
    UsageRecordFactory(instrument=province["import"], machine_hours=Decimal("1.00"))
    api = APIClient()
    api.force_authenticate(user_with_role(Role.PLATFORM_ADMIN))
    answer = api.get("/api/v1/domestic/share/", {"year": timezone.localdate().year})
    assert answer.status_code == 200
    total = answer.data["total"]
    assert (total["instruments"], total["domestic_instruments"]) == (4, 3)
    assert total["shares"] == {"instruments": "75.0", "value": "50.0", "hours": "75.0"}
    electron_optics = next(row for row in answer.data["rows"] if row["code"] == "01")
    assert electron_optics["shares"]["instruments"] == "66.7"  # two of the three electron-optics instruments


def test_a_department_sees_only_its_units_and_others_are_refused(client, province):
    department_admin = user_with_role(Role.DEPARTMENT_ADMIN, department=province["health"])
    client.force_login(department_admin)
    page = client.get(reverse("catalog:domestic_share"))
    assert page.status_code == 200
    assert (
        page.context["share"]["total"].instruments,
        page.context["share"]["total"].domestic_instruments,
    ) == (1, 1)
    client.force_login(user_with_role(Role.UNIT_ADMIN, organization=province["university"]))
    assert client.get(reverse("catalog:domestic_share")).status_code == 403
    api = APIClient()
    api.force_authenticate(department_admin)
    assert api.get("/api/v1/domestic/share/", {"year": timezone.localdate().year + 1}).status_code == 400


def test_a_unit_flags_its_instrument_through_the_registry_api(province):
    officer = user_with_role(Role.INFORMATION_OFFICER, organization=province["university"])
    api = APIClient()
    api.force_authenticate(officer)
    imported = province["import"]
    refused = api.patch(f"/api/v1/instruments/{imported.pk}/", {"domestic_core_parts": True}, format="json")
    assert refused.status_code == 400 and "domestic_core_parts" in refused.data
    imported.refresh_from_db()
    assert not imported.domestic_core_parts
