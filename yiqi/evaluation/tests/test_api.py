"""The evaluation API: the public reads only published results, an expert scores through the same rules as the
page, and no list's query count grows with its rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yiqi.accounts.access import access_for
from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import user_with_role
from yiqi.evaluation.models import ExpertScore, Indicator
from yiqi.evaluation.services import rounds
from yiqi.experts.tests.factories import ExpertFactory
from yiqi.organizations.tests.factories import OrganizationFactory

from .scene import open_round, published_round

pytestmark = pytest.mark.django_db
API = "/api/v1/evaluation/"


def test_the_public_reads_published_results_only(client):
    authority = user_with_role(Role.PLATFORM_ADMIN)
    shown, hidden = OrganizationFactory(name="已公布单位"), OrganizationFactory(name="未公布单位")
    done = published_round(authority, [shown], year=2024)
    closed = open_round(authority, [hidden], year=2024)
    rounds.start_scoring(access_for(authority), closed, actor=authority)
    rounds.close(access_for(authority), closed, actor=authority)
    results = client.get(f"{API}results/").json()["results"]
    assert [r["unit_name"] for r in results] == ["已公布单位"]
    assert results[0]["grade"] == "poor" and results[0]["scores"]["2.1"] == "0.00"
    assert [r["id"] for r in client.get(f"{API}rounds/").json()["results"]] == [done.pk]
    assert client.get(f"{API}rounds/{closed.pk}/").status_code == 404
    client.force_login(authority)
    assert client.get(f"{API}results/").json()["count"] == 2
    assert client.get(f"{API}results/?round={closed.pk}").json()["count"] == 1


def test_an_assigned_expert_scores_in_range_over_the_api(client):
    authority = user_with_role(Role.PLATFORM_ADMIN)
    unit = OrganizationFactory()
    round_ = open_round(authority, [unit], year=2024)
    evaluation = round_.units.get()
    expert, stranger = ExpertFactory(), ExpertFactory()
    rounds.assign_expert(access_for(authority), evaluation, expert=expert, actor=authority)
    rounds.start_scoring(access_for(authority), round_, actor=authority)
    leaf = Indicator.objects.get(scheme=round_.scheme, code="2.2")
    body = {"evaluation": evaluation.pk, "indicator": leaf.pk, "score": "25"}
    client.force_login(expert.user)
    refused = client.post(f"{API}scores/", body, content_type="application/json")
    assert refused.status_code == 400 and "0 至 20.00" in refused.json()["score"][0]
    made = client.post(f"{API}scores/", {**body, "score": "17.5"}, content_type="application/json")
    assert made.status_code == 201 and made.json()["score"] == "17.50"
    client.force_login(stranger.user)
    assert client.post(f"{API}scores/", body, content_type="application/json").status_code == 400
    assert client.get(f"{API}scores/").json()["count"] == 0
    assert ExpertScore.objects.get().score == 17.5


@pytest.mark.parametrize("path", ["rounds", "results", "scores"])
def test_lists_cost_the_same_for_more_rows(client, path):
    authority = user_with_role(Role.PLATFORM_ADMIN)
    client.force_login(authority)

    def add(n, year):
        units = [OrganizationFactory() for _ in range(n)]
        round_ = open_round(authority, units, year=year)
        expert = ExpertFactory()
        for evaluation in round_.units.all():
            rounds.assign_expert(access_for(authority), evaluation, expert=expert, actor=authority)
        rounds.start_scoring(access_for(authority), round_, actor=authority)
        leaf = Indicator.objects.filter(scheme=round_.scheme, kind="scored").first()
        for evaluation in round_.units.all():
            rounds.score(access_for(expert.user), evaluation, actor=expert.user, indicator=leaf, mark="3")
        rounds.close(access_for(authority), round_, actor=authority)

    def measure() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"{API}{path}/")
        assert response.status_code == 200
        return response.json()["count"], len(captured)

    add(2, 2022)
    rows, few = measure()
    add(6, 2023)
    more_rows, more = measure()
    assert more_rows > rows and more == few
