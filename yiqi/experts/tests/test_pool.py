"""The expert pool: field search, and assignment refusing affiliated or conflicted experts for any kind of review."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yiqi.accounts.access import access_for
from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import UserFactory, user_with_role
from yiqi.core.models import AuditEvent
from yiqi.experts import services
from yiqi.experts.models import Affiliation, Conflict
from yiqi.organizations.tests.factories import DepartmentFactory, OrganizationFactory
from yiqi.registry.models import InstrumentCategory

from .factories import ExpertFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def authority():
    return user_with_role(Role.PLATFORM_ADMIN)


def test_assign_refuses_the_unit_the_expert_works_for(authority):
    unit, review = OrganizationFactory(), DepartmentFactory()  # any saved object can be the review's context
    expert = ExpertFactory()
    Affiliation.objects.create(expert=expert, organization=unit)
    with pytest.raises(ValidationError) as refused:
        services.assign(access_for(authority), expert=expert, unit=unit, context=review, actor=authority)
    assert "任职于被评单位" in refused.value.message_dict["expert"][0]
    assert not expert.assignments.exists()


def test_assign_refuses_a_declared_conflict_and_names_the_reason(authority):
    unit, review = OrganizationFactory(), DepartmentFactory()
    expert = ExpertFactory()
    Conflict.objects.create(expert=expert, organization=unit, reason="近三年合作项目")
    with pytest.raises(ValidationError) as refused:
        services.assign(access_for(authority), expert=expert, unit=unit, context=review, actor=authority)
    assert "近三年合作项目" in refused.value.message_dict["expert"][0]


def test_assign_records_once_and_is_audited(authority):
    unit, other, review = OrganizationFactory(), OrganizationFactory(), DepartmentFactory()
    expert = ExpertFactory()
    Affiliation.objects.create(expert=expert, organization=other)
    assignment = services.assign(
        access_for(authority), expert=expert, unit=unit, context=review, actor=authority
    )
    assert AuditEvent.objects.for_object(assignment).count() == 1
    assert services.assigned_unit_ids(access_for(expert.user), review) == {unit.pk}
    with pytest.raises(ValidationError):
        services.assign(access_for(authority), expert=expert, unit=unit, context=review, actor=authority)
    assert list(services.eligible_for(other)) == []
    assert list(services.eligible_for(unit)) == [expert]


def test_only_the_authority_assigns():
    unit_admin = user_with_role(Role.UNIT_ADMIN, organization=OrganizationFactory())
    with pytest.raises(PermissionDenied):
        services.assign(
            access_for(unit_admin),
            expert=ExpertFactory(),
            unit=OrganizationFactory(),
            context=DepartmentFactory(),
            actor=unit_admin,
        )


def test_pool_by_field():
    optics, other = ExpertFactory(), ExpertFactory()
    optics.categories.add(InstrumentCategory.objects.get(code="010102"))
    services.set_disciplines(optics, ["140", "110"])
    services.set_disciplines(other, ["110"])
    assert list(services.in_field(services.Expert.objects.all(), category_code="010000")) == [optics]
    assert set(services.in_field(services.Expert.objects.all(), discipline="110")) == {optics, other}
    with pytest.raises(ValidationError) as refused:
        services.set_disciplines(other, ["14"])
    assert "disciplines" in refused.value.message_dict


def test_pool_api_is_the_authoritys_and_does_not_grow_in_queries(client_for, authority):
    api = client_for(authority)
    ExpertFactory()
    with CaptureQueriesContext(connection) as one:
        assert api.get("/api/v1/experts/").status_code == 200
    for _ in range(4):
        Affiliation.objects.create(expert=ExpertFactory(), organization=OrganizationFactory())
    with CaptureQueriesContext(connection) as five:
        response = api.get("/api/v1/experts/")
    assert len(response.json()["results"]) == 5
    assert len(five) == len(one)
    assert client_for(UserFactory()).get("/api/v1/experts/").status_code == 403
    expert = ExpertFactory()
    mine = client_for(expert.user).get("/api/v1/experts/").json()["results"]
    assert [row["id"] for row in mine] == [expert.pk]
