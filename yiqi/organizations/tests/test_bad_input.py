"""Organisation, department and sub-unit names refuse control characters (they reach every export)."""

import pytest
from django.core.exceptions import ValidationError

from yiqi.organizations.models import Department, Organization, SubUnit
from yiqi.organizations.tests.factories import DepartmentFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "value", ["西北\x1b[31m大学", "西北大学\u202e", "西北\n大学", "西北\x00大学", "西北\u2067大学"]
)
def test_names_with_control_characters_are_refused(value):
    department = DepartmentFactory()
    cases = [
        (
            Organization(
                name=value,
                kind="university",
                region=department.region,
                supervising_department=department,
                is_management_unit=True,
            ),
            "name",
        ),
        (OrganizationFactory.build(short_name=value, region=department.region), "short_name"),
        (Department(name=value, region=department.region), "name"),
        (
            SubUnit(unit=OrganizationFactory(supervising_department=department), name=value, kind="other"),
            "name",
        ),
    ]
    for model, field in cases:
        with pytest.raises(ValidationError) as error:
            model.full_clean()
        assert field in error.value.message_dict, (model, error.value.message_dict)


def test_the_admin_refuses_a_bidi_override_in_an_organisation_name(admin_client):
    department = DepartmentFactory()
    response = admin_client.post(
        "/admin/organizations/organization/add/",
        {
            "name": "西北大学\u202e",
            "kind": "university",
            "region": department.region_id,
            "is_management_unit": "on",
            "supervising_department": department.pk,
        },
    )
    assert response.status_code == 200
    assert "name" in response.context["adminform"].form.errors
    assert not Organization.objects.filter(name__startswith="西北大学").exists()
