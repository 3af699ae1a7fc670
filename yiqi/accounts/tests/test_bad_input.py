"""People's names, phone numbers and organisation names refuse control characters wherever they are typed."""

import pytest
from django.urls import reverse

from yiqi.accounts.models import User
from yiqi.accounts.tests.test_accounts import registration
from yiqi.organizations.models import Organization
from yiqi.organizations.tests.factories import RegionFactory

BAD = ["张\x1b[31m三", "张三\u202e", "张\x07三", "张三\u2066", "张\x85三", "张\u200b三"]


@pytest.fixture
def region(db):
    return RegionFactory()


@pytest.mark.parametrize("field", ["full_name", "phone", "organization_name"])
@pytest.mark.parametrize("value", BAD)
def test_registration_refuses_control_characters(client, region, field, value):
    response = client.post(reverse("accounts:register"), registration(**{field: value[:20]}))
    assert response.status_code == 200
    assert "控制字符" in " ".join(response.context["form"].errors[field])
    assert not User.objects.exists() and not Organization.objects.exists()


def test_ordinary_names_still_register(client, region):
    response = client.post(
        reverse("accounts:register"),
        registration(
            full_name="欧阳·娜娜 (Nana)", phone="+86 138-0000-0000", organization_name="西安（高新）公司"
        ),
    )
    assert response.status_code == 302
