from types import SimpleNamespace

import pytest
from django.test import Client

from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import user_with_role
from yiqi.organizations.tests.factories import OrganizationFactory


@pytest.fixture
def world(db):
    unit, other_unit = OrganizationFactory(), OrganizationFactory()
    company = OrganizationFactory(is_management_unit=False, kind="enterprise")
    return SimpleNamespace(
        unit=unit,
        admin=user_with_role(Role.UNIT_ADMIN, organization=unit),
        officer=user_with_role(Role.INFORMATION_OFFICER, organization=unit),
        requester=user_with_role(Role.EXTERNAL_USER, organization=company),
        stranger=user_with_role(
            Role.EXTERNAL_USER, organization=OrganizationFactory(is_management_unit=False)
        ),
        other_admin=user_with_role(Role.UNIT_ADMIN, organization=other_unit),
        department=user_with_role(Role.DEPARTMENT_ADMIN, department=unit.supervising_department),
        other_department=user_with_role(Role.DEPARTMENT_ADMIN, department=other_unit.supervising_department),
        authority=user_with_role(Role.PLATFORM_ADMIN),
    )


@pytest.fixture
def client_for():
    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make
