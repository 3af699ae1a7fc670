"""The menu leads nowhere it refuses: every link each role of the access matrix is shown opens for that role."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from .access_world import ROLES
from .test_access_matrix import media_in_tmp, world  # noqa: F401 — the access matrix's world, one per module


class _NavLinks(HTMLParser):
    """The addresses of the links inside the main navigation bar."""

    def __init__(self):
        super().__init__()
        self.depth, self.links = 0, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and "navbar" in (attrs.get("class") or ""):
            self.depth += 1
        elif tag == "a" and self.depth and (href := attrs.get("href")) and href.startswith("/"):
            self.links.append(href)

    def handle_endtag(self, tag):
        if tag == "nav" and self.depth:
            self.depth -= 1


def menu_links(client) -> list[str]:
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    parser = _NavLinks()
    parser.feed(response.content.decode())
    return parser.links


@pytest.mark.django_db
def test_no_menu_link_answers_a_role_with_a_refusal(world):  # noqa: F811
    world, as_role = world
    refused, walked = [], 0
    for role in ROLES:
        for url in menu_links(as_role(role)):
            walked += 1
            status = as_role(role).get(url).status_code
            if status in (403, 404) or status >= 500:
                refused.append(f"{role}: {url} → {status}")
    assert walked > len(ROLES) * 4
    assert not refused, "menu links that refuse the role they are shown to:\n" + "\n".join(refused)


@pytest.mark.django_db
def test_each_role_is_shown_the_pages_it_works_with(world):  # noqa: F811
    world, as_role = world

    def shown(role):
        return {re.sub(r"\?.*", "", url) for url in menu_links(as_role(role))}

    queue, unit_fees = reverse("booking:queue"), reverse("fees:unit")
    review, members = reverse("registry:review_queue"), reverse("accounts:members")
    # The information officer keeps the unit's records; the service desk and the unit's fees are not theirs.
    assert not {queue, unit_fees} & shown("officer")
    assert {queue, unit_fees, review, members} <= shown("unit_admin")
    assert {queue, unit_fees} <= shown("technician")
    assert review in shown("department") and queue not in shown("department")
    assert {unit_fees, review, members} <= shown("platform_admin")
    assert not {queue, unit_fees, review, members} & shown("enterprise")
    assert reverse("booking:mine") not in shown("anonymous")
