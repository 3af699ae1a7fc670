"""Printed results: a unit's sheet and the round's list, as PDF from the same data as the pages, to the same
readers, and only once the result may be seen."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yiqi.accounts.access import access_for
from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import UserFactory, user_with_role
from yiqi.booking.tests.factories import bookable_instrument
from yiqi.core import pdf
from yiqi.core.templatetags.yiqi import yuan
from yiqi.evaluation.models import Indicator
from yiqi.evaluation.services import rounds
from yiqi.experts.tests.factories import ExpertFactory
from yiqi.organizations.tests.factories import OrganizationFactory
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory
from yiqi.usage.tests.factories import UsageRecordFactory

from .scene import open_round

pytestmark = pytest.mark.django_db


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def printed(client, url) -> tuple[int, str]:
    """The status and the HTML that went into the PDF (empty when none was made)."""
    with mock.patch("yiqi.core.pdf.write", wraps=pdf.write) as write:
        response = client.get(url)
    if response.status_code != 200:
        return response.status_code, ""
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    return 200, write.call_args.args[0]


@pytest.fixture
def closed_round():
    authority = user_with_role(Role.PLATFORM_ADMIN)
    good, idle = OrganizationFactory(name="甲大学"), OrganizationFactory(name="乙研究所")
    for hours in ("1600", "1200"):
        instrument = bookable_instrument(
            InstrumentFactory(unit=good, registration_status=RegistrationStatus.PUBLISHED)
        )
        UsageRecordFactory(instrument=instrument, machine_hours=Decimal(hours), is_external=True)
    today = timezone.localdate()
    round_ = open_round(
        authority,
        [good, idle],
        year=2025,
        name="2025 年度评价",
        period_start=today - dt.timedelta(days=365),
        period_end=today,
    )
    evaluation = round_.units.get(unit=good)
    expert = ExpertFactory()
    access = access_for(authority)
    rounds.assign_expert(access, evaluation, expert=expert, actor=authority)
    rounds.start_scoring(access, round_, actor=authority)
    scored = list(Indicator.objects.filter(scheme=round_.scheme, kind=Indicator.Kind.SCORED))
    for indicator in scored:  # full marks, one remark: a good grade, so a share of the subsidy
        comment = "制度健全，但网上预约比例偏低" if indicator == scored[0] else ""
        rounds.score(
            access_for(expert.user),
            evaluation,
            actor=expert.user,
            indicator=indicator,
            mark=indicator.points,
            comment=comment,
        )
    rounds.close(access, round_, actor=authority)
    evaluation.refresh_from_db()
    return authority, round_, evaluation, scored[0]


def test_a_units_sheet_prints_its_points_figures_grade_remarks_and_subsidy(closed_round):
    authority, round_, evaluation, indicator = closed_round
    officer = user_with_role(Role.INFORMATION_OFFICER, organization=evaluation.unit)
    url = reverse("evaluation:unit_print", args=[evaluation.pk])
    assert printed(browser(officer), url)[0] == 403  # computed, not yet published

    status, html = printed(browser(authority), url)
    assert status == 200
    assert "开放共享评价结果单" in html and "甲大学" in html and "2025 年度评价" in html
    assert f"{indicator.code} {indicator.name}" in html and "制度健全，但网上预约比例偏低" in html
    assert str(evaluation.total) in html and evaluation.get_grade_display() in html
    assert "年均有效机时" in html and "核验值" in html
    assert evaluation.subsidy and yuan(evaluation.subsidy) in html

    rounds.publish(access_for(authority), round_, actor=authority)
    assert printed(browser(officer), url)[0] == 200
    stranger = user_with_role(Role.UNIT_ADMIN, organization=OrganizationFactory())
    assert printed(browser(stranger), url)[0] == 403  # the sheet stays with the unit, like its page
    assert printed(browser(UserFactory()), url)[0] == 403


def test_the_results_list_prints_for_whoever_may_see_it(closed_round):
    authority, round_, evaluation, indicator = closed_round
    url = reverse("evaluation:round_print", args=[round_.pk])
    assert printed(browser(UserFactory()), url)[0] == 404  # not yet published

    rounds.publish(access_for(authority), round_, actor=authority)
    status, html = printed(Client(), url)
    assert status == 200
    assert html.index("甲大学") < html.index("乙研究所")  # by rank
    assert "评为较差、须限期整改的单位" in html and indicator.name in html
    assert str(evaluation.total) in html
