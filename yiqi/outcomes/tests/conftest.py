from types import SimpleNamespace

import pytest
from django.test import Client

from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import user_with_role
from yiqi.organizations.tests.factories import DepartmentFactory, OrganizationFactory
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory
from yiqi.servicerecords.tests.factories import CompletedRecordFactory, ServiceRecordFactory


@pytest.fixture
def world(db):
    department = DepartmentFactory()
    unit, other_unit = OrganizationFactory(supervising_department=department), OrganizationFactory()
    company = OrganizationFactory(is_management_unit=False, kind="enterprise")
    user = user_with_role(Role.EXTERNAL_USER, organization=company)
    sem = InstrumentFactory(
        unit=unit, name="场发射扫描电镜", registration_status=RegistrationStatus.PUBLISHED
    )
    xrd = InstrumentFactory(unit=unit, name="X射线衍射仪", registration_status=RegistrationStatus.PUBLISHED)
    foreign = InstrumentFactory(unit=other_unit, registration_status=RegistrationStatus.PUBLISHED)
    return SimpleNamespace(
        unit=unit,
        other_unit=other_unit,
        sem=sem,
        xrd=xrd,
        foreign=foreign,
        admin=user_with_role(Role.UNIT_ADMIN, organization=unit),
        officer=user_with_role(Role.INFORMATION_OFFICER, organization=unit),
        technician=user_with_role(Role.TECHNICIAN, organization=unit),
        department=user_with_role(Role.DEPARTMENT_ADMIN, department=department),
        other_admin=user_with_role(Role.UNIT_ADMIN, organization=other_unit),
        user=user,
        stranger=user_with_role(Role.EXTERNAL_USER, organization=company),
        served=CompletedRecordFactory(instrument=sem, user=user, user_organization=company),
        open_record=ServiceRecordFactory(instrument=sem, user=user, user_organization=company),
    )


@pytest.fixture
def client_for():
    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make
