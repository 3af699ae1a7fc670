"""Ratings reach the catalogue's ranking and other apps' pages (instrument, unit, workspace)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory

from yiqi.accounts.tests.factories import UserFactory
from yiqi.catalog.cache import documents
from yiqi.catalog.indexing import rebuild_index
from yiqi.catalog.models import IndexChange, SearchDocument
from yiqi.catalog.search import search
from yiqi.feedback import services
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory

from .conftest import completed_booking, completed_order

pytestmark = pytest.mark.django_db

GOOD = {"overall": 5, "timeliness": 5, "attitude": 5, "result_quality": 5}


@pytest.mark.parametrize(
    "count, total, expected",
    [
        (0, 0, 500),  # unrated: the middle
        (1, 5, 583),  # one 5-star rating moves it only a little
        (1, 1, 417),
        (20, 96, 860),  # twenty ratings averaging 4.8 beat a single 5
        (100, 500, 976),
        (100, 100, 24),
    ],
)
def test_quality_signal_is_a_bayesian_average_on_the_catalogues_scale(count, total, expected):
    assert services.quality_signal(count, total) == expected


@pytest.fixture
def twins(world):
    """Two published instruments the search cannot tell apart (two models, so not one collapsed hit), indexed."""
    twins = [
        InstrumentFactory(
            unit=world.unit_a,
            name="原子力显微镜",
            model_spec=model,
            registration_status=RegistrationStatus.PUBLISHED,
        )
        for model in ("Dimension Icon", "Dimension XR")
    ]
    rebuild_index()
    documents.loaded = False  # each test's database is new: so is the in-memory cache
    yield twins
    documents.loaded = False


def test_a_rating_changes_the_catalogues_ranking_input(world, twins):
    first, second = twins
    assert set(search("原子力显微镜").ids[:2]) == {first.pk, second.pk}
    user = world.users["external_user"]
    booking = completed_booking(second, user)
    services.rate(user=user, record=booking, **GOOD)
    assert SearchDocument.objects.get(pk=second.pk).quality == 583
    assert IndexChange.objects.filter(instrument_id=second.pk).exists()
    assert search("原子力显微镜").ids[:2] == [second.pk, first.pk]

    order = completed_order(first, user)
    services.rate(user=user, record=order, **{**GOOD, "overall": 1})
    assert SearchDocument.objects.get(pk=first.pk).quality == 417
    assert search("原子力显微镜").ids[:2] == [second.pk, first.pk]


def test_unpublished_instruments_have_no_document_to_update(world):
    order = completed_order(world.draft_b, world.users["external_user"])
    services.rate(user=world.users["external_user"], record=order, **GOOD)
    assert not IndexChange.objects.filter(instrument_id=world.draft_b.pk).exists()


def render(source: str, user=None, **context) -> str:
    request = RequestFactory().get("/instruments/1/")
    request.user = user or UserFactory.build()
    return Template("{% load feedback_tags %}" + source).render(Context({"request": request, **context}))


def test_instrument_ratings_show_averages_and_latest_ratings_masked(world, served):
    rater = world.users["external_user"]
    rating = services.rate(user=rater, record=served["booking"], **GOOD, comment="出报告很快")
    services.reply(rating, actor=world.users["manager_a"], text="欢迎再来")
    html = render("{% instrument_ratings instrument %}", instrument=served["instrument"])
    assert "5.0" in html and "出报告很快" in html and "欢迎再来" in html
    assert "张** · 企业" in html and rater.full_name not in html and rater.username not in html
    assert 'name="reply"' not in html, "no reply form for the public"


def test_unit_managers_get_a_reply_form_on_the_page(world, served):
    services.rate(user=world.users["external_user"], record=served["booking"], **GOOD)
    html = render("{% unit_ratings unit %}", user=world.users["unit_admin_a"], unit=world.unit_a)
    assert 'name="reply"' in html and served["instrument"].name in html
    html = render("{% unit_ratings unit %}", user=world.users["unit_admin_b"], unit=world.unit_a)
    assert 'name="reply"' not in html


def test_the_public_unit_page_leaves_out_ratings_of_instruments_it_does_not_show(world, served):
    services.rate(user=world.users["external_user"], record=served["booking"], **GOOD, comment="公开仪器")
    withdrawn = InstrumentFactory(
        unit=world.unit_a, name="已撤回的仪器", registration_status=RegistrationStatus.PUBLISHED
    )
    booking = completed_booking(withdrawn, world.users["external_user"], days_ago=3)
    services.rate(user=world.users["external_user"], record=booking, **GOOD, comment="撤回前的评价")
    withdrawn.registration_status = RegistrationStatus.DRAFT
    withdrawn.save()

    public = render("{% unit_ratings unit %}", user=AnonymousUser(), unit=world.unit_a)
    assert "公开仪器" in public and "撤回前的评价" not in public and "已撤回的仪器" not in public
    own_staff = render("{% unit_ratings unit %}", user=world.users["unit_admin_a"], unit=world.unit_a)
    assert "撤回前的评价" in own_staff


def test_no_ratings_yet_says_so(world):
    assert "暂无评价" in render("{% instrument_ratings instrument %}", instrument=world.published_a)


def test_the_workspace_lists_what_waits_for_each_role(world, served):
    user = world.users["external_user"]
    html = render("{% feedback_workspace %}", user=user)
    assert "待评价的服务" in html and f"/feedback/rate/{served['booking'].pk}/" in html
    assert f"/feedback/rate/{served['order'].pk}/" in html
    services.rate(user=user, record=served["booking"], **GOOD)
    complaint = services.file_complaint(user=user, unit=world.unit_a, subject="态度差", description="……")
    summary = services.workspace_summary(user)
    assert summary["to_rate_count"] == 1 and summary["to_rate"] == [served["order"]]

    admin = services.workspace_summary(world.users["unit_admin_a"])
    assert (admin["open_complaints"], admin["unreplied_ratings"], admin["overdue_handled"]) == (1, 1, 0)
    assert services.workspace_summary(world.users["unit_admin_b"])["open_complaints"] == 0

    complaint.due_on = complaint.due_on.replace(year=2020)
    complaint.save()
    department = services.workspace_summary(world.users["department_admin_a"])
    assert department["overdue_supervised"] == [complaint] and department["overdue_supervised_count"] == 1
    assert services.workspace_summary(world.users["department_admin_b"])["overdue_supervised_count"] == 0
    html = render("{% feedback_workspace %}", user=world.users["department_admin_a"])
    assert complaint.number in html


def test_the_workspace_is_empty_for_visitors_and_people_with_nothing_to_do(world):
    assert render("{% feedback_workspace %}", user=UserFactory()).strip() == ""
    assert render("{% feedback_workspace %}", user=AnonymousUser()).strip() == ""


def test_stars_render_for_screen_readers_too():
    html = Template("{% load feedback_tags %}{{ 4|stars }}").render(Context())
    assert 'aria-label="4 星"' in html and "★★★★☆" in html.replace('<span class="text-body-tertiary">', "")


def test_averages_from_many_raters(world):
    instrument = InstrumentFactory(unit=world.unit_b, registration_status=RegistrationStatus.PUBLISHED)
    for day in range(1, 4):
        booking = completed_booking(instrument, UserFactory(), days_ago=day)
        services.rate(user=booking.user, record=booking, **{**GOOD, "overall": day + 2})
    html = render("{% instrument_ratings instrument %}", instrument=instrument)
    assert "4.0" in html and "3 条评价" in html
