"""What the results feed: the evaluation's "results of use" figures (with the rows behind each) and the national
yearly record of the unit (type 7)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from yiqi.evaluation.services import figures
from yiqi.exchange import records
from yiqi.exchange.validation import problems
from yiqi.outcomes.models import OutcomeStatus

from .factories import OutcomeFactory

pytestmark = pytest.mark.django_db
YEAR = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


@pytest.fixture
def results(world, settings):
    settings.YIQI_OUTCOME_WEIGHTS = {"paper": 1, "patent": 2, "standard": 3, "award": 5, "project": 2}
    made = [
        OutcomeFactory(unit=world.unit, identifier="10.1000/a", instruments=[world.sem]),
        OutcomeFactory(unit=world.unit, identifier="10.1000/b", instruments=[world.sem]),
        OutcomeFactory(
            unit=world.unit,
            kind="project",
            identifier="62071234",
            level="national",
            source="国家自然科学基金委员会",
            instruments=[world.xrd],
        ),
        OutcomeFactory(
            unit=world.unit,
            kind="award",
            identifier="",
            level="provincial",
            title="陕西省科学技术奖一等奖",
            source="陕西省人民政府",
            instruments=[world.sem],
        ),
    ]
    OutcomeFactory(unit=world.unit, identifier="10.1000/c", status=OutcomeStatus.PENDING)
    OutcomeFactory(unit=world.unit, identifier="10.1000/d", date=dt.date(2024, 6, 1))
    return made


def test_the_evaluation_counts_results_per_kind_and_weighted_with_the_rows_behind(world, results):
    got = figures.compute([world.unit.pk, world.other_unit.pk], *YEAR, threshold=Decimal("200000"))
    mine = got[world.unit.pk]
    assert mine["outcome_papers"]["declared"] == "2"
    assert mine["outcome_projects"]["declared"] == "1"
    assert mine["outcome_awards"]["declared"] == "1"
    assert mine["outcome_patents"]["declared"] == "0"
    assert mine["outcomes_weighted"]["declared"] == str(2 * 1 + 1 * 2 + 1 * 5)
    assert got[world.other_unit.pk]["outcomes_weighted"]["declared"] == "0"
    papers = figures.rows_behind("outcome_papers", world.unit.pk, *YEAR, threshold=Decimal("200000"))
    assert {o.identifier for o in papers} == {"10.1000/a", "10.1000/b"}
    every = figures.rows_behind("outcomes_weighted", world.unit.pk, *YEAR, threshold=Decimal("200000"))
    assert set(every) == set(results)


def test_a_scheme_may_score_the_weighted_count(world, results):
    from yiqi.evaluation.models import Indicator, Scheme
    from yiqi.evaluation.services.schemes import problems as scheme_problems

    scheme = Scheme.objects.create(name="成果示例", value_threshold=Decimal("200000"))
    Indicator.objects.create(
        scheme=scheme,
        code="1",
        name="应用成果",
        points=Decimal(100),
        kind=Indicator.Kind.COMPUTED,
        figure="outcomes_weighted",
        method="linear",
        params={"benchmark": "20"},
    )
    assert not scheme_problems(scheme)


def test_the_national_yearly_record_carries_the_units_results(world, results):
    yearly = [b for b in records.yearly_records({world.unit.pk: "sxins00001"}, 2025, [world.unit.pk])]
    payload = yearly[0].payload
    assert (payload["thesis"], payload["project"], payload["patent"], payload["output"]) == (2, 1, 0, 4)
    assert payload["achievements"] == "陕西省科学技术奖一等奖"
    assert not problems(records.YEARLY, payload)


def test_the_unit_reads_the_results_behind_its_figure(world, results, client_for):
    from yiqi.accounts.models import Role
    from yiqi.accounts.tests.factories import user_with_role
    from yiqi.evaluation.tests.scene import open_round

    authority = user_with_role(Role.PLATFORM_ADMIN)
    evaluation = open_round(authority, [world.unit], year=2025, period_end=dt.date(2025, 12, 31)).units.get()
    page = client_for(world.officer).get(
        reverse("evaluation:figure_rows", kwargs={"pk": evaluation.pk, "figure": "outcome_papers"})
    )
    assert page.status_code == 200
    assert "10.1000/a" in page.content.decode() and "10.1000/c" not in page.content.decode()
