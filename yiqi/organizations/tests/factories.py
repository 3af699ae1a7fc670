import factory

from yiqi.organizations.models import Department, Deployment, Organization, Region, SubUnit
from yiqi.organizations.validators import credit_code_check_character


def make_credit_code(n: int, region_code: str = "610113") -> str:
    first17 = f"12{region_code}{n:09d}"[:17]
    return first17 + credit_code_check_character(first17)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "610113"
    name = "雁塔区"
    parent = factory.LazyAttribute(
        lambda o: (
            None
            if o.code.endswith("0000")
            else RegionFactory(code=o.code[:4] + "00", name="西安市")
            if not o.code.endswith("00")
            else RegionFactory(code=o.code[:2] + "0000", name="陕西省")
        )
    )


class DeploymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deployment
        django_get_or_create = ("id",)

    id = 1
    name = "陕西省科研设施与仪器开放共享平台"
    authority_name = "陕西省科学技术厅"
    home_region = factory.SubFactory(RegionFactory, code="610000", name="陕西省")
    reminder_working_days = [10, 5, 1]


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"陕西省第{n}主管厅")
    region = factory.SubFactory(RegionFactory, code="610000", name="陕西省")


class OrganizationFactory(factory.django.DjangoModelFactory):
    """A management unit by default; pass ``is_management_unit=False`` for a user organisation."""

    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"测试大学{n}")
    kind = Organization.Kind.UNIVERSITY
    credit_code = factory.Sequence(make_credit_code)
    region = factory.SubFactory(RegionFactory)
    is_management_unit = True
    supervising_department = factory.Maybe(
        "is_management_unit", yes_declaration=factory.SubFactory(DepartmentFactory), no_declaration=None
    )


class SubUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubUnit

    unit = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"分析测试中心{n}")
    kind = SubUnit.Kind.TESTING_CENTER
