"""An instrument bought through review carries its opening plan into the yearly evaluation: a unit that does not
share it as promised, or offers outsiders fewer hours than promised, shows a failed obligation in its figures."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from yiqi.accounts.access import access_for
from yiqi.evaluation.services import figures
from yiqi.purchases import services
from yiqi.purchases.models import Opinion
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory
from yiqi.usage.tests.factories import UsageRecordFactory

from .factories import file_application

pytestmark = pytest.mark.django_db
LAST_YEAR = timezone.localdate().year - 1
YEAR = (dt.date(LAST_YEAR, 1, 1), dt.date(LAST_YEAR, 12, 31))


def bought_under_review(province, **instrument):
    """An application decided "recommend with conditions" (600 external hours a year, shared with society), and the
    instrument the unit then registered, linked to it."""
    officer, authority = province.officer, province.authority
    application = services.submit(
        access_for(officer), file_application(province.applicant, officer), actor=officer
    )
    review = services.assign_expert(
        access_for(authority), application, expert=province.outsider, actor=authority
    )
    expert = province.outsider.user
    values = {
        "relevance": 5,
        "necessity": 4,
        "reasonableness": 4,
        "recommendation": "conditional",
        "reasons": "附条件",
    }
    services.submit_review(access_for(expert), review, values=values, actor=expert)
    services.decide(
        access_for(authority),
        application,
        opinion=Opinion.CONDITIONAL,
        text="附条件同意购置。",
        conditions="每年对外开放不少于 600 机时。",
        actor=authority,
    )
    two_years_ago = dt.date(LAST_YEAR - 1, 3, 1)
    fields = {"acceptance_date": two_years_ago, "start_of_use_date": two_years_ago, **instrument}
    bought = InstrumentFactory(unit=province.applicant, **fields)
    services.link_instrument(access_for(officer), application, instrument=bought, actor=officer)
    return application, bought


def external_hours(instrument, hours, verified=None):
    UsageRecordFactory(
        instrument=instrument,
        is_external=True,
        machine_hours=Decimal(hours),
        verified_hours=None if verified is None else Decimal(verified),
        started_at=timezone.make_aware(dt.datetime(LAST_YEAR, 6, 1, 9)),
    )


def obligations(unit):
    return figures.compute([unit.pk], *YEAR, threshold=Decimal("200000"))[unit.pk]["obligations_met_rate"]


def test_a_unit_that_breaks_its_opening_plan_shows_a_failed_obligation(province):
    application, bought = bought_under_review(province, sharing_mode="internal")
    external_hours(bought, "120")
    figure = obligations(province.applicant)
    assert figure["declared"] == "0.0000"
    assert figure["failed"] == [
        {
            "instrument": bought.pk,
            "reference": application.number,
            "reasons": ["sharing_mode", "hours"],
            "sharing_mode": "internal",
            "promised_sharing_mode": "external",
            "external_hours": "120.0",
            "hours_offered": 600,
        }
    ]
    assert list(figures.rows_behind("obligations_met_rate", province.applicant.pk, *YEAR, threshold=0)) == [
        bought
    ]
    # A unit with nothing bought through review has no such figure (schemes score it as missing, not as zero).
    assert obligations(province.neighbour)["declared"] is None


def test_a_unit_that_keeps_its_plan_meets_it_and_telemetry_can_say_otherwise(province):
    application, bought = bought_under_review(province, sharing_mode="external")
    external_hours(bought, "650", verified="420")
    figure = obligations(province.applicant)
    assert (figure["declared"], figure["verified"], figure["failed"]) == ("1.0000", "0.0000", [])


def test_an_instrument_in_use_for_part_of_the_period_is_held_to_its_share_of_the_hours(province):
    # In use from 1 July: 320 h in the half year is 640 h a year, above the 600 promised.
    application, bought = bought_under_review(province, start_of_use_date=dt.date(LAST_YEAR, 7, 1))
    UsageRecordFactory(
        instrument=bought,
        is_external=True,
        machine_hours=Decimal("320"),
        started_at=timezone.make_aware(dt.datetime(LAST_YEAR, 9, 1, 9)),
    )
    assert obligations(province.applicant)["declared"] == "1.0000"


def test_the_evaluation_page_behind_the_figure_lists_the_failed_obligations(client, province):
    from yiqi.evaluation.tests.scene import open_round

    application, bought = bought_under_review(
        province, sharing_mode="internal", name="场发射扫描电镜（新购）"
    )
    external_hours(bought, "120")
    round_ = open_round(province.authority, [province.applicant, province.neighbour], year=LAST_YEAR)
    evaluation = round_.units.get(unit=province.applicant)
    assert evaluation.figures["obligations_met_rate"]["failed"]

    client.force_login(province.officer)
    page = client.get(f"/evaluation/units/{evaluation.pk}/figures/obligations_met_rate/").content.decode()
    assert "未履行的开放承诺" in page and application.number in page and "场发射扫描电镜（新购）" in page
    assert "未按承诺方式共享；对外机时少于承诺" in page
    # A unit with nothing bought through review has no such list.
    client.force_login(province.authority)
    other = round_.units.get(unit=province.neighbour)
    page = client.get(f"/evaluation/units/{other.pk}/figures/obligations_met_rate/").content.decode()
    assert "未履行的开放承诺" not in page


def test_the_bought_instruments_page_links_back_to_its_review_for_those_who_may_see_it(client, province):
    application, bought = bought_under_review(province, registration_status=RegistrationStatus.PUBLISHED)
    page = reverse("registry:instrument_detail", args=[bought.pk])
    client.force_login(province.officer)
    assert application.number in client.get(page).content.decode()
    client.logout()  # the public sees the instrument, not the review
    response = client.get(page)
    assert response.status_code == 200 and bought.name in response.content.decode()
    assert application.number not in response.content.decode()
