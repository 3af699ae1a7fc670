from types import SimpleNamespace

import pytest

from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import user_with_role
from yiqi.catalog.tests.conftest import as_if_committed, published
from yiqi.organizations.models import Organization
from yiqi.organizations.tests.factories import OrganizationFactory, RegionFactory


@pytest.fixture(autouse=True)
def fresh_search_cache():
    from yiqi.catalog.cache import documents

    documents.loaded = False
    yield
    documents.loaded = False


@pytest.fixture
def province(db):
    """Two units with electron microscopes, one with only an X-ray diffractometer, and a company that needs work."""
    from yiqi.catalog.indexing import rebuild_index

    RegionFactory(code="610113")
    lab, other, xray = (
        OrganizationFactory(name=n) for n in ("西安材料测试中心", "西安另一大学", "西安衍射实验室")
    )
    company = OrganizationFactory(
        name="西安某电池公司", kind=Organization.Kind.ENTERPRISE, is_management_unit=False
    )
    sem = published("场发射扫描电子显微镜", unit=lab, sharing_mode="external")
    sem2 = published("扫描电子显微镜", unit=other, sharing_mode="external", model_spec="Sigma 300")
    xrd = published(
        "X射线衍射仪", unit=xray, category_id="010301", name_en="X-ray Diffractometer",
        main_functions="物相定性定量分析", technical_indicators="测角仪半径 250 mm",
    )  # fmt: skip
    rebuild_index()
    as_if_committed()
    return SimpleNamespace(
        lab=lab,
        other=other,
        xray=xray,
        sem=sem,
        sem2=sem2,
        xrd=xrd,
        lab_admin=user_with_role(Role.UNIT_ADMIN, organization=lab),
        xray_admin=user_with_role(Role.UNIT_ADMIN, organization=xray),
        buyer=user_with_role(Role.EXTERNAL_USER, organization=company),
        authority=user_with_role(Role.PLATFORM_ADMIN),
    )
