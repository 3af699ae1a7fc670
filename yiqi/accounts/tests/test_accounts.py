import pytest
from django.contrib.auth.hashers import identify_hasher
from django.urls import reverse

from yiqi.accounts.models import Role, RoleAssignment, User
from yiqi.accounts.tests.factories import PASSWORD, UserFactory
from yiqi.organizations.models import Organization
from yiqi.organizations.tests.factories import RegionFactory, make_credit_code

STRONG = "Lab-Booking-2026!"


def registration(**changes):
    data = {
        "username": "zhangsan",
        "full_name": "张三",
        "email": "zhangsan@example.cn",
        "phone": "13800000000",
        "password1": STRONG,
        "password2": STRONG,
        "organization_name": "西安新锐材料科技有限公司",
        "organization_kind": "enterprise",
        "credit_code": make_credit_code(777),
        "region": "610113",
        "account_type": "new_organization",
    }
    data.update(changes)
    return data


@pytest.fixture
def region(db):
    return RegionFactory()


def test_enterprise_user_registers_with_a_new_organisation(client, region):
    response = client.post(reverse("accounts:register"), registration())
    assert response.status_code == 302
    user = User.objects.get(username="zhangsan")
    assert identify_hasher(user.password).algorithm == "argon2"
    assignment = RoleAssignment.objects.get(user=user)
    assert assignment.role == Role.EXTERNAL_USER
    assert assignment.organization.credit_code == make_credit_code(777)
    assert assignment.organization.is_management_unit is False


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"credit_code": ""}, "credit_code"),
        ({"credit_code": "91610113MA6U000000"}, "credit_code"),
        ({"credit_code": "91610113MA6U00000"}, "credit_code"),
        ({"password2": "something-else-2026"}, "password2"),
        ({"password1": "123", "password2": "123"}, "password1"),
        ({"email": "not-an-email"}, "email"),
        ({"organization_name": ""}, "organization_name"),
        ({"organization_kind": ""}, "organization_kind"),
        ({"region": ""}, "region"),
        ({"account_type": ""}, "account_type"),
    ],
)
def test_bad_registration_shows_the_field_and_saves_nothing(client, region, changes, field):
    response = client.post(reverse("accounts:register"), registration(**changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not User.objects.exists() and not Organization.objects.exists()


def test_login_is_throttled_after_repeated_failures(client, db, settings):
    user = UserFactory(username="target")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "target", "password": "wrong-password"})
    response = client.post(reverse("accounts:login"), {"username": "target", "password": PASSWORD})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not user.notifications.exists()


def test_login_with_the_right_password_opens_the_workspace(client, db):
    UserFactory(username="someone")
    response = client.post(
        reverse("accounts:login"), {"username": "someone", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("portal:workspace")


def test_user_creates_an_api_token_on_the_profile_page(client, db):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("accounts:profile"))
    from knox.models import AuthToken

    assert AuthToken.objects.filter(user=user).exists()
