"""The census beyond the registered instruments: the unit's other S&T resources, confirmed or corrected like its
instruments and frozen with them, and the instruments below the value line — in when the unit registered them
voluntarily, or when its supervising department selects them (Guangxi §20–21)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from yiqi.accounts.access import access_for
from yiqi.census import services
from yiqi.census.models import CensusResourceLine, LineScope
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory
from yiqi.resources.models import AccessLevel, ResourceStatus
from yiqi.resources.tests.factories import ResourceFactory, germplasm_bank

from .factories import open_census


def _confirm_everything(census_return, access):
    for line in [
        *census_return.lines.filter(confirmed=False),
        *census_return.resource_lines.filter(confirmed=False),
    ]:
        services.save_line(line, access=access)


def test_the_return_lists_the_units_resources_to_confirm_and_they_are_frozen(world, client_for):
    data_set = ResourceFactory(unit=world.unit, name="土壤墒情数据集", data_size="2 GB")
    germplasm_bank(unit=world.unit)
    ResourceFactory(unit=world.unit, name="未提交的数据集", status=ResourceStatus.DRAFT, published_at=None)
    ResourceFactory(unit=world.other_unit, name="别的单位的数据集")
    census = open_census(world.unit, world.other_unit)
    mine = census.returns.get(unit=world.unit)
    officer, admin = access_for(world.officer), access_for(world.admin)

    lines = {line.name: line for line in mine.resource_lines.all()}
    assert set(lines) == {"土壤墒情数据集", "小麦种质资源库"}  # not the draft, not another unit's
    assert lines["土壤墒情数据集"].scale == "2 GB" and lines["小麦种质资源库"].scale == "12000"
    assert lines["土壤墒情数据集"].resource == data_set and not lines["土壤墒情数据集"].confirmed

    page = client_for(world.officer).get(reverse("census:return", args=[mine.pk])).content.decode()
    assert "土壤墒情数据集" in page and "2 项待核实" in page

    # Instruments confirmed, resources not: the return cannot go in yet.
    for line in mine.lines.all():
        services.save_line(line, access=officer)
    with pytest.raises(ValidationError, match="2 项科技资源未核实"):
        services.act(mine, "submit", access=admin, actor=world.admin)

    # A correction on the page: the access level changed, kept beside the platform's value.
    response = client_for(world.officer).post(
        reverse("census:resource_line", args=[lines["小麦种质资源库"].pk]),
        {
            "name": "小麦种质资源库",
            "status": "available",
            "access_level": AccessLevel.OPEN,
            "location": "省农科院种质库",
            "contact_name": "王老师",
            "scale": "12500",
            "services": "30",
        },
    )
    assert response.status_code == 302
    corrected = CensusResourceLine.objects.get(pk=lines["小麦种质资源库"].pk)
    assert corrected.confirmed and set(corrected.corrected()) == {
        "access_level",
        "scale",
        "services",
        "contact_name",
    }
    # A report the platform did not know; a wrong kind is refused with a field message, nothing added.
    added = {
        "name": "黄土高原生态调查报告",
        "status": "available",
        "access_level": "on_application",
        "services": "0",
    }
    response = client_for(world.officer).post(
        reverse("census:resource_line_add", args=[mine.pk]), {**added, "kind": "instrument"}
    )
    assert response.status_code == 200 and mine.resource_lines.count() == 2
    response = client_for(world.officer).post(
        reverse("census:resource_line_add", args=[mine.pk]), {**added, "kind": "report"}
    )
    assert response.status_code == 302 and mine.resource_lines.filter(added=True, kind="report").exists()
    # A platform record cannot be deleted, only corrected.
    with pytest.raises(ValidationError, match="不能删除"):
        services.remove_line(lines["土壤墒情数据集"], access=officer)
    with pytest.raises(PermissionDenied):
        services.save_line(lines["土壤墒情数据集"], access=access_for(world.other_admin))

    _confirm_everything(mine, officer)
    services.act(mine, "submit", access=admin, actor=world.admin)
    services.close(census, access=access_for(world.authority), actor=world.authority)
    frozen = services.frozen_figures(census.year)[world.unit.pk]
    assert (frozen.datasets, frozen.natural_resources, frozen.reports, frozen.literature) == (1, 1, 1, 0)
    assert frozen.open_resources == 2  # the data set and the bank now open
    detail = client_for(world.admin).get(f"/api/v1/census-returns/{mine.pk}/").json()
    assert {line["name"] for line in detail["resource_lines"]} == {
        "土壤墒情数据集",
        "小麦种质资源库",
        "黄土高原生态调查报告",
    }


def test_below_the_value_line_the_unit_declares_and_the_department_selects(world, client_for):
    voluntary = InstrumentFactory(
        unit=world.unit, name="小型离心机", original_value=Decimal("200000"),
        registration_status=RegistrationStatus.PUBLISHED,
    )  # fmt: skip
    below_unpublished = InstrumentFactory(unit=world.unit, name="台式显微镜", original_value=Decimal("80000"))
    census = open_census(world.unit)
    mine = census.returns.get()
    scopes = dict(mine.lines.values_list("name", "scope"))
    # At or above the line by rule, below it because the unit registered it; an unpublished record below it is out.
    assert scopes == {"扫描电镜": "mandatory", "质谱仪": "mandatory", "小型离心机": "voluntary"}
    assert voluntary.pk in mine.lines.values_list("instrument_id", flat=True)

    # Only the unit's supervising department selects, only instruments below the line.
    with pytest.raises(PermissionDenied):
        services.select_instrument(mine, below_unpublished.pk, access=access_for(world.admin))
    with pytest.raises(PermissionDenied):
        services.select_instrument(mine, below_unpublished.pk, access=access_for(world.other_department))
    with pytest.raises(ValidationError, match="原值门槛以下"):
        services.select_instrument(mine, world.draft.pk, access=access_for(world.department))  # 3.2 million
    page = client_for(world.department).get(reverse("census:select", args=[mine.pk])).content.decode()
    assert "台式显微镜" in page and "未发布的仪器" not in page
    response = client_for(world.department).post(
        reverse("census:select", args=[mine.pk]), {"instrument": below_unpublished.pk}
    )
    assert response.status_code == 302
    selected = mine.lines.get(instrument=below_unpublished)
    assert selected.scope == LineScope.SELECTED and not selected.confirmed
    assert client_for(world.officer).get(reverse("census:select", args=[mine.pk])).status_code == 403

    # The unit adds one it never registered: below the line it is declared voluntarily.
    officer = access_for(world.officer)
    line = services.save_line(
        mine.lines.model(
            census_return=mine, name="恒温箱", sharing_mode="internal", operating_status="normal",
            original_value=Decimal("30000"), contact_name="张老师",
        ),
        access=officer,
    )  # fmt: skip
    assert line.scope == LineScope.VOLUNTARY
    _confirm_everything(mine, officer)
    assert (
        mine.lines.get(pk=selected.pk).scope == LineScope.SELECTED
    )  # confirming keeps the department's choice
    services.close(census, access=access_for(world.authority), actor=world.authority)
    frozen = services.frozen_figures(census.year)[world.unit.pk]
    assert (frozen.instruments, frozen.below_line_instruments) == (5, 3)


def test_the_department_selects_through_the_api_and_garbage_is_refused(world):
    from rest_framework.test import APIClient

    below = InstrumentFactory(unit=world.unit, name="台式显微镜", original_value=Decimal("80000"))
    mine = open_census(world.unit).returns.get()
    client = APIClient()
    client.force_authenticate(world.department)
    url = f"/api/v1/census-returns/{mine.pk}/select/"
    for garbage in ("abc", "١٢", 10**30, -1, ""):
        assert client.post(url, {"instrument": garbage}, format="json").status_code == 400
    assert client.post(url, {"instrument": world.microscope.pk}, format="json").status_code == 400
    response = client.post(url, {"instrument": below.pk}, format="json")
    assert response.status_code == 201 and response.json()["scope"] == "selected"
    client.force_authenticate(world.admin)
    assert client.post(url, {"instrument": below.pk}, format="json").status_code == 403
