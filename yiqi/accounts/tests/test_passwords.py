"""Passwords: what the validators refuse, changing one, and resetting a forgotten one by email (finding 2)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

from yiqi.accounts.models import User
from yiqi.accounts.tests.factories import PASSWORD, UserFactory
from yiqi.organizations.tests.factories import RegionFactory

NEW = "Spectrometer-Queue-77"
ROOT = Path(__file__).resolve().parents[3]


def validates_in(profile: str, password: str) -> str:
    """ALLOWED or REFUSED: the password validators of a ``manage.py`` run in ``profile``."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    environment.update(DJANGO_ENV=profile, DJANGO_SECRET_KEY="k" * 60)
    check = (
        "from django.contrib.auth.password_validation import validate_password as v\n"
        "from django.core.exceptions import ValidationError as E\n"
        f"try:\n    v({password!r}); print('ALLOWED')\nexcept E:\n    print('REFUSED')"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", check],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip().rsplit("\n", 1)[-1] or result.stderr


def register(client, password):
    RegionFactory()
    return client.post(
        reverse("accounts:register"),
        {
            "account_type": "individual",
            "username": "lisi",
            "full_name": "李四",
            "email": "lisi@example.cn",
            "password1": password,
            "password2": password,
        },
    )


@pytest.mark.parametrize(
    "password", [" " * 10, "\t \u3000" * 4, "aaaaaaaaaaaa", "yiqi-demo-2026", "YIQI-DEMO-2026"]
)
def test_registration_refuses_blank_repetitive_and_published_passwords(client, db, password):
    response = register(client, password)
    assert response.status_code == 200
    assert "password1" in response.context["form"].errors
    assert not User.objects.exists()


def test_the_demo_password_is_refused_in_production_and_allowed_in_development():
    assert validates_in("production", "yiqi-demo-2026") == "REFUSED"
    assert validates_in("development", "yiqi-demo-2026") == "ALLOWED"
    assert validates_in("development", " " * 10) == "REFUSED"


def test_a_signed_in_user_changes_their_password(client, db):
    user = UserFactory(username="wangwu")
    client.force_login(user)
    page = client.get(reverse("accounts:password_change"))
    assert page.status_code == 200 and "修改密码" in page.content.decode()
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": " " * 10, "new_password2": " " * 10},
    )
    assert (
        "new_password1" in response.context["form"].errors
        or "new_password2" in response.context["form"].errors
    )
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)


def test_a_forgotten_password_is_reset_through_an_emailed_absolute_link(client, db):
    user = UserFactory(username="zhaoliu", email="zhaoliu@example.cn")
    assert "忘记密码" in client.get(reverse("accounts:login")).content.decode()
    response = client.post(reverse("accounts:password_reset"), {"email": "ZHAOLIU@example.cn"})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["zhaoliu@example.cn"]
    assert "重置密码" in message.subject and "zhaoliu" in message.body
    link = re.search(r"https?://\S+", message.body).group(0)
    assert link.startswith("http://testserver/accounts/password/reset/")

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    refused = client.post(set_url, {"new_password1": "yiqi-demo-2026", "new_password2": "yiqi-demo-2026"})
    assert (
        "new_password1" in refused.context["form"].errors or "new_password2" in refused.context["form"].errors
    )
    done = client.post(set_url, {"new_password1": NEW, "new_password2": NEW}, follow=True)
    assert done.status_code == 200
    user.refresh_from_db()
    assert user.check_password(NEW)
    # The link is single use.
    again = client.get(link, follow=True)
    assert not again.context["validlink"]


def test_reset_pages_and_mail_speak_english_to_an_english_reader(client, db):
    UserFactory(username="zhaoliu", email="zhaoliu@example.cn")
    client.cookies["django_language"] = "en"
    page = client.get(reverse("accounts:password_reset")).content.decode()
    assert "Reset your password" in page
    client.post(reverse("accounts:password_reset"), {"email": "zhaoliu@example.cn"})
    (message,) = mail.outbox
    assert "password" in message.subject.lower() and "reset" in message.body.lower()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.cn"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_passwords_are_stored_with_argon2id_at_the_web_cost_and_old_hashes_are_upgraded_at_login(client, db):
    from django.contrib.auth.hashers import Argon2PasswordHasher

    old = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())
    user = UserFactory()
    user.password = old  # Django's own parameters: 100 MiB, 8 lanes
    user.save(update_fields=["password"])
    assert (
        client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD}).status_code
        == 302
    )
    user.refresh_from_db()
    assert user.password != old and user.check_password(PASSWORD)
    assert "$argon2id$v=19$m=19456,t=2,p=1$" in user.password
