"""Fixtures shared by every app's tests: a small province with one person in each role."""

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.utils import translation

from yiqi.accounts.models import Role, User
from yiqi.accounts.tests.factories import user_with_role
from yiqi.organizations.models import Department, Organization
from yiqi.organizations.tests.factories import DepartmentFactory, OrganizationFactory
from yiqi.registry.models import Instrument, RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory


@dataclass
class World:
    department_a: Department
    department_b: Department
    unit_a: Organization
    unit_b: Organization
    enterprise: Organization
    users: dict[str, User | None]
    published_a: Instrument
    draft_a: Instrument
    managed_draft_a: Instrument
    draft_b: Instrument


@pytest.fixture
def world(db) -> World:
    dept_a, dept_b = DepartmentFactory(name="陕西省教育厅"), DepartmentFactory(name="陕西省卫生健康委员会")
    unit_a = OrganizationFactory(name="西北测试大学", supervising_department=dept_a)
    unit_b = OrganizationFactory(
        name="陕西测试医院", kind=Organization.Kind.HOSPITAL, supervising_department=dept_b
    )
    enterprise = OrganizationFactory(
        name="西安某某科技有限公司", kind=Organization.Kind.ENTERPRISE, is_management_unit=False
    )
    users = {
        "anonymous": None,
        "platform_admin": user_with_role(Role.PLATFORM_ADMIN, username="authority"),
        "department_admin_a": user_with_role(Role.DEPARTMENT_ADMIN, department=dept_a, username="dept_a"),
        "department_admin_b": user_with_role(Role.DEPARTMENT_ADMIN, department=dept_b, username="dept_b"),
        "unit_admin_a": user_with_role(Role.UNIT_ADMIN, organization=unit_a, username="admin_a"),
        "officer_a": user_with_role(Role.INFORMATION_OFFICER, organization=unit_a, username="officer_a"),
        "manager_a": user_with_role(Role.INSTRUMENT_MANAGER, organization=unit_a, username="manager_a"),
        "technician_a": user_with_role(Role.TECHNICIAN, organization=unit_a, username="tech_a"),
        "unit_admin_b": user_with_role(Role.UNIT_ADMIN, organization=unit_b, username="admin_b"),
        "external_user": user_with_role(Role.EXTERNAL_USER, organization=enterprise, username="company"),
        "expert": user_with_role(Role.EXPERT, username="expert"),
        "evaluator": user_with_role(Role.EVALUATOR, username="evaluator"),
    }
    return World(
        department_a=dept_a,
        department_b=dept_b,
        unit_a=unit_a,
        unit_b=unit_b,
        enterprise=enterprise,
        users=users,
        published_a=InstrumentFactory(
            unit=unit_a, registration_status=RegistrationStatus.PUBLISHED, name="公开的电镜"
        ),
        draft_a=InstrumentFactory(unit=unit_a, name="A单位草稿"),
        managed_draft_a=InstrumentFactory(unit=unit_a, name="机组负责的草稿", manager=users["manager_a"]),
        draft_b=InstrumentFactory(unit=unit_b, name="B单位草稿"),
    )


@pytest.fixture
def client_for(client):
    """``client_for(user)`` → a test client logged in as that user (None stays anonymous)."""

    def login(user):
        if user is not None:
            client.force_login(user)
        return client

    return login


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploads in tests land in a temporary folder, never in var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in Chinese, whatever language an earlier request (Accept-Language: en) left active."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


def pytest_runtest_setup(item):
    """Tests marked ``postgres`` exercise PostgreSQL-only behaviour (exclusion constraints, real races); those
    marked ``sqlite_once`` are slow and their result does not depend on the database (browser walks, programs
    run in a process of their own, scoring in Python): once is enough, in the SQLite pass."""
    from django.db import connection

    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://…)")
    if item.get_closest_marker("sqlite_once") and connection.vendor == "postgresql":
        pytest.skip("independent of the database: run once, in the SQLite pass")


def pytest_configure(config):
    # Django's live server listens with a backlog of 10: fifty clients connecting at once (the booking concurrency
    # test) overflow it and the kernel resets connections. Raised before any live server of the session starts.
    from django.core.servers.basehttp import ThreadedWSGIServer

    ThreadedWSGIServer.request_queue_size = 128
