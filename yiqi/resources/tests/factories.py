import factory
from django.utils import timezone

from yiqi.organizations.tests.factories import OrganizationFactory
from yiqi.resources.models import AccessLevel, Licence, Resource, ResourceKind, ResourceStatus


class ResourceFactory(factory.django.DjangoModelFactory):
    """A published open data set by default."""

    class Meta:
        model = Resource

    kind = ResourceKind.DATASET
    unit = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"黄土高原土壤墒情观测数据集{n}")
    subject = "农业科学"
    keywords = "土壤 墒情"
    access_level = AccessLevel.OPEN
    data_format = "CSV"
    data_size = "2 GB"
    licence = Licence.CC_BY
    landing_url = "https://data.example.cn/soil"
    status = ResourceStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


def report(**fields) -> Resource:
    """A published report, lent or copied on request."""
    return ResourceFactory(
        kind=ResourceKind.REPORT,
        name=fields.pop("name", "渭河流域水资源评价报告"),
        authors="王伟",
        year=2024,
        publisher="省水利厅",
        licence="",
        data_format="",
        data_size="",
        landing_url="",
        **fields,
    )


def germplasm_bank(**fields) -> Resource:
    return ResourceFactory(
        kind=ResourceKind.NATURAL,
        name=fields.pop("name", "小麦种质资源库"),
        natural_kind=fields.pop("natural_kind", "germplasm"),
        collection="省农科院种质库",
        species=fields.pop("species", "小麦"),
        item_count=12000,
        supply_conditions="科研用途，每份不超过 50 粒。",
        licence="",
        data_format="",
        data_size="",
        landing_url="",
        access_level=AccessLevel.ON_APPLICATION,
        **fields,
    )
