"""Refusals and missing pages keep the site's layout and say why; the server-error page needs nothing but itself."""

from django.db import connection
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

LAYOUT = 'id="main"'


@override_settings(DEBUG=False)
def test_a_refusal_shows_the_reason_the_code_gives_inside_the_layout(world, client_for):
    response = client_for(world.users["external_user"]).get(reverse("usage:dashboard"))
    page = response.content.decode()
    assert response.status_code == 403
    assert LAYOUT in page and "使用统计仅对单位人员、主管部门和平台管理员开放。" in page
    assert reverse("portal:workspace") in page  # a way on, not a dead end


@override_settings(DEBUG=False)
def test_a_refusal_is_explained_in_english_on_english_pages(world, client_for):
    client = client_for(world.users["officer_a"])
    response = client.get(reverse("booking:queue"), headers={"accept-language": "en"})
    page = response.content.decode()
    assert response.status_code == 403
    assert "Access denied" in page and "无权" not in page
    assert "unit admins, instrument managers and technicians" in page


@override_settings(DEBUG=False)
def test_a_bare_refusal_gets_a_general_sentence(world, client_for):
    draft_b = world.draft_b
    response = client_for(world.users["department_admin_a"]).get(
        reverse("registry:instrument_update", args=[draft_b.pk])
    )
    assert response.status_code in (403, 404)
    assert LAYOUT in response.content.decode()


@override_settings(DEBUG=False)
def test_a_missing_page_keeps_the_layout_and_the_menu(world, client_for):
    response = client_for(world.users["unit_admin_a"]).get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert LAYOUT in page and "页面不存在" in page and reverse("booking:queue") in page


def test_the_server_error_page_needs_no_database(db):
    request = RequestFactory().get("/")
    with translation.override("en"), CaptureQueriesContext(connection) as queries:
        response = server_error(request)
    page = response.content.decode()
    assert response.status_code == 500
    assert "Server error" in page and "/static/" in page
    assert len(queries) == 0
