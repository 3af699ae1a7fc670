from types import SimpleNamespace

import pytest

from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import user_with_role
from yiqi.organizations.tests.factories import OrganizationFactory
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory


@pytest.fixture
def world(db):
    unit, other_unit = OrganizationFactory(), OrganizationFactory()
    published = dict(registration_status=RegistrationStatus.PUBLISHED)
    return SimpleNamespace(
        unit=unit,
        other_unit=other_unit,
        microscope=InstrumentFactory(unit=unit, name="扫描电镜", building="材料楼", room="101", **published),
        spectrometer=InstrumentFactory(unit=unit, name="质谱仪", **published),
        draft=InstrumentFactory(unit=unit, name="未发布的仪器"),
        other_instrument=InstrumentFactory(unit=other_unit, **published),
        authority=user_with_role(Role.PLATFORM_ADMIN),
        department=user_with_role(Role.DEPARTMENT_ADMIN, department=unit.supervising_department),
        other_department=user_with_role(Role.DEPARTMENT_ADMIN, department=other_unit.supervising_department),
        admin=user_with_role(Role.UNIT_ADMIN, organization=unit),
        officer=user_with_role(Role.INFORMATION_OFFICER, organization=unit),
        technician=user_with_role(Role.TECHNICIAN, organization=unit),
        other_admin=user_with_role(Role.UNIT_ADMIN, organization=other_unit),
    )
