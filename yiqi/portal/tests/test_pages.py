"""Every main page opens for the people who use it, in Chinese by default and in English on request."""

import pytest
from django.conf import settings
from django.urls import reverse

ROLES = [
    "platform_admin",
    "department_admin_a",
    "unit_admin_a",
    "officer_a",
    "manager_a",
    "external_user",
    "expert",
]


@pytest.mark.parametrize("role", ROLES)
def test_workspace_opens_for_every_role(world, client_for, role):
    response = client_for(world.users[role]).get(reverse("portal:workspace"))
    assert response.status_code == 200


def test_unit_workspace_shows_its_drafts_and_deadline_lists(world, client_for):
    page = client_for(world.users["officer_a"]).get(reverse("portal:workspace")).content.decode()
    assert "登记仪器" in page and "逾期未入网" in page
    assert world.draft_b.name not in page


@pytest.mark.parametrize(
    "name",
    [
        "portal:home",
        "registry:instrument_list",
        "portal:unit_list",
        "accounts:login",
        "accounts:register",
    ],
)
def test_public_pages_open_without_an_account(world, client, name):
    assert client.get(reverse(name)).status_code == 200


def test_chinese_is_the_default_and_english_is_one_switch_away(world, client):
    page = client.get(reverse("portal:home")).content.decode()
    assert 'lang="zh-hans"' in page and "仪器分类" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(reverse("portal:home")).content.decode()
    assert 'lang="en"' in page and "Log in" in page and "仪器分类" not in page


def test_absurd_page_numbers_show_a_normal_page(world, client):
    for page in ("999999", "-1", "abc"):
        response = client.get(reverse("registry:instrument_list"), {"page": page})
        assert response.status_code == 200


def test_api_schema_and_docs_are_served(db, client):
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200
