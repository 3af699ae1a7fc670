"""National sign-on against a stand-in national platform over real HTTP: first sign-in makes an account only when
the person confirms, later sign-ins go straight in, a signed-in user links their account, and every broken or foreign
return is refused with a message and nothing written."""

from urllib.parse import urlparse

import pytest
import requests
from django.test import override_settings

from yiqi.accounts.models import NationalIdentity, User
from yiqi.accounts.tests.factories import UserFactory
from yiqi.core.models import AuditEvent

from .fake_national_provider import FakeNationalProvider

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/national/login/"


@pytest.fixture
def provider():
    fake = FakeNationalProvider()
    with override_settings(YIQI_NATIONAL_SSO=fake.settings()):
        yield fake
    fake.close()


def _to_provider_and_back(client, provider, start=LOGIN):
    """Start on our site, let the provider answer (it signs the person in at once), return to our site."""
    started = client.get(start)
    assert started.status_code == 302 and started["Location"].startswith(provider.url)
    back = requests.get(started["Location"], allow_redirects=False, timeout=5)
    location = urlparse(back.headers["Location"])
    return client.get(f"{location.path}?{location.query}")


def test_sign_on_is_off_until_configured(client):
    assert client.get(LOGIN).status_code == 404
    assert client.get("/accounts/national/confirm/").status_code == 404
    assert "国家平台" not in client.get("/accounts/login/").content.decode()


def test_a_first_sign_in_makes_an_account_only_when_the_person_confirms(client, provider):
    assert "使用国家平台账号登录" in client.get("/accounts/login/").content.decode()
    returned = _to_provider_and_back(client, provider)
    assert returned.status_code == 302 and returned["Location"] == "/accounts/national/confirm/"
    assert not User.objects.filter(national_identity__subject="N-0001").exists()  # nothing until confirmed

    page = client.get("/accounts/national/confirm/")
    assert "张三" in page.content.decode() and "创建新账号并登录" in page.content.decode()
    client.post("/accounts/national/confirm/")
    user = User.objects.get(national_identity__subject="N-0001")
    assert user.full_name == "张三" and user.email == "zhangsan@example.cn" and not user.has_usable_password()
    assert not user.role_assignments.exists()
    assert AuditEvent.objects.filter(object_id=user.pk, action="national_link").count() == 1
    assert client.get("/accounts/profile/").status_code == 200

    client.logout()
    again = _to_provider_and_back(client, provider)
    assert again.status_code == 302 and again["Location"] == "/workspace/"
    assert client.get("/accounts/profile/").context["user"] == user
    assert User.objects.filter(national_identity__subject="N-0001").count() == 1


def test_an_email_already_registered_here_is_not_taken_over(client, provider):
    owner = UserFactory(email="zhangsan@example.cn")
    _to_provider_and_back(client, provider)
    client.post("/accounts/national/confirm/")
    newcomer = User.objects.get(national_identity__subject="N-0001")
    assert newcomer != owner and newcomer.email == ""
    assert not NationalIdentity.objects.filter(user=owner).exists()


def test_a_signed_in_user_links_their_account_and_cannot_be_switched_to_another(client, provider):
    me = UserFactory()
    client.force_login(me)
    _to_provider_and_back(client, provider, start=f"{LOGIN}?next=/accounts/profile/")
    assert "关联到当前账号" in client.get("/accounts/national/confirm/").content.decode()
    assert client.post("/accounts/national/confirm/")["Location"] == "/accounts/profile/"
    assert me.national_identity.subject == "N-0001"

    someone_else = UserFactory()
    client.force_login(someone_else)
    refused = _to_provider_and_back(client, provider)
    assert refused["Location"] == "/accounts/login/"
    assert not NationalIdentity.objects.filter(user=someone_else).exists()


def test_unlinking_needs_a_password_to_fall_back_on(client, provider):
    _to_provider_and_back(client, provider)
    client.post("/accounts/national/confirm/")
    user = User.objects.get(national_identity__subject="N-0001")
    client.post("/accounts/national/unlink/")
    assert NationalIdentity.objects.filter(user=user).exists()

    user.set_password("a long enough passphrase 2026")
    user.save()
    client.force_login(user)
    client.post("/accounts/national/unlink/")
    assert not NationalIdentity.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(object_id=user.pk, action="national_unlink").count() == 1


def test_a_return_this_browser_did_not_start_is_refused(client, provider):
    started = client.get(LOGIN)
    back = urlparse(requests.get(started["Location"], allow_redirects=False, timeout=5).headers["Location"])
    stranger = client_class_for(client)
    refused = stranger.get(f"{back.path}?{back.query}")  # no flow cookie: a link from elsewhere
    assert refused["Location"] == "/accounts/login/"
    code = dict(part.split("=", 1) for part in back.query.split("&"))["code"]
    forged = client.get(back.path, {"code": code, "state": "not-the-state"})  # a real code, another flow
    assert forged["Location"] == "/accounts/login/"
    assert not NationalIdentity.objects.exists() and not User.objects.filter(username__startswith="national-")


def test_a_provider_that_fails_or_is_declined_gives_a_message_not_an_error(client, provider):
    provider.token_endpoint_fails = True
    returned = _to_provider_and_back(client, provider)
    assert returned.status_code == 302 and returned["Location"] == "/accounts/login/"
    messages = [str(m) for m in returned.wsgi_request._messages]
    assert any("暂时无法完成登录" in m for m in messages)
    declined = client.get("/accounts/national/return/", {"error": "access_denied"})
    assert declined["Location"] == "/accounts/login/"
    assert not NationalIdentity.objects.exists()


def test_the_next_address_stays_on_this_site(client, provider):
    _to_provider_and_back(client, provider)
    client.post("/accounts/national/confirm/")
    client.logout()
    returned = _to_provider_and_back(client, provider, start=f"{LOGIN}?next=https://evil.example/")
    assert returned["Location"] == "/workspace/"


def client_class_for(client):
    return type(client)()
