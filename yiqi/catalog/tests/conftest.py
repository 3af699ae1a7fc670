import pytest
from django.conf import settings

from yiqi.core.transactions import forget_batches

if "yiqi.catalog" not in settings.INSTALLED_APPS:  # not wired into the project's settings yet
    collect_ignore_glob = ["test_*.py"]


@pytest.fixture(autouse=True)
def fresh_search_cache():
    """Each test's database is new: so is the in-memory facet cache."""
    from yiqi.catalog.cache import documents

    documents.loaded = False
    yield
    documents.loaded = False


def as_if_committed():
    """Forget the reindex batch that fixtures' saves queued for a commit that never comes in tests."""
    forget_batches()


def published(name: str, **fields):
    from yiqi.registry.models import RegistrationStatus
    from yiqi.registry.tests.factories import InstrumentFactory

    fields.setdefault("registration_status", RegistrationStatus.PUBLISHED)
    return InstrumentFactory(name=name, **fields)


@pytest.fixture
def catalogue(db):
    """A handful of published instruments of different kinds, indexed."""
    from yiqi.catalog.indexing import rebuild_index
    from yiqi.organizations.models import Organization
    from yiqi.organizations.tests.factories import OrganizationFactory, RegionFactory, SubUnitFactory

    xian = OrganizationFactory(name="西北测试大学")
    baoji = OrganizationFactory(
        name="宝鸡测试研究院",
        kind=Organization.Kind.RESEARCH_INSTITUTE,
        region=RegionFactory(
            code="610302", name="渭滨区", parent=RegionFactory(code="610300", name="宝鸡市")
        ),
    )
    lab = SubUnitFactory(unit=xian, name="材料分析测试中心")
    items = {
        "sem": published(
            "场发射扫描电子显微镜",
            unit=xian,
            sub_unit=lab,
            name_en="Field Emission Scanning Electron Microscope",
        ),
        "tem": published(
            "场发射透射电子显微镜",
            unit=xian,
            name_en="Field Emission Transmission Electron Microscope",
            category_id="010101",
            model_spec="JEM-F200",
            original_value="9000000.00",
        ),
        "lcms": published(
            "液相色谱-质谱联用仪",
            unit=baoji,
            name_en="Liquid Chromatograph-Mass Spectrometer",
            category_id="010201",
            manufacturer="沃特世科技（上海）有限公司",
            model_spec="Xevo TQ-XS",
            main_functions="药物、食品及环境样品中痕量有机物的定性定量分析。",
            technical_indicators="三重四极杆质量分析器，质量范围m/z 5–2000",
            original_value="2600000.00",
            offers_self_operation=True,
        ),
        "icpms": published(
            "电感耦合等离子体质谱仪",
            unit=baoji,
            name_en="Inductively Coupled Plasma Mass Spectrometer",
            category_id="010202",
            model_spec="NexION 2000",
            main_functions="痕量元素与同位素比值分析。",
            original_value="1800000.00",
            sharing_mode="internal",
        ),
        "xrd": published(
            "X射线衍射仪",
            unit=xian,
            name_en="X-ray Diffractometer",
            category_id="010301",
            model_spec="D8 ADVANCE",
            main_functions="物相定性定量分析、晶粒尺寸与结晶度测定。",
            original_value="400000.00",
            operating_status="under_repair",
        ),
        "draft": published("扫描电子显微镜草稿", unit=xian, registration_status="draft"),
    }
    rebuild_index()
    as_if_committed()
    return items
