from types import SimpleNamespace

import pytest

from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import user_with_role
from yiqi.catalog.tests.conftest import as_if_committed, published
from yiqi.experts.models import Affiliation
from yiqi.experts.tests.factories import ExpertFactory
from yiqi.organizations.tests.factories import OrganizationFactory, RegionFactory
from yiqi.registry.models import InstrumentCategory


@pytest.fixture(autouse=True)
def fresh_search_cache():
    from yiqi.catalog.cache import documents

    documents.loaded = False
    yield
    documents.loaded = False


@pytest.fixture
def province(db):
    """An applying university in Xi'an, another Xi'an unit with an idle shared SEM, a Baoji unit with a busy one, and
    the authority with two experts of the field (one works at the applicant)."""
    from yiqi.catalog.indexing import rebuild_index

    applicant = OrganizationFactory(name="西安申请大学")
    neighbour = OrganizationFactory(name="西安邻校")
    baoji = OrganizationFactory(
        name="宝鸡研究院",
        region=RegionFactory(
            code="610302", name="渭滨区", parent=RegionFactory(code="610300", name="宝鸡市")
        ),
    )
    idle_sem = published("场发射扫描电子显微镜", unit=neighbour, sharing_mode="external")
    busy_sem = published("扫描电子显微镜", unit=baoji, sharing_mode="external", model_spec="Sigma 300")
    xrd = published(
        "X射线衍射仪",
        unit=neighbour,
        category_id="010301",
        name_en="X-ray Diffractometer",
        main_functions="物相定性定量分析",
        technical_indicators="测角仪半径 250 mm",
    )
    rebuild_index()
    as_if_committed()
    category = InstrumentCategory.objects.get(code="010000")
    insider, outsider = ExpertFactory(name="本校专家"), ExpertFactory(name="外校专家")
    for expert in (insider, outsider):
        expert.categories.add(category)
    Affiliation.objects.create(expert=insider, organization=applicant)
    return SimpleNamespace(
        applicant=applicant,
        neighbour=neighbour,
        baoji=baoji,
        idle_sem=idle_sem,
        busy_sem=busy_sem,
        xrd=xrd,
        officer=user_with_role(Role.INFORMATION_OFFICER, organization=applicant),
        unit_admin=user_with_role(Role.UNIT_ADMIN, organization=applicant),
        authority=user_with_role(Role.PLATFORM_ADMIN),
        insider=insider,
        outsider=outsider,
    )
